// Self-signed X.509 certificates for the lab's HTTPS servers and the
// certificates its firewalls' configurations carry, made with node:crypto
// alone (the lab depends on nothing but node and ssh2): the TBSCertificate
// written in DER by hand (RFC 5280 §4.1), signed with the key it certifies.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

// --- DER, the few types a certificate needs (X.690) ---------------------------
const tlv = (tag: number, body: Buffer): Buffer => {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
/** A non-negative INTEGER in DER's minimal form: no leading zero byte unless the next has its top bit set (OpenSSL refuses "illegal padding"). */
function int(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
  return tlv(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}
const nul = () => Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const explicit = (n: number, body: Buffer) => tlv(0xa0 + n, body);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime (years 1950–2049), to the second. */
function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  return tlv(0x17, Buffer.from(`${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`));
}

const ALGORITHMS = {
  'ecdsa-sha256': { id: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' },
  'rsa-sha1': { id: seq(oid('1.2.840.113549.1.1.5'), nul()), hash: 'sha1' },
  'rsa-sha256': { id: seq(oid('1.2.840.113549.1.1.11'), nul()), hash: 'sha256' },
} as const;

export interface CertificateRequest {
  commonName: string;
  key: { type: 'ec' } | { type: 'rsa'; bits: number };
  hash: 'sha256' | 'sha1';
  days: number;
  /** Subject alternative names: IP addresses and DNS names. */
  altNames?: string[];
}

function subjectAltNames(names: string[]): Buffer {
  const general = names.map((n) => {
    if (isIP(n) === 4) return tlv(0x87, Buffer.from(n.split('.').map(Number)));
    return tlv(0x82, Buffer.from(n, 'ascii'));
  });
  // Extension: subjectAltName, its value the DER of GeneralNames in an OCTET STRING.
  return seq(oid('2.5.29.17'), octets(seq(...general)));
}

/** A self-signed certificate and its private key, both PEM. */
export function selfSignedCertificate(r: CertificateRequest): { cert: string; key: string } {
  const pair = r.key.type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: r.key.bits });
  const alg = ALGORITHMS[r.key.type === 'ec' ? 'ecdsa-sha256' : r.hash === 'sha1' ? 'rsa-sha1' : 'rsa-sha256'];
  const name = seq(set(seq(oid('2.5.4.3'), utf8(r.commonName))));
  const now = Date.now();
  const serial = randomBytes(12);
  serial[0] &= 0x7f;
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))),
    int(serial),
    alg.id,
    name,
    seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + r.days * 86_400_000))),
    name,
    (pair.publicKey as KeyObject).export({ type: 'spki', format: 'der' }),
    ...(r.altNames?.length ? [explicit(3, seq(subjectAltNames(r.altNames)))] : []),
  );
  const signature = sign(alg.hash, tbs, pair.privateKey);
  const der = seq(tbs, alg.id, bits(signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  return { cert, key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
