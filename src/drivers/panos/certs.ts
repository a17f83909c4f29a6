// The certificates of a firewall's configuration (shared/certificate): key
// type and size, and the hash of the signature — what newer PAN-OS releases
// refuse (RSA under 2048 bits, SHA-1 or MD5 signatures). Node reads the key;
// the signature algorithm is read from the certificate's DER, whose outer
// SEQUENCE holds tbsCertificate, then signatureAlgorithm { OID }.
import { X509Certificate } from 'node:crypto';
import type { PanosCertificate } from './types.js';
import { child, list, text, type Xml } from './xml.js';

const SIGNATURE_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5', '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224', '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.1': 'sha224', '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512', '1.3.101.112': 'ed25519',
};

/** One DER element at `at`: where its content starts and ends. */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = der[at];
  let len = der[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    start += n;
  }
  if (start + len > der.length) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

function oid(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** The signature's hash (sha256, sha1…) of a DER certificate; null when it cannot be read. */
export function signatureHash(der: Buffer): string | null {
  try {
    const cert = element(der, 0);
    const tbs = element(der, cert.start);
    const alg = element(der, tbs.end);
    const id = element(der, alg.start);
    if (cert.tag !== 0x30 || alg.tag !== 0x30 || id.tag !== 0x06) return null;
    const o = oid(der.subarray(id.start, id.end));
    return SIGNATURE_HASH[o] ?? o;
  } catch {
    return null;
  }
}

/** One certificate from its PEM text. */
export function describeCertificate(name: string, pem: string): PanosCertificate {
  try {
    const x = new X509Certificate(pem);
    const key = x.publicKey;
    const details = key.asymmetricKeyDetails;
    const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
    const bits = details?.modulusLength ?? (details?.namedCurve ? curveBits[details.namedCurve] ?? null : null);
    return { name, algorithm: key.asymmetricKeyType === 'ec' ? 'EC' : key.asymmetricKeyType?.toUpperCase() ?? null, keyBits: bits, signatureHash: signatureHash(x.raw), notAfter: new Date(x.validTo).toISOString() };
  } catch {
    return { name, algorithm: null, keyBits: null, signatureHash: null, notAfter: null };
  }
}

/** `type=config show /config/shared/certificate` (running configuration): each entry's certificate (its PEM is under public-key). */
export function parseCertificates(result: Xml): PanosCertificate[] {
  return list(child(result, 'certificate').entry).map((e) => describeCertificate(String(e['@name'] ?? ''), text(e['public-key'])));
}
