/** The messages between the local cloud's main thread and the DynamoDB store's thread (store-host.ts). */
import type { PrincipalSource } from '../iam/principals';

export interface StoreHostSettings {
  readonly host: string;
  readonly port: number;
  /** LevelDB folder; in memory when undefined. */
  readonly dataDir?: string;
  readonly region: string;
}

/** To the store's thread; each is answered with a `done` of the same id. */
export type HostRequest =
  | { readonly type: 'authorize'; readonly id: number; readonly source: PrincipalSource; readonly issuedAt: Date }
  | { readonly type: 'refuse-roles'; readonly id: number; readonly tableArns: readonly string[] }
  | { readonly type: 'close'; readonly id: number }
  /** Ends the thread as an uncaught error in the store would: the only way tests can cause that fault (none is known). */
  | { readonly type: 'fail'; readonly id: number };

/** From the store's thread. */
export type HostReply =
  | { readonly type: 'listening'; readonly url: string }
  | { readonly type: 'listen-failed'; readonly code?: string; readonly message: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'done'; readonly id: number; readonly error?: string };
