// Key material and password hashes in PAN-OS answers, whatever the operator's
// own secrets are: a certificate's private key, an administrator's phash, a
// RADIUS or LDAP bind password, an IKE pre-shared key, SNMPv3 keys. Their
// text is replaced wherever an answer is recorded (the transcript); a backup
// keeps the configuration as the firewall printed it (docs/security.md).

const NAMES = [
  'private-key', 'phash', 'password-hash', 'password', 'bind-password', 'auth-password', 'priv-password', 'authpwd', 'privpwd',
  'key', 'secret', 'psk', 'pre-shared-key', 'passphrase', 'shared-secret',
];

/** One element of those names, with or without attributes, its text plain or in CDATA. */
const SECRET_ELEMENT = new RegExp(`<(${NAMES.join('|')})(\\s[^>]*)?>(?:<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|[^<]*)</\\1>`, 'g');

export function maskXmlSecrets(xml: string): string {
  return xml.replace(SECRET_ELEMENT, (_all, name: string, attrs: string | undefined) => `<${name}${attrs ?? ''}>******</${name}>`);
}
