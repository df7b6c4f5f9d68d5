import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

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
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { seed?: unknown };
      if (typeof saved.seed !== 'string' || !/^[0-9a-f]{64}$/.test(saved.seed)) {
        throw new Error(`${file} is damaged (no valid seed). Delete it to start with new ids, keys and credentials.`);
      }
      return new LocalIdentity(Buffer.from(saved.seed, 'hex'));
    }
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
