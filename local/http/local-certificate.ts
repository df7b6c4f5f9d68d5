/**
 * A local certificate authority and the server certificate it signs for the local cloud's TLS (what `wss://` needs:
 * Amplify JS dials `wss://` for every GraphQL URL, `http://` ones included). Kept in the state directory so that a
 * user trusts the authority once (README, Subscriptions); the server certificate is made again when it nears its end
 * or does not name the host. Keys (ECDSA P-256) are made and certificates signed by node:crypto; node-forge encodes
 * the rest of each certificate (Node.js has no API to create one). An authority kept from before, with an RSA key,
 * goes on signing.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { writeFileAtomic } from '../state';

export interface LocalCertificate {
  /** The authority's certificate (PEM): what a client trusts (NODE_EXTRA_CA_CERTS, the system or browser store). */
  readonly caCertificate: string;
  /** Where the authority's certificate is, when kept on disk. */
  readonly caFile?: string;
  readonly certificate: string;
  readonly key: string;
  /** base64 SHA-256 of the server key's SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list). */
  readonly spkiSha256: string;
}

/** The certificate could not be made or read. */
export class LocalCertificateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalCertificateError';
  }
}

const CA_DAYS = 3650;
const SERVER_DAYS = 365;
/** A server certificate with less than this left is made again. */
const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;
const FILES = { caCertificate: 'ca.pem', caKey: 'ca-key.pem', certificate: 'server.pem', key: 'server-key.pem' } as const;

/**
 * The authority and a server certificate for `hosts` (plus localhost, 127.0.0.1 and ::1), from `dir` when it has
 * usable ones, else made (and written there). Without `dir`, made for this run only.
 */
export async function localCertificate(dir: string | undefined, hosts: readonly string[], now = new Date()): Promise<LocalCertificate> {
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hosts.filter((host) => host !== '' && host !== '0.0.0.0' && host !== '::')])];
  try {
    const authority = (dir ? readAuthority(dir) : undefined) ?? (dir ? writeAuthority(dir, await processAuthority(now)) : await processAuthority(now));
    const existing = (dir ? readServer(dir) : undefined) ?? madeInThisProcess.get(authority.certificate);
    const server = existing && usable(existing.certificate, names, now) ? existing : await newServer(authority, names, now);
    madeInThisProcess.set(authority.certificate, server);
    if (dir && server !== existing) {
      writeFileAtomic(path.join(dir, FILES.certificate), server.certificate);
      writeFileAtomic(path.join(dir, FILES.key), server.key, 0o600);
    }
    return {
      caCertificate: authority.certificate,
      caFile: dir ? path.join(dir, FILES.caCertificate) : undefined,
      certificate: server.certificate,
      key: server.key,
      spkiSha256: createHash('sha256')
        .update(createPublicKey(server.key).export({ type: 'spki', format: 'der' }))
        .digest('base64'),
    };
  } catch (error) {
    if (error instanceof LocalCertificateError) throw error;
    throw new LocalCertificateError(
      `Could not make the local TLS certificate${dir ? ` in ${dir}` : ''}: ${(error as Error).message}. Delete that folder to start over.`,
      { cause: error },
    );
  }
}

interface KeyedCertificate {
  readonly certificate: string;
  readonly key: string;
}

/**
 * Made once per process for folders that have none (each in-memory local cloud has a new one). Server certificates by
 * their authority.
 */
let authorityOfThisProcess: Promise<KeyedCertificate> | undefined;
const madeInThisProcess = new Map<string, KeyedCertificate>();

function processAuthority(now: Date): Promise<KeyedCertificate> {
  authorityOfThisProcess ??= newAuthority(now);
  // A failure is not kept: the next start tries again.
  authorityOfThisProcess.catch(() => (authorityOfThisProcess = undefined));
  return authorityOfThisProcess;
}

function readAuthority(dir: string): KeyedCertificate | undefined {
  const certificateFile = path.join(dir, FILES.caCertificate);
  const keyFile = path.join(dir, FILES.caKey);
  if (!existsSync(certificateFile) || !existsSync(keyFile)) return undefined;
  return { certificate: readFileSync(certificateFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

function writeAuthority(dir: string, authority: KeyedCertificate): KeyedCertificate {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(path.join(dir, FILES.caKey), authority.key, 0o600);
  writeFileAtomic(path.join(dir, FILES.caCertificate), authority.certificate);
  return authority;
}

function readServer(dir: string): KeyedCertificate | undefined {
  const certificateFile = path.join(dir, FILES.certificate);
  const keyFile = path.join(dir, FILES.key);
  if (!existsSync(certificateFile) || !existsSync(keyFile)) return undefined;
  return { certificate: readFileSync(certificateFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** Still valid for a while and naming every host. */
function usable(pem: string, names: readonly string[], now: Date): boolean {
  try {
    const certificate = new X509Certificate(pem);
    if (new Date(certificate.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS) return false;
    return names.every((name) => (isIP(name) ? certificate.checkIP(name) : certificate.checkHost(name, { subject: 'never', wildcards: false })) !== undefined);
  } catch {
    return false;
  }
}

async function newAuthority(now: Date): Promise<KeyedCertificate> {
  const keys = await ecKeys();
  const subject = [
    { name: 'commonName', value: 'Local cloud development CA' },
    { name: 'organizationName', value: 'appsync-server-side-callers local cloud' },
  ];
  const certificate = signedCertificate({
    subject,
    publicKey: keys.publicKey,
    issuerKey: keys.privateKey,
    now,
    days: CA_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { certificate, key: keys.privateKeyPem };
}

async function newServer(authority: KeyedCertificate, names: readonly string[], now: Date): Promise<KeyedCertificate> {
  const issuer = new X509Certificate(authority.certificate);
  const keys = await ecKeys();
  const certificate = signedCertificate({
    subject: [{ name: 'commonName', value: names.includes('127.0.0.1') ? '127.0.0.1' : names[0] }],
    // The authority's name as its certificate encodes it, byte for byte: a verifier matches the two as DER.
    issuerName: subjectNameOf(issuer),
    publicKey: keys.publicKey,
    issuerKey: createPrivateKey(authority.key),
    now,
    days: SERVER_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      // digitalSignature alone: an ECDSA key must not claim keyEncipherment (RFC 8813, 3).
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      // Type 2 is a DNS name, 7 an IP address (RFC 5280, 4.2.1.6).
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
      { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifier(issuer.publicKey.export({ type: 'spki', format: 'der' })).toString('binary') },
    ],
  });
  return { certificate, key: keys.privateKeyPem };
}

/**
 * ECDSA P-256, made by node:crypto in a fraction of a millisecond (an RSA 2048 key took ~270 ms of CPU, two per new
 * folder). Every TLS client the local cloud meets (Node.js, Chromium, curl) takes P-256 certificates.
 */
async function ecKeys(): Promise<{ publicKey: KeyObject; privateKey: KeyObject; privateKeyPem: string }> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('ec', { namedCurve: 'prime256v1' });
  return { publicKey, privateKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The signature algorithms by the issuer's key type: an authority kept from before is RSA, a new one is ECDSA. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { readonly oid: string; readonly nullParameters: boolean }>> = {
  // ecdsa-with-SHA256, without parameters (RFC 5758, 3.2).
  ec: { oid: '1.2.840.10045.4.3.2', nullParameters: false },
  // sha256WithRSAEncryption, with NULL parameters (RFC 4055, 5).
  rsa: { oid: '1.2.840.113549.1.1.11', nullParameters: true },
};

interface CertificateFields {
  readonly subject: forge.pki.CertificateField[];
  /** The issuer's name as its certificate encodes it (DER, binary string); absent, the subject's (self-signed). */
  readonly issuerName?: string;
  readonly publicKey: KeyObject;
  readonly issuerKey: KeyObject;
  readonly now: Date;
  readonly days: number;
  /**
   * In node-forge's form (`setExtensions`): a name and that extension's fields. The subjectKeyIdentifier is added
   * from `publicKey`.
   */
  readonly extensions: readonly object[];
}

/**
 * An X.509 v3 certificate (RFC 5280, 4.1), as PEM. node-forge encodes the names and the extensions; the public key
 * (SubjectPublicKeyInfo) and the signature are node:crypto's, as node-forge's own certificates carry RSA keys only.
 */
function signedCertificate(fields: CertificateFields): string {
  const { asn1, pki } = forge;
  const algorithm = SIGNATURE_ALGORITHMS[fields.issuerKey.asymmetricKeyType ?? ''];
  // Wrapped by localCertificate with the folder to delete.
  if (!algorithm) throw new Error(`the authority's key is of type ${fields.issuerKey.asymmetricKeyType}, which signs nothing here (ECDSA or RSA only)`);
  const algorithmIdentifier = () =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(algorithm.oid).getBytes()),
      ...(algorithm.nullParameters ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')] : []),
    ]);
  const spki = fields.publicKey.export({ type: 'spki', format: 'der' });
  // node-forge fills in each extension's encoding (and the names') through a certificate object.
  const holder = pki.createCertificate();
  holder.setSubject(fields.subject);
  holder.setExtensions([
    ...fields.extensions,
    { name: 'subjectKeyIdentifier', value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, keyIdentifier(spki).toString('binary')) },
  ]);
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    // version: v3 is 2
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(2).getBytes())]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(serialNumber())),
    algorithmIdentifier(),
    fields.issuerName !== undefined ? asn1.fromDer(fields.issuerName) : pki.distinguishedNameToAsn1(holder.subject),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      certificateTime(new Date(fields.now.getTime() - 60_000)),
      certificateTime(new Date(fields.now.getTime() + fields.days * 86_400_000)),
    ]),
    pki.distinguishedNameToAsn1(holder.subject),
    asn1.fromDer(spki.toString('binary')),
    (pki as unknown as { certificateExtensionsToAsn1(extensions: unknown[]): forge.asn1.Asn1 }).certificateExtensionsToAsn1(holder.extensions),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, fields.issuerKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(),
    // No unused bits, then the signature (DER ECDSA-Sig-Value or the RSA signature).
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\0${signature.toString('binary')}`),
  ]);
  return new X509Certificate(Buffer.from(asn1.toDer(certificate).getBytes(), 'binary')).toString();
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280, 4.1.2.5). */
function certificateTime(date: Date): forge.asn1.Asn1 {
  const { asn1 } = forge;
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

/** The key identifier of RFC 5280, 4.2.1.2 (1): the SHA-1 of the subjectPublicKey BIT STRING's bits, from a SubjectPublicKeyInfo (DER). */
function keyIdentifier(spki: Buffer): Buffer {
  const bits = (forge.asn1.fromDer(spki.toString('binary')).value as forge.asn1.Asn1[])[1].value as string;
  return createHash('sha1')
    .update(Buffer.from(bits.slice(1), 'binary'))
    .digest();
}

/** The subject Name of a certificate as it encodes it (DER, binary string). */
function subjectNameOf(certificate: X509Certificate): string {
  const { asn1 } = forge;
  const parsed = asn1.fromDer(certificate.raw.toString('binary'));
  const tbs = (parsed.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  // [0] version, serial, signature, issuer, validity, subject: with the explicit version, the subject is the sixth.
  const hasVersion = tbs[0].tagClass === asn1.Class.CONTEXT_SPECIFIC;
  return asn1.toDer(tbs[hasVersion ? 5 : 4]).getBytes();
}

/** 16 random bytes, the first below 0x80 so that the serial is positive (RFC 5280, 4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}
