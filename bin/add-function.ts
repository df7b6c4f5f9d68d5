/**
 * `npm run add-function`: Amplify's `amplify add function` flow for this app. Asks (or takes as flags) the function's
 * name, auth mode, operations and module format, then writes the caller (see lib/add-function.ts for what it owns).
 *
 *   npm run add-function
 *   npm run add-function -- --name getTodoIam --auth iam --operations getTodo --format esm --yes
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AddFunctionAnswers,
  FunctionAuth,
  FunctionCommandError,
  type FunctionFormat,
  InvalidAnswerError,
  Project,
  planAddFunction,
  type SchemaOperation,
  validateAnswers,
} from '../lib/add-function';
import { applyPlan } from '../lib/file-plan';

export const ADD_USAGE = `Usage: npm run add-function [-- options]

Adds a caller Lambda that calls the GraphQL API (asks for what is not given as an option):
  --name NAME            camelCase function name, e.g. getTodoIam
  --auth api-key|iam     API key, or IAM (SigV4) with the function's role (granted exactly its operations)
  --operations a,b       root fields it may call (from graphql/, npm run codegen); "none" for a Hello World handler
  --format esm|cjs       module format of the bundle (default esm)
  --yes                  do not ask for confirmation
  --project DIR          the project to add it to (default: this one)
  --help                 this text`;

class UsageError extends FunctionCommandError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Flags {
  readonly name?: string;
  readonly auth?: FunctionAuth;
  readonly operations?: readonly string[];
  readonly format?: FunctionFormat;
  readonly yes: boolean;
  readonly help: boolean;
  readonly project?: string;
}

export function parseAddFlags(argv: readonly string[]): Flags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        name: { type: 'string' },
        auth: { type: 'string' },
        operations: { type: 'string' },
        format: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        project: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  return {
    name: values.name,
    auth: values.auth === undefined ? undefined : authOf(values.auth),
    operations: values.operations === undefined ? undefined : operationsOf(values.operations),
    format: values.format === undefined ? undefined : formatOf(values.format),
    yes: values.yes ?? false,
    help: values.help ?? false,
    project: values.project,
  };
}

function authOf(value: string): FunctionAuth {
  const normalized = value.toLowerCase().replace(/[-_]/g, '');
  if (normalized === 'iam') return FunctionAuth.IAM;
  if (normalized === 'apikey') return FunctionAuth.API_KEY;
  throw new InvalidAnswerError(`--auth must be api-key or iam (got ${JSON.stringify(value)})`);
}

function formatOf(value: string): FunctionFormat {
  if (value === 'esm' || value === 'cjs') return value;
  throw new InvalidAnswerError(`--format must be esm or cjs (got ${JSON.stringify(value)})`);
}

function operationsOf(value: string): string[] {
  if (value.trim() === 'none') return [];
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new InvalidAnswerError('--operations needs at least one operation, e.g. --operations getTodo (or "none" for Hello World)');
  return names;
}

/** Asks, in Amplify's order, for what the flags leave open. */
async function ask(flags: Flags, project: Project): Promise<AddFunctionAnswers> {
  const prompts = await import('@inquirer/prompts');
  const name =
    flags.name ??
    (await prompts.input({
      message: 'Provide a name for your Lambda function:',
      validate: (value) => validateName(value, project),
    }));
  const auth =
    flags.auth ??
    (await prompts.select({
      message: 'How should it call the GraphQL API?',
      choices: [
        { name: 'API key (x-api-key)', value: FunctionAuth.API_KEY },
        { name: "IAM (SigV4, with the function's execution role)", value: FunctionAuth.IAM },
      ],
    }));
  let operations = flags.operations;
  if (operations === undefined) {
    const template = await prompts.select({
      message: 'Choose the function template:',
      choices: [
        { name: 'AppSync - GraphQL API request', value: 'graphql' },
        { name: 'Hello World', value: 'hello' },
      ],
    });
    operations =
      template === 'hello'
        ? []
        : await prompts.checkbox({
            message: `Select the operations you want to permit on ${apiNameOf(project)}:`,
            choices: operationChoices(project.operations()).map((choice) => (typeof choice === 'string' ? new prompts.Separator(choice) : choice)),
            required: true,
            pageSize: 20,
          });
  }
  const format =
    flags.format ??
    (await prompts.select({
      message: 'Module format of the bundle:',
      choices: [
        { name: 'ESM (default)', value: 'esm' as const },
        { name: 'CommonJS', value: 'cjs' as const },
      ],
    }));
  const answers = { name, auth, operations, format };
  validateAnswers(answers, project);
  if (!flags.yes && !(await prompts.confirm({ message: `Write ${name} (${summary(answers)})?`, default: true }))) {
    throw new FunctionCommandError('nothing was written');
  }
  return answers;
}

/** The schema's operations grouped as Amplify groups them; a string is a group's heading. */
function operationChoices(operations: readonly SchemaOperation[]): Array<string | { name: string; value: string; disabled?: string }> {
  const choices: Array<string | { name: string; value: string; disabled?: string }> = [];
  for (const typeName of ['Query', 'Mutation', 'Subscription'] as const) {
    const group = operations.filter((operation) => operation.typeName === typeName);
    if (group.length === 0) continue;
    choices.push(`-- ${typeName} --`);
    for (const operation of group) {
      choices.push({
        name: operation.fieldName,
        value: operation.fieldName,
        ...(typeName === 'Subscription' ? { disabled: '(needs a WebSocket client)' } : {}),
      });
    }
  }
  return choices;
}

function validateName(value: string, project: Project): true | string {
  try {
    validateAnswers({ name: value, auth: FunctionAuth.API_KEY, operations: [], format: 'esm' }, project);
    return true;
  } catch (error) {
    if (error instanceof FunctionCommandError) return error.message;
    throw error;
  }
}

function apiNameOf(project: Project): string {
  return /"todo:apiName":\s*"([^"]+)"/.exec(project.read('cdk.json'))?.[1] ?? 'the API';
}

function summary(answers: AddFunctionAnswers): string {
  const calls = answers.operations.length === 0 ? 'Hello World' : answers.operations.join(', ');
  return `${answers.auth === FunctionAuth.IAM ? 'IAM' : 'API key'}; ${calls}; ${answers.format}`;
}

function complete(flags: Flags): AddFunctionAnswers | undefined {
  if (flags.name === undefined || flags.auth === undefined || flags.operations === undefined) return undefined;
  return { name: flags.name, auth: flags.auth, operations: flags.operations, format: flags.format ?? 'esm' };
}

async function main(argv: readonly string[]): Promise<void> {
  const flags = parseAddFlags(argv);
  if (flags.help) {
    process.stdout.write(`${ADD_USAGE}\n`);
    return;
  }
  const project = new Project(flags.project === undefined ? undefined : path.resolve(flags.project));
  const given = complete(flags);
  let answers: AddFunctionAnswers;
  if (given !== undefined && flags.yes) {
    answers = given;
  } else if (!process.stdin.isTTY) {
    const missing = ['name', 'auth', 'operations'].filter((key) => flags[key as keyof Flags] === undefined);
    throw new UsageError(
      missing.length > 0
        ? `missing --${missing.join(', --')}: give every answer as an option (and --yes) when not in a terminal`
        : 'add --yes to write without confirming when not in a terminal',
    );
  } else {
    answers = await ask(flags, project);
  }
  const { plan } = planAddFunction(answers, project);
  const written = applyPlan(plan, project.root);
  process.stdout.write(
    `Added ${answers.name} (${summary(answers)}):\n${written.map((file) => `  ${file}`).join('\n')}\n` +
      `Next: npm test, then npm start and invoke it (README: Add a caller).\n`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    // Ctrl-C at a prompt: Inquirer's ExitPromptError.
    if (error.name === 'ExitPromptError') {
      process.stderr.write('add-function: cancelled; nothing was written\n');
      process.exit(130);
    }
    const known = error instanceof FunctionCommandError;
    process.stderr.write(`add-function: ${error.message}\n${error instanceof UsageError ? `${ADD_USAGE}\n` : ''}`);
    if (!known) process.stderr.write('This is unexpected; nothing was written.\n');
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
