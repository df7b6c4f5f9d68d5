/**
 * Server text goes into error messages and logs, and servers echo requests back: AWS's own signature-mismatch message
 * quotes the canonical request, session-token header included. So all text from the wire passes through here first.
 */

const REDACTED = '[REDACTED]';
// Shorter values would match ordinary words; real keys, secrets and tokens are far longer.
const MIN_SECRET_LENGTH = 8;
const MAX_MESSAGE_LENGTH = 300;

const SECRET_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bda2-[a-z0-9]{26}\b/g, REDACTED],
  [/(Signature=)[0-9a-f]+/gi, `$1${REDACTED}`],
  [/(x-amz-security-token[:=]\s*)[^\s,&]+/gi, `$1${REDACTED}`],
  [/(x-api-key[:=]\s*)[^\s,&]+/gi, `$1${REDACTED}`],
];

export function redactSecrets(text: string, knownSecrets: ReadonlyArray<string | undefined>): string {
  let redacted = text;
  for (const secret of knownSecrets) {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) {
      redacted = redacted.split(secret).join(REDACTED);
    }
  }
  for (const [shape, replacement] of SECRET_SHAPES) {
    redacted = redacted.replace(shape, replacement);
  }
  return redacted;
}

/** Redacts, then keeps messages short enough for one log line. */
export function sanitizeServerText(text: string, knownSecrets: ReadonlyArray<string | undefined>): string {
  const redacted = redactSecrets(text, knownSecrets);
  return redacted.length > MAX_MESSAGE_LENGTH ? `${redacted.slice(0, MAX_MESSAGE_LENGTH)}…` : redacted;
}
