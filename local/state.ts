import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DamagedStateError } from './errors';

/**
 * The local cloud's identity: one random seed, kept in the state directory, from which every generated id, name,
 * API key and credential is derived. Starting again on the same state directory gives the same values.
 */
export class LocalIdentity {
  private constructor(private readonly seed: Buffer) {}

  /** A new random identity (for `--in-memory`). */
  static ephemeral(): LocalIdentity {
    return new LocalIdentity(randomBytes(32));
  }

  /** The identity kept in `<stateDir>/identity.json`, created on first start. */
  static persistent(stateDir: string): LocalIdentity {
    const file = path.join(stateDir, 'identity.json');
    if (existsSync(file)) return new LocalIdentity(readSeed(file, stateDir));
    const identity = LocalIdentity.ephemeral();
    writeFileAtomic(file, `${JSON.stringify({ seed: identity.seed.toString('hex') }, null, 2)}\n`, 0o600);
    return identity;
  }

  /** `length` characters from `alphabet`, determined by the seed and the purpose. */
  derive(purpose: string, length: number, alphabet = LOWER_ALNUM): string {
    let output = '';
    for (let block = 0; output.length < length; block++) {
      const bytes = createHmac('sha256', this.seed).update(`${purpose}#${block}`).digest();
      for (const byte of bytes) {
        // Rejection sampling keeps every character equally likely.
        if (byte < 256 - (256 % alphabet.length)) output += alphabet[byte % alphabet.length];
        if (output.length === length) break;
      }
    }
    return output;
  }
}

/** The seed of identity.json; the file is left as it is when it holds none (its ids and keys may be in use elsewhere). */
function readSeed(file: string, stateDir: string): Buffer {
  let saved: { seed?: unknown } | null;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as { seed?: unknown } | null;
  } catch (error) {
    throw new DamagedStateError(file, `is not valid JSON (${(error as Error).message})`, stateDir, { cause: error });
  }
  if (typeof saved?.seed !== 'string' || !/^[0-9a-f]{64}$/.test(saved.seed)) {
    throw new DamagedStateError(file, 'holds no valid seed (64 hex digits under "seed"), from which the API key, ids and credentials are derived', stateDir);
  }
  return Buffer.from(saved.seed, 'hex');
}

/**
 * Everything a local cloud keeps in its state directory (the folder may hold other things, e.g. the tests'
 * assemblies under .local/test-assemblies, which are not state).
 */
export const STATE_ENTRIES = [
  'dynamodb',
  'identity.json',
  'credentials',
  'config',
  'endpoints.json',
  'outputs.json',
  'amplifyconfiguration.json',
  'amplify_outputs.json',
  'work',
  // The local certificate authority and the AppSync port's certificate (a reset makes new ones, to be trusted again).
  'tls',
  // The console's saved test events.
  'console',
] as const;

/**
 * `npm start -- --reset`: moves the state aside, into `<stateDir>/reset-<timestamp>/`, never deleting it; the next
 * start begins afresh. Returns that folder, or undefined when there was no state to move.
 */
export function moveStateAside(stateDir: string, now = new Date()): string | undefined {
  const present = existsSync(stateDir) ? STATE_ENTRIES.filter((name) => readdirSync(stateDir).includes(name)) : [];
  if (present.length === 0) return undefined;
  const aside = path.join(stateDir, `reset-${now.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(aside, { recursive: false });
  for (const name of present) renameSync(path.join(stateDir, name), path.join(aside, name));
  return aside;
}

export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}
