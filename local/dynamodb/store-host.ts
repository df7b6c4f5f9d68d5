/**
 * The DynamoDB store's own thread (a worker thread of the local cloud's process, started by store-thread.ts): the same
 * dynalite server and the same gate (SigV4 and IAM, auth.ts) as in process, listening on the store's port, so that the
 * functions' DynamoDB calls are answered here while the main thread serves AppSync and Lambda.
 *
 * Compiled on first use (store-thread.ts `storeHostScript`), never imported by the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { authorize } from '../iam/authorizer';
import { PrincipalStore } from '../iam/principals';
import { type HostedStore, hostStoreInProcess } from './hosted-store';
import type { HostReply, HostRequest, StoreHostSettings } from './store-thread-protocol';

const port = parentPort;
if (!port) throw new Error('store-host.ts runs as a worker thread only');

function reply(message: HostReply): void {
  port?.postMessage(message);
}

async function main(settings: StoreHostSettings): Promise<void> {
  let hosted: HostedStore;
  try {
    hosted = await hostStoreInProcess({ ...settings, now: () => new Date(), log: (line) => reply({ type: 'log', line }) });
  } catch (error) {
    // adopt() reports a taken port as a PortInUseError whose cause has Node's code.
    const { message, code, cause } = error as NodeJS.ErrnoException;
    reply({ type: 'listen-failed', code: (cause as NodeJS.ErrnoException | undefined)?.code ?? code, message });
    return;
  }
  const handlers: { [K in HostRequest['type']]: (request: Extract<HostRequest, { type: K }>) => Promise<void> | void } = {
    authorize: ({ source, issuedAt }) => hosted.authorizeWith(PrincipalStore.fromDeployment(source, issuedAt), authorize),
    'refuse-roles': ({ tableArns }) => hosted.refuseRolesOn(tableArns),
    close: () => hosted.close(),
    fail: () => {
      setImmediate(() => {
        throw new Error('a fault injected by a test');
      });
    },
  };
  port?.on('message', (request: HostRequest) => {
    const handler = handlers[request.type] as (request: HostRequest) => Promise<void> | void;
    Promise.resolve()
      .then(() => handler(request))
      .then(
        () => reply({ type: 'done', id: request.id }),
        (error: Error) => reply({ type: 'done', id: request.id, error: error.message }),
      );
  });
  reply({ type: 'listening', url: hosted.url });
}

void main(workerData as StoreHostSettings);
