/**
 * `npm run add-function` and `npm run remove-function`: the plan of what adding a caller writes, and of what removing
 * it takes away. Pure apart from reading the project's files: bin/add-function.ts asks the questions and applies the
 * plan; nothing here writes.
 *
 * What a caller named `getTodoIam` owns, and nothing else:
 * - `lambda/callers/get-todo-iam.ts`, its handler (the generated document of each operation, the callers' client);
 * - `test/lambda/callers/added/get-todo-iam.test.ts`, its test against the local cloud (jest's system tier);
 * - one line in lib/callers-stack.ts and one in the README, each inserted above a marker line;
 * - its entry in lib/added-functions.json, which records all of the above (with the files' hashes) for remove-function.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type DocumentNode, type FieldDefinitionNode, type InputObjectTypeDefinitionNode, Kind, parse, type TypeNode } from 'graphql';
import type { OperationVariable } from '../lambda/callers/operation-caller';
import { capitalize } from './schema-fields';

export const PROJECT_ROOT = path.join(__dirname, '..');
export const CALLERS_STACK = 'lib/callers-stack.ts';
export const README = 'README.md';
export const MANIFEST = 'lib/added-functions.json';
/** Biome's command-line entry point (a devDependency, like the rest of the tooling add-function needs). */
const BIOME_CLI = require.resolve('@biomejs/biome/bin/biome');

export const STACK_MARKER = '    // npm run add-function adds its callers above this line.';
export const README_MARKER = '<!-- npm run add-function adds its invoke examples above this line -->';

/** How the caller authenticates; the values are the answers' and the flags' words. */
export enum FunctionAuth {
  API_KEY = 'apiKey',
  IAM = 'iam',
}

export type FunctionFormat = 'esm' | 'cjs';

export interface AddFunctionAnswers {
  /** camelCase, e.g. `getTodoIam`: the construct id, the `<Name>FunctionName` output, the file names. */
  readonly name: string;
  readonly auth: FunctionAuth;
  /** Root fields it may call; none means a "Hello World" handler. */
  readonly operations: readonly string[];
  readonly format: FunctionFormat;
}

/** A root field of the schema, as add-function offers it. */
export interface SchemaOperation {
  readonly fieldName: string;
  readonly typeName: 'Query' | 'Mutation' | 'Subscription';
  readonly variables: readonly OperationVariable[];
  /** The file of graphql/ that exports its generated document. */
  readonly documentModule: 'queries' | 'mutations' | 'subscriptions';
}

export interface AddedFunction {
  readonly name: string;
  readonly auth: FunctionAuth;
  readonly operations: readonly string[];
  readonly format: FunctionFormat;
  /** Files it wrote, relative to the project root, with the SHA-256 of what was written. */
  readonly files: Readonly<Record<string, string>>;
  /** Lines it inserted, by file. */
  readonly lines: Readonly<Record<string, string>>;
}

export interface Manifest {
  readonly functions: readonly AddedFunction[];
}

export interface FilePlan {
  /** New files, by path relative to the project root. */
  readonly create: Readonly<Record<string, string>>;
  /** Existing files, by path, with their whole new content (a line inserted or removed). */
  readonly update: Readonly<Record<string, string>>;
  /** Files to delete. */
  readonly remove: readonly string[];
}

/** One base error for both commands: the user's input or the project's state is wrong, and nothing was written. */
export class FunctionCommandError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FunctionCommandError';
  }
}

/** A name, operation, auth mode or format that cannot be used. */
export class InvalidAnswerError extends FunctionCommandError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidAnswerError';
  }
}

/** The project is not as the command expects (a marker line gone, stale codegen, a file changed since it was written). */
export class ProjectStateError extends FunctionCommandError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProjectStateError';
  }
}

const NAME_SHAPE = /^[a-z][a-zA-Z0-9]{2,39}$/;

/**
 * Reads what both commands need from a project directory. The schema and the generated documents are read once per
 * Project (neither command writes them); the stack, the README and the manifest are read afresh each time.
 */
export class Project {
  private schemaOperations?: SchemaOperation[];
  private schemaInputs?: Map<string, InputObjectTypeDefinitionNode>;

  constructor(readonly root: string = PROJECT_ROOT) {}

  /**
   * Source as the project's formatter (Biome, biome.json) writes it, so that what add-function writes passes
   * `npm test`'s lint as it is, and the hash in the manifest is of the file as it stays.
   */
  formatted(relative: string, source: string): string {
    const result = spawnSync(process.execPath, [BIOME_CLI, 'check', '--write', '--vcs-use-ignore-file=false', `--stdin-file-path=${relative}`], {
      cwd: this.root,
      input: source,
      encoding: 'utf8',
    });
    if (result.status !== 0 || result.stdout === '') {
      throw new ProjectStateError(
        `the formatter (Biome) could not format the ${relative} add-function wrote: ${(result.stderr || result.error?.message || '').trim()}`,
      );
    }
    return result.stdout;
  }

  read(relative: string): string {
    return readFileSync(path.join(this.root, relative), 'utf8');
  }

  exists(relative: string): boolean {
    return existsSync(path.join(this.root, relative));
  }

  manifest(): Manifest {
    if (!this.exists(MANIFEST)) return { functions: [] };
    try {
      const parsed = JSON.parse(this.read(MANIFEST)) as Manifest;
      if (!Array.isArray(parsed.functions)) throw new Error('no "functions" list');
      return parsed;
    } catch (error) {
      throw new ProjectStateError(`${MANIFEST} is damaged (${(error as Error).message}); restore it from git`, { cause: error });
    }
  }

  /** The root fields of schema/schema.graphql that have a generated document, in schema order. */
  operations(): SchemaOperation[] {
    if (this.schemaOperations === undefined) {
      const documents = new Map<string, string>();
      const documentsOf = (module: string) => {
        if (!documents.has(module)) documents.set(module, this.exists(`graphql/${module}.ts`) ? this.read(`graphql/${module}.ts`) : '');
        return documents.get(module)!;
      };
      this.schemaOperations = readSchemaOperations(this.read('schema/schema.graphql'), (module, fieldName) =>
        new RegExp(`^export const ${fieldName} = `, 'm').test(documentsOf(module)),
      );
    }
    return this.schemaOperations;
  }

  /** The schema's input types, by name. */
  inputs(): ReadonlyMap<string, InputObjectTypeDefinitionNode> {
    this.schemaInputs ??= inputDefinitions(parse(this.read('schema/schema.graphql')));
    return this.schemaInputs;
  }

  /** Construct ids already used by callers: the stack's `add(...)` lines. */
  takenNames(): string[] {
    return [...this.read(CALLERS_STACK).matchAll(/^\s*add\('([^']+)'/gm)].map((match) => match[1]);
  }
}

/** `getTodoIam` → `get-todo-iam`. */
export function fileStemOf(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Checks the answers against the project; a wrong one is an InvalidAnswerError that says what would be right. */
export function validateAnswers(answers: AddFunctionAnswers, project: Project): void {
  const { name } = answers;
  if (!NAME_SHAPE.test(name)) {
    throw new InvalidAnswerError(
      `function name ${JSON.stringify(name)} must be camelCase: a lower-case letter, then 2 to 39 letters or digits (e.g. getTodoIam)`,
    );
  }
  const stem = fileStemOf(name);
  if (project.takenNames().includes(name) || project.manifest().functions.some((fn) => fn.name === name)) {
    throw new InvalidAnswerError(
      `a function named ${name} already exists in ${CALLERS_STACK}; pick another name, or remove it first (npm run remove-function -- ${name})`,
    );
  }
  for (const file of [`lambda/callers/${stem}.ts`, `test/lambda/callers/added/${stem}.test.ts`]) {
    if (project.exists(file)) throw new InvalidAnswerError(`${file} already exists; pick another name`);
  }
  if (!Object.values(FunctionAuth).includes(answers.auth)) {
    throw new InvalidAnswerError(`auth must be one of ${Object.values(FunctionAuth).join(', ')} (got ${JSON.stringify(answers.auth)})`);
  }
  if (answers.format !== 'esm' && answers.format !== 'cjs') {
    throw new InvalidAnswerError(`format must be esm or cjs (got ${JSON.stringify(answers.format)})`);
  }
  const available = project.operations();
  for (const fieldName of answers.operations) {
    const operation = available.find((candidate) => candidate.fieldName === fieldName);
    if (operation === undefined) {
      const callable = available.filter((candidate) => candidate.typeName !== 'Subscription').map((candidate) => candidate.fieldName);
      throw new InvalidAnswerError(
        `unknown operation ${JSON.stringify(fieldName)}: the schema's generated documents offer ${callable.join(', ')} (run npm run codegen after changing the schema)`,
      );
    }
    if (operation.typeName === 'Subscription') {
      throw new InvalidAnswerError(
        `${fieldName} is a subscription: it needs a WebSocket client, which the callers (HTTP) do not have; choose a query or a mutation`,
      );
    }
  }
  if (new Set(answers.operations).size !== answers.operations.length) throw new InvalidAnswerError('an operation is named twice');
}

/** What `add-function` writes for these answers. */
export function planAddFunction(answers: AddFunctionAnswers, project: Project): { plan: FilePlan; entry: AddedFunction } {
  validateAnswers(answers, project);
  const operations = answers.operations.map((fieldName) => project.operations().find((operation) => operation.fieldName === fieldName)!);
  const stem = fileStemOf(answers.name);
  const handlerFile = `lambda/callers/${stem}.ts`;
  const testFile = `test/lambda/callers/added/${stem}.test.ts`;
  const create = {
    [handlerFile]: project.formatted(handlerFile, handlerSource(answers, operations)),
    [testFile]: project.formatted(testFile, testSource(answers, operations, project)),
  };
  const stackLine = stackLineOf(answers, operations, `${stem}.ts`);
  const readmeLine = readmeLineOf(answers, operations, project);
  const update = {
    [CALLERS_STACK]: insertAbove(project.read(CALLERS_STACK), STACK_MARKER, stackLine, CALLERS_STACK),
    [README]: insertAbove(project.read(README), README_MARKER, readmeLine, README),
  };
  const entry: AddedFunction = {
    name: answers.name,
    auth: answers.auth,
    operations: answers.operations,
    format: answers.format,
    files: Object.fromEntries(Object.entries(create).map(([file, content]) => [file, sha256(content)])),
    lines: { [CALLERS_STACK]: stackLine, [README]: readmeLine },
  };
  const manifest: Manifest = { functions: [...project.manifest().functions, entry] };
  return { plan: { create: { ...create }, update: { ...update, [MANIFEST]: manifestText(manifest) }, remove: [] }, entry };
}

/** What `remove-function NAME` takes away: exactly what add-function wrote, while it is unchanged. */
export function planRemoveFunction(name: string, project: Project, { force = false } = {}): FilePlan {
  const manifest = project.manifest();
  const entry = manifest.functions.find((fn) => fn.name === name);
  if (entry === undefined) {
    const added = manifest.functions.map((fn) => fn.name);
    throw new InvalidAnswerError(
      `no function named ${JSON.stringify(name)} was added by npm run add-function` +
        (added.length > 0 ? `; it added ${added.join(', ')}` : '; it has added none') +
        ' (the callers the project ships are removed by editing lib/callers-stack.ts)',
    );
  }
  for (const [file, hash] of Object.entries(entry.files)) {
    if (project.exists(file) && sha256(project.read(file)) !== hash && !force) {
      throw new ProjectStateError(
        `${file} was changed since add-function wrote it; remove-function would lose those changes. Run it with --force to delete it anyway`,
      );
    }
  }
  const update: Record<string, string> = {};
  for (const [file, line] of Object.entries(entry.lines)) {
    const content = project.read(file);
    const lines = content.split('\n');
    const at = lines.indexOf(line);
    if (at < 0) {
      if (!force)
        throw new ProjectStateError(
          `the line add-function inserted in ${file} is no longer there (or was edited); remove ${name} from it by hand, or run with --force`,
        );
      continue;
    }
    lines.splice(at, 1);
    update[file] = lines.join('\n');
  }
  update[MANIFEST] = manifestText({ functions: manifest.functions.filter((fn) => fn.name !== name) });
  return { create: {}, update, remove: Object.keys(entry.files).filter((file) => project.exists(file)) };
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function insertAbove(content: string, marker: string, line: string, file: string): string {
  const lines = content.split('\n');
  const at = lines.indexOf(marker);
  if (at < 0) throw new ProjectStateError(`${file} has lost the line add-function inserts above:\n  ${marker.trim()}\nput it back where new callers should go`);
  lines.splice(at, 0, line);
  return lines.join('\n');
}

function stackLineOf(answers: AddFunctionAnswers, operations: readonly SchemaOperation[], file: string): string {
  const fields = operations.map((operation) => `{ typeName: '${operation.typeName}', fieldName: '${operation.fieldName}' }`).join(', ');
  const auth = answers.auth === FunctionAuth.IAM ? 'CallerAuthMode.IAM' : 'CallerAuthMode.API_KEY';
  const format = answers.format === 'cjs' ? ", { moduleFormat: 'cjs' }" : '';
  return `    add('${answers.name}', '${file}', ${auth}, [${fields}]${format});`;
}

function readmeLineOf(answers: AddFunctionAnswers, operations: readonly SchemaOperation[], project: Project): string {
  const output = `${capitalize(answers.name)}FunctionName`;
  const event = operations.length === 0 ? {} : sampleEvent(operations, project);
  const calls = operations.length === 0 ? 'Hello World' : operations.map((operation) => `${operation.typeName}.${operation.fieldName}`).join(', ');
  const auth = answers.auth === FunctionAuth.IAM ? 'IAM' : 'API key';
  return `- \`${answers.name}\` (${auth}; ${calls}): \`npm run invoke -- "$(node -p "require('./.local/outputs.json')['TodoCallers-dev'].${output}")" '${JSON.stringify(event)}'\``;
}

/** An event for the first operation with a value for every required variable, for the README and the test. */
export function sampleEvent(operations: readonly SchemaOperation[], project: Project): Record<string, unknown> {
  const [first] = operations;
  const inputs = project.inputs();
  const event: Record<string, unknown> = operations.length > 1 ? { operation: first.fieldName } : {};
  for (const variable of first.variables) {
    if (variable.nonNull) event[variable.name] = sampleValue(variable.type, variable.kind, inputs, 0);
  }
  return event;
}

function sampleValue(type: string, kind: OperationVariable['kind'], inputs: ReadonlyMap<string, InputObjectTypeDefinitionNode>, depth: number): unknown {
  if (kind === 'input') {
    const input = inputs.get(type);
    const value: Record<string, unknown> = {};
    for (const field of input?.fields ?? []) {
      if (field.type.kind !== Kind.NON_NULL_TYPE || depth > 3) continue;
      const named = namedTypeOf(field.type);
      value[field.name.value] = sampleValue(named, inputs.has(named) ? 'input' : 'scalar', inputs, depth + 1);
    }
    return value;
  }
  if (type === 'Int' || type === 'AWSTimestamp') return 1;
  if (type === 'Float') return 1.5;
  if (type === 'Boolean') return true;
  if (type === 'ID') return 'add-function-example';
  return 'example';
}

function handlerSource(answers: AddFunctionAnswers, operations: readonly SchemaOperation[]): string {
  const auth = answers.auth === FunctionAuth.IAM ? 'IAM (SigV4, with its execution role)' : 'the API key';
  const removal = `npm run remove-function -- ${answers.name}`;
  if (operations.length === 0) {
    return `/**
 * ${answers.name}: a Hello World caller. It has the API's settings in its environment (API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT, ...,
 * ENV, REGION) and calls nothing yet: add an operation to it with \`npm run add-function\`'s templates as a model.
 * Written by \`npm run add-function\`; yours to change (\`${removal}\` deletes it while it is unchanged).
 */
import type { Context } from 'aws-lambda';

export const handler = async (event: unknown, context: Context): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: JSON.stringify({ message: \`Hello from \${context.functionName}\`, event }),
});
`;
  }
  const modules = [...new Set(operations.map((operation) => operation.documentModule))];
  const imports = modules
    .map((module) => {
      const names = operations.filter((operation) => operation.documentModule === module).map((operation) => operation.fieldName);
      return `import { ${names.join(', ')} } from '../../graphql/${module}';`;
    })
    .join('\n');
  const runtime = answers.auth === FunctionAuth.IAM ? 'containerRuntime' : 'apiKeyContainerRuntime';
  const eventShape =
    operations.length === 1
      ? `the operation's variables, e.g. ${JSON.stringify(Object.fromEntries(operations[0].variables.filter((v) => v.nonNull).map((v) => [v.name, '...'])))}`
      : `{"operation": "${operations[0].fieldName}", ...its variables}; "operation" is one of ${operations.map((operation) => operation.fieldName).join(', ')}`;
  const entries = operations
    .map(
      (operation) =>
        `  {\n    fieldName: '${operation.fieldName}',\n    operationType: '${operation.typeName === 'Query' ? 'query' : 'mutation'}',\n    document: ${operation.fieldName},\n    variables: ${tsLiteral(operation.variables)},\n  },`,
    )
    .join('\n');
  return `/**
 * ${answers.name}: calls ${operations.map((operation) => `${operation.typeName}.${operation.fieldName}`).join(', ')} with ${auth}, sending the schema's generated
 * document${operations.length > 1 ? 's' : ''} (graphql/, npm run codegen). Event: ${eventShape}.
 * Answers { statusCode, body } as the other callers do (README: Invoke the callers).
 * Written by \`npm run add-function\`; yours to change (\`${removal}\` deletes it while it is unchanged).
 */
${imports}
import { type GeneratedOperation, createOperationsHandler } from './operation-caller';
import { ${runtime} } from './runtime';

const operations: readonly GeneratedOperation[] = [
${entries}
];

export const handler = createOperationsHandler(operations, ${runtime});
`;
}

function testSource(answers: AddFunctionAnswers, operations: readonly SchemaOperation[], project: Project): string {
  const output = `${capitalize(answers.name)}FunctionName`;
  const event = operations.length === 0 ? {} : sampleEvent(operations, project);
  const granted = new Set(operations.map((operation) => operation.fieldName));
  const notGranted = project.operations().find((operation) => operation.typeName !== 'Subscription' && !granted.has(operation.fieldName));
  const first = operations[0];
  const answerCheck =
    operations.length === 0
      ? `    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({ message: expect.stringContaining('Hello from') });`
      : first.typeName === 'Query'
        ? `    expect(result.statusCode).toBe(200);
    expect(result.body).toHaveProperty(['data', '${first.fieldName}']);`
        : `    // A mutation of a sample input may be the API's own refusal (400, GraphQL errors), never the caller's failure.
    expect([200, 400]).toContain(result.statusCode);
    expect(Object.keys(result.body)).toEqual(expect.arrayContaining([result.statusCode === 200 ? 'data' : 'errors']));`;
  const iamTests =
    answers.auth !== FunctionAuth.IAM || operations.length === 0
      ? ''
      : `

  test('its role may call its fields and nothing else (least privilege, checked by the local AppSync)', async () => {
    const role = local.cloud.deployment.roles.find((candidate) => candidate.logicalId.startsWith('${answers.name}FunctionServiceRole'))!;
    const profile = local.cloud.services.principals.principal(role.credentials.accessKeyId)!.profileName;
${operations
  .map(
    (operation) =>
      `    expect((await local.signedGraphql(JSON.stringify({ query: '${operation.typeName === 'Query' ? 'query' : 'mutation'} { ${selectionOf(operation, project)} }' }), { profile })).status).not.toBe(401);`,
  )
  .join('\n')}${
  notGranted === undefined
    ? ''
    : `
    const refused = await local.signedGraphql(JSON.stringify({ query: '${notGranted.typeName === 'Query' ? 'query' : 'mutation'} { ${selectionOf(notGranted, project)} }' }), { profile });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] });`
}
  });`;
  return `/**
 * ${answers.name} (written by \`npm run add-function\`, with its handler): invoked through the local cloud's Invoke API, as
 * \`aws lambda invoke\` would, from the app as \`cdk synth\` builds it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startTestCloud, type LocalCloudHandle } from '../../../support/local-cloud-harness';
import { sharedAssembly } from '../../../support/shared-assembly';

describe('${answers.name}', () => {
  let stateDir: string;
  let local: LocalCloudHandle;

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), '${fileStemOf(answers.name)}-'));
    local = await startTestCloud({ assemblyDir: sharedAssembly(), stateDir, inMemory: true });
  }, 240_000);
  afterAll(async () => {
    await local?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test('answers the README\\'s sample event', async () => {
    const result = await local.invokeCaller('${output}', ${JSON.stringify(event)});
    expect(result.functionError).toBeUndefined();
${answerCheck}
  });

  test('answers 400 naming the problem when the event is not an object', async () => {
    const result = await local.invokeCaller('${output}', ['not', 'an', 'object']);
    expect(result.statusCode).toBe(${operations.length === 0 ? 200 : 400});
  });${iamTests}
});
`;
}

/** A JSON-like value as TypeScript source in the project's style: `[{ name: 'id', nonNull: true }]`. */
function tsLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${tsLiteral(item)}`)
      .join(', ')} }`;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}

/** A minimal call of a root field, for the least-privilege check: its required arguments and one leaf. */
function selectionOf(operation: SchemaOperation, project: Project): string {
  const inputs = project.inputs();
  const args = operation.variables
    .filter((variable) => variable.nonNull)
    .map((variable) => `${variable.name}: ${graphqlLiteral(sampleValue(variable.type, variable.kind, inputs, 0))}`);
  const leaf = operation.documentModule === 'queries' && /^list/.test(operation.fieldName) ? '{ nextToken }' : '{ __typename }';
  return `${operation.fieldName}${args.length > 0 ? `(${args.join(', ')})` : ''} ${leaf}`;
}

function graphqlLiteral(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}: ${graphqlLiteral(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** The root fields of a schema with their arguments as variables; `hasDocument` says whether codegen wrote one. */
export function readSchemaOperations(
  schemaText: string,
  hasDocument: (module: SchemaOperation['documentModule'], fieldName: string) => boolean,
): SchemaOperation[] {
  const document = parse(schemaText);
  const enums = new Set(document.definitions.filter((d) => d.kind === Kind.ENUM_TYPE_DEFINITION).map((d) => (d as { name: { value: string } }).name.value));
  const inputs = inputDefinitions(document);
  const roots: Array<[SchemaOperation['typeName'], SchemaOperation['documentModule']]> = [
    ['Query', 'queries'],
    ['Mutation', 'mutations'],
    ['Subscription', 'subscriptions'],
  ];
  const operations: SchemaOperation[] = [];
  for (const [typeName, documentModule] of roots) {
    for (const field of rootFields(document, typeName)) {
      if (!hasDocument(documentModule, field.name.value)) continue;
      const variables: OperationVariable[] = (field.arguments ?? []).map((argument) => {
        const type = namedTypeOf(argument.type);
        return {
          name: argument.name.value,
          type,
          kind: inputs.has(type) ? 'input' : enums.has(type) ? 'enum' : 'scalar',
          ...(argument.type.kind === Kind.NON_NULL_TYPE ? { nonNull: true } : {}),
          ...(isList(argument.type) ? { list: true } : {}),
        };
      });
      operations.push({ fieldName: field.name.value, typeName, variables, documentModule });
    }
  }
  return operations;
}

function rootFields(document: DocumentNode, typeName: string): readonly FieldDefinitionNode[] {
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === typeName ? (definition.fields ?? []) : [],
  );
}

function inputDefinitions(document: DocumentNode): Map<string, InputObjectTypeDefinitionNode> {
  return new Map(
    document.definitions
      .filter((definition): definition is InputObjectTypeDefinitionNode => definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION)
      .map((definition) => [definition.name.value, definition]),
  );
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

function isList(type: TypeNode): boolean {
  const inner = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  return inner.kind === Kind.LIST_TYPE;
}
