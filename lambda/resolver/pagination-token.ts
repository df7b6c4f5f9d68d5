import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidNextTokenError } from './errors';

/*
 * A list field's nextToken: `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`.
 *
 * The payload is the Scan's ExclusiveStartKey. Signing it keeps the token
 * opaque in practice and tamper-evident: a client can only hand back tokens
 * this API issued, so a garbled token fails clearly here instead of as an
 * obscure DynamoDB ValidationException (or a silently wrong page).
 */

/** Where the next Scan starts: the key of the last item already returned (or examined). */
export interface ScanPosition {
  /** The partition key's value. */
  readonly id: string;
}

/** Which list field a token belongs to: a token of one model's list is never valid for another's. */
export interface TokenScope {
  /** `Todo`. */
  readonly modelName: string;
  /** `listTodos`. */
  readonly listField: string;
}

const TOKEN_VERSION = 1;
// Binds the MAC to its purpose (`todo-resolver:listTodos:nextToken`), so a value signed with the same key for
// anything else, another model's list included, is never a valid token.
function macContext({ modelName, listField }: TokenScope): string {
  return `${modelName.toLowerCase()}-resolver:${listField}:nextToken`;
}
const MAC_BYTES = 32;
const BASE64URL_OF_MAC_LENGTH = Math.ceil((MAC_BYTES * 8) / 6);
// A DynamoDB partition key is at most 2048 bytes; anything far past that was not issued here.
const MAX_TOKEN_LENGTH = 4096;
const TOKEN_SHAPE = new RegExp(`^([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]{${BASE64URL_OF_MAC_LENGTH}})$`);

interface TokenPayloadV1 {
  v: typeof TOKEN_VERSION;
  id: string;
}

export function encodeNextToken(position: ScanPosition, paginationTokenKey: string, scope: TokenScope): string {
  const payload: TokenPayloadV1 = { v: TOKEN_VERSION, id: position.id };
  const encodedPayload = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encodedPayload}.${computeMac(encodedPayload, paginationTokenKey, scope).toString('base64url')}`;
}

export function decodeNextToken(token: string, paginationTokenKey: string, scope: TokenScope): ScanPosition {
  const refuse = (detail: string) => new InvalidNextTokenError(detail, scope.listField);
  const shape = token.length <= MAX_TOKEN_LENGTH ? TOKEN_SHAPE.exec(token) : null;
  if (shape === null) throw refuse('nextToken is malformed');
  const [, encodedPayload, encodedMac] = shape;

  const presentedMac = Buffer.from(encodedMac, 'base64url');
  // Node decodes base64url leniently (unused trailing bits are ignored), so two
  // spellings can decode to the same MAC; only the canonical one is accepted.
  const isCanonical = presentedMac.length === MAC_BYTES && presentedMac.toString('base64url') === encodedMac;
  if (!isCanonical || !timingSafeEqual(presentedMac, computeMac(encodedPayload, paginationTokenKey, scope))) {
    throw refuse('nextToken failed its integrity check (it was altered, truncated or issued by another deployment)');
  }

  return readPayload(Buffer.from(encodedPayload, 'base64url').toString('utf8'), refuse);
}

function computeMac(encodedPayload: string, paginationTokenKey: string, scope: TokenScope): Buffer {
  return createHmac('sha256', paginationTokenKey).update(macContext(scope)).update('\n').update(encodedPayload).digest();
}

/** Only reached for payloads this code signed, so a failure here means a version skew, not an attack. */
function readPayload(json: string, refuse: (detail: string) => InvalidNextTokenError): ScanPosition {
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    throw refuse('nextToken carries an unreadable payload');
  }
  if (!isPayloadV1(payload)) {
    throw refuse('nextToken was issued by an incompatible version of this API');
  }
  return { id: payload.id };
}

function isPayloadV1(payload: unknown): payload is TokenPayloadV1 {
  if (typeof payload !== 'object' || payload === null) return false;
  const candidate = payload as Partial<Record<keyof TokenPayloadV1, unknown>>;
  return candidate.v === TOKEN_VERSION && typeof candidate.id === 'string' && candidate.id.length > 0;
}
