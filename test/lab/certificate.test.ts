// The lab's self-signed certificates, made with node:crypto: read back by node's own X.509
// parser, verified with their own key, served over TLS and pinned by fingerprint.
import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../../src/lab/certificate.js';

describe('lab certificates', () => {
  it('an EC P-256 certificate with the lab address and localhost as names, self-signed, valid now', () => {
    const { cert } = selfSignedCertificate({ commonName: 'upshift-lab', key: { type: 'ec' }, hash: 'sha256', days: 365, altNames: ['127.0.0.1', 'localhost'] });
    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=upshift-lab');
    expect(x.issuer).toBe('CN=upshift-lab');
    expect(x.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(Date.parse(x.validFrom)).toBeLessThan(Date.now());
    expect(Date.parse(x.validTo)).toBeGreaterThan(Date.now() + 364 * 86_400_000);
  });

  it('every random serial number is encoded as DER wants it (one in 256 began with a zero byte: "illegal padding")', () => {
    // Without minimal INTEGERs about 8 of 2,000 would fail to parse; with them, none may.
    for (let i = 0; i < 2000; i++) {
      const { cert } = selfSignedCertificate({ commonName: 'upshift-lab', key: { type: 'ec' }, hash: 'sha256', days: 1, altNames: ['127.0.0.1'] });
      expect(() => new X509Certificate(cert), `certificate ${i}`).not.toThrow();
    }
  });

  it('a 1024-bit RSA certificate signed with SHA-1 (what cert-weak carries)', () => {
    const x = new X509Certificate(selfSignedCertificate({ commonName: 'legacy-vpn', key: { type: 'rsa', bits: 1024 }, hash: 'sha1', days: 200 }).cert);
    expect(x.publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 1024 });
    expect(x.verify(x.publicKey)).toBe(true);
  });

  it('serves TLS; a client trusting only this certificate connects, by name and pinned fingerprint', async () => {
    const pems = selfSignedCertificate({ commonName: 'upshift-lab', key: { type: 'ec' }, hash: 'sha256', days: 1, altNames: ['127.0.0.1'] });
    const server = https.createServer({ key: pems.key, cert: pems.cert }, (_q, s) => s.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const fingerprint = new X509Certificate(pems.cert).fingerprint256;
      const body = await new Promise<string>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port, ca: pems.cert, checkServerIdentity: (_h, c) => (c.fingerprint256 === fingerprint ? undefined : new Error('fingerprint')) }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      expect(body).toBe('ok');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
