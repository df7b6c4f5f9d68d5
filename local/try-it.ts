/**
 * The "Try it" commands: the README's block (`tryItCommands('.local', …)`, checked to be equal by a test that also
 * runs it verbatim) and what `npm start` prints, with the folder of that start's files. One source, so the two never
 * drift apart.
 *
 * Every value comes from the files the local cloud writes (outputs.json, endpoints.json, credentials), never from a
 * stack name: `-c todo:envName=prod` gives TodoApi-prod and the same commands still work. The AWS CLI line sends the
 * payload with `fileb://`, which v1 and v2 both pass as it is (v2's `--cli-binary-format` only concerns blobs given
 * as text; AWS CLI v2 User Guide, "Loading parameters from a file" and "cli_binary_format"): no version to detect.
 */

/** The outputs the commands use; a section whose outputs the app does not have is left out. */
const API_OUTPUTS = ['GraphQLAPIEndpointOutput', 'GraphQLAPIKeyOutput', 'GraphQLAPIRegionOutput'] as const;
const FUNCTION_OUTPUTS = ['CreateTodoIamFunctionName', 'ListTodosApiKeyFunctionName', 'ListTodosIamFunctionName', 'CreateTodoApiKeyFunctionName'] as const;

/**
 * The commands, for a local cloud whose files are in `filesDir` (as the user would type it: `.local`, or an absolute
 * path), given the names of the outputs the app has.
 */
export function tryItCommands(filesDir: string, outputNames: ReadonlySet<string>): string[] {
  const dir = filesDir.replace(/\/+$/, '');
  const has = (names: readonly string[]) => names.every((name) => outputNames.has(name));
  const lines = [
    '# Values from the files npm start writes (never a stack name: -c todo:envName=prod works the same)',
    `out() { node -p "Object.assign({}, ...Object.values(require('${requirePath(dir)}/outputs.json')))['$1']"; }`,
  ];
  if (has(API_OUTPUTS)) {
    lines.push(
      'URL=$(out GraphQLAPIEndpointOutput)',
      'KEY=$(out GraphQLAPIKeyOutput)',
      '',
      '# API key',
      `curl -s "$URL" -H 'content-type: application/json' -H "x-api-key: $KEY" \\`,
      `  -d '{"query":"mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name createdAt } }","variables":{"input":{"name":"first"}}}'`,
      `curl -s "$URL" -H 'content-type: application/json' -H "x-api-key: $KEY" \\`,
      `  -d '{"query":"query LIST_TODOS { listTodos { items { id name description } } }"}'`,
      '',
      "# IAM (SigV4) with the `local` profile's keys (allowed everything, like an account admin)",
      `AK=$(awk -F' = ' '/^\\[local\\]/{p=1;next} /^\\[/{p=0} p&&/aws_access_key_id/{print $2}' ${dir}/credentials)`,
      `SK=$(awk -F' = ' '/^\\[local\\]/{p=1;next} /^\\[/{p=0} p&&/aws_secret_access_key/{print $2}' ${dir}/credentials)`,
      `curl -s "$URL" --aws-sigv4 "aws:amz:$(out GraphQLAPIRegionOutput):appsync" --user "$AK:$SK" -H 'content-type: application/json' \\`,
      `  -d '{"query":"query LIST_TODOS { listTodos { items { id name description } } }"}'`,
    );
  }
  if (has(FUNCTION_OUTPUTS)) {
    lines.push(
      '',
      '# The caller Lambdas through the Lambda API, with the AWS CLI (v1 or v2) and the `local` profile',
      `LAMBDA=$(node -p "require('${requirePath(dir)}/endpoints.json').lambda")`,
      `AWS_LOCAL="AWS_SHARED_CREDENTIALS_FILE=${dir}/credentials AWS_CONFIG_FILE=${dir}/config AWS_PROFILE=local"`,
      'env $AWS_LOCAL aws lambda invoke --endpoint-url "$LAMBDA" --function-name "$(out CreateTodoIamFunctionName)" \\',
      '  --payload fileb://event.json /dev/stdout',
      'env $AWS_LOCAL aws lambda list-functions --endpoint-url "$LAMBDA" --query \'Functions[].FunctionName\'',
      'env $AWS_LOCAL aws lambda get-function-configuration --endpoint-url "$LAMBDA" --function-name "$(out ListTodosApiKeyFunctionName)" \\',
      '  --query Environment',
      '',
      '# ... or without the AWS CLI',
      `npm run invoke --${invokeStateDir(dir)} "$(out ListTodosIamFunctionName)" '{"limit":5}'`,
      `npm run invoke --${invokeStateDir(dir)} "$(out CreateTodoApiKeyFunctionName)" --event event.json`,
    );
  }
  return lines;
}

/** `require()` takes a path that does not start with `/`, `./` or `../` for a package name. */
function requirePath(dir: string): string {
  return /^(\/|\.\.?\/)/.test(dir) ? dir : `./${dir}`;
}

function invokeStateDir(dir: string): string {
  return dir === '.local' ? '' : ` --state-dir ${dir}`;
}
