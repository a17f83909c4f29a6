// Key material and hashes in PAN-OS answers are masked wherever an answer is recorded.
import { describe, expect, it } from 'vitest';
import { maskXmlSecrets } from '../../../src/drivers/panos/xml-secrets.js';

describe('maskXmlSecrets', () => {
  it.each([
    ['<private-key>-AQ==abc</private-key>', '<private-key>******</private-key>'],
    ['<phash>$5$xyz$abc</phash>', '<phash>******</phash>'],
    ['<phash admin="yes">$5$xyz</phash>', '<phash admin="yes">******</phash>'],
    ['<bind-password><![CDATA[s3cr<et]]></bind-password>', '<bind-password>******</bind-password>'],
    ['<authpwd>-AQ==a</authpwd><privpwd>-AQ==b</privpwd>', '<authpwd>******</authpwd><privpwd>******</privpwd>'],
    ['<pre-shared-key><key>-AQ==k</key></pre-shared-key>', '<pre-shared-key><key>******</key></pre-shared-key>'],
  ])('%s', (xml, masked) => {
    expect(maskXmlSecrets(xml)).toBe(masked);
  });

  it('leaves everything else as printed', () => {
    const xml = '<entry name="fw-cert"><public-key>-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----</public-key><algorithm>RSA</algorithm><keyed>x</keyed></entry>';
    expect(maskXmlSecrets(xml)).toBe(xml);
  });
});
