/**
 * The user's mistakes and situations that `npm start` explains instead of crashing: each one sentence or two that say
 * what is wrong and how to fix it, a non-zero exit, no stack trace. Anything not in this catalogue (nor one of the
 * known errors of the modules below, which start.ts lists) is a fault of the local cloud itself, reported as a bug
 * with a log file to attach.
 *
 * Code that must tell them apart branches on the class, never on the message.
 */
import { PORT_OPTIONS } from './cli-options';

/** A situation the user can put right; `exitCode` is what `npm start` exits with. */
export class LocalCloudError extends Error {
  readonly exitCode: number = 1;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalCloudError';
  }
}

/** Who holds a state directory (what its lock file says). */
export interface StateHolder {
  readonly pid: number;
  readonly startedAt: string;
  /** Known once it listens. */
  readonly endpoints?: { readonly graphql?: Record<string, string>; readonly lambda?: string; readonly dynamodb?: string };
}

/** Another local cloud runs on this state directory: two would corrupt each other's store. */
export class StateLockedError extends LocalCloudError {
  constructor(
    readonly stateDir: string,
    readonly holder: StateHolder,
    options?: ErrorOptions,
  ) {
    const listening = holder.endpoints ? listeningOn(holder.endpoints) : 'still starting';
    super(
      `${stateDir} is in use by another local cloud (pid ${holder.pid}, started ${holder.startedAt}; ${listening}). ` +
        'Stop that one first (Ctrl-C in its terminal, or `kill ' +
        `${holder.pid}\`), or start another one with its own state and ports: npm start -- --state-dir .local-2 --graphql-port 0 --lambda-port 0 --dynamodb-port 0`,
      options,
    );
    this.name = 'StateLockedError';
  }
}

function listeningOn(endpoints: NonNullable<StateHolder['endpoints']>): string {
  const urls = [...Object.values(endpoints.graphql ?? {}), endpoints.lambda, endpoints.dynamodb].filter(Boolean);
  return urls.length > 0 ? `listening on ${urls.join(', ')}` : 'not listening yet';
}

/** A file of the state directory cannot be used as it is; nothing was changed. */
export class DamagedStateError extends LocalCloudError {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly stateDir: string,
    options?: ErrorOptions,
  ) {
    super(
      `The local cloud's state is damaged: ${file} ${problem}. Nothing was changed: every file is as it was. ` +
        `To start afresh, \`npm start -- --reset${stateDirArgument(stateDir)}\` moves the old state aside (into ${stateDir}/reset-<timestamp>/, never deleted); ` +
        'to keep the data, restore the file from a backup first.',
      options,
    );
    this.name = 'DamagedStateError';
  }
}

function stateDirArgument(stateDir: string): string {
  const relative = stateDir.startsWith(`${process.cwd()}/`) ? stateDir.slice(process.cwd().length + 1) : stateDir;
  return relative === '.local' ? '' : ` --state-dir ${relative}`;
}

export type ServicePort = keyof typeof PORT_OPTIONS;

/** A port the local cloud was told to listen on is taken. */
export class PortTakenError extends LocalCloudError {
  constructor(
    readonly service: ServicePort,
    readonly host: string,
    readonly port: number,
    /** What holds it, when known (another local cloud). */
    readonly holder?: string,
    options?: ErrorOptions,
  ) {
    const option = PORT_OPTIONS[service];
    super(
      `Port ${port} on ${host} (${SERVICE_NAMES[service]}, ${option}) is in use${holder ? ` by ${holder}` : ' by another program'}. ` +
        `Stop what uses it, or pick another port: npm start -- ${option} ${port + 1} (0 picks any free port).`,
      options,
    );
    this.name = 'PortTakenError';
  }
}

const SERVICE_NAMES: Record<ServicePort, string> = { graphql: 'the GraphQL endpoint', lambda: 'the Lambda API', dynamodb: 'DynamoDB' };

/** The synth failed; what went wrong (a schema error, a syntax error, a cdk-nag finding) was shown above. */
export class SynthFailedError extends LocalCloudError {
  constructor(
    readonly assemblyDir: string,
    /** Whether an assembly from an earlier synth is there (and was left as it was). */
    readonly previous: boolean,
    options?: ErrorOptions,
  ) {
    super(
      'cdk synth failed: fix the error above and start again.' +
        (previous ? ` The last good ${assemblyDir} was left as it was (\`npm start -- --no-synth\` runs it).` : ''),
      options,
    );
    this.name = 'SynthFailedError';
  }
}
