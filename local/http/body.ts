import type { IncomingMessage } from 'node:http';

/** How much of a request body is kept, and how much more is read (and discarded) before the connection is dropped. */
export interface BodyLimits {
  /** The largest body served; a larger one is `too-large`. */
  readonly maxBytes: number;
  /**
   * Past `maxBytes`, the rest is read and discarded up to this many bytes in all, so that a client still sending
   * reads the refusal rather than a reset connection; past it the request is destroyed.
   */
  readonly maxDrainedBytes: number;
  /**
   * Settle `too-large` as soon as the limit is passed (the refusal is sent while the rest drains), instead of
   * once the whole body has been read. @default false
   */
  readonly refuseEarly?: boolean;
}

export type BodyReadResult =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  /** The client went away, or sent more than `maxDrainedBytes`: there is nobody to answer. */
  | { readonly kind: 'aborted' };

/** Reads a request body within limits; never rejects. */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyReadResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limits.maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > limits.maxDrainedBytes) {
        settle({ kind: limits.refuseEarly ? 'too-large' : 'aborted' });
        req.destroy();
        return;
      }
      if (limits.refuseEarly) settle({ kind: 'too-large' });
    });
    const finished = (): BodyReadResult => (size > limits.maxBytes ? { kind: 'too-large' } : { kind: 'complete', body: Buffer.concat(chunks) });
    req.on('end', () => settle(finished()));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle(req.complete ? finished() : { kind: 'aborted' }));
  });
}

/** Reads and discards a body that will not be served (an unknown route, a refused method). */
export function discardBody(req: IncomingMessage): void {
  req.resume();
}
