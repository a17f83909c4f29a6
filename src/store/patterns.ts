// Strict patterns for every workbook value that can end up in a device
// command or an API request. A cell that does not match is refused at import,
// so no workbook cell can inject CLI keywords, XML or shell syntax.

export const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$/;
export const DNS_NAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
export const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const IPV6 = /^[0-9A-Fa-f:]+(?:%[A-Za-z0-9]+)?$/;
/** IOS-XE release: 17.9.5, 17.09.05a, 16.12.04 */
export const IOSXE_VERSION = /^\d{1,2}\.\d{1,2}\.\d{1,3}[a-z]?$/;
/** PAN-OS release: 10.2.9, 11.1.4-h7, 10.1.0-c1 */
export const PANOS_VERSION = /^\d{1,2}\.\d{1,2}\.\d{1,2}(?:-[hcb]\d{1,3})?$/;
/** Image file names: cat9k_iosxe.17.09.05.SPA.bin */
export const IMAGE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.bin$/;
export const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MD5 = /^[0-9a-f]{32}$/;
export const SHA512 = /^[0-9a-f]{128}$/;
export const MODEL_PATTERN = /^[A-Za-z0-9*?][A-Za-z0-9*?._/-]{0,63}$/;

export function isHost(value: string): boolean {
  if (IPV4.test(value)) return true;
  if (value.includes(':')) return IPV6.test(value) && value.split(':').length >= 3;
  return DNS_NAME.test(value) && !/^\d+(\.\d+)*$/.test(value);
}

/**
 * Normal form of a version: numeric parts without leading zeros
 * (16.12.04 → 16.12.4, 17.09.05a → 17.9.5a). Suffixes are kept as written.
 */
export function normalizeVersion(version: string): string {
  return version.trim().replace(/\d+/g, (digits) => String(Number(digits)));
}

/** Compare two normalised versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = versionKey(a);
  const pb = versionKey(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

function versionKey(v: string): number[] {
  // 17.9.5a → [17, 9, 5, 1]; 11.1.4-h7 → [11, 1, 4, 7]; -c/-b releases sort below the release.
  const m = /^(\d+)\.(\d+)\.(\d+)([a-z])?(?:-([hcb])(\d+))?/.exec(normalizeVersion(v));
  if (!m) return v.split(/\D+/).filter(Boolean).map(Number);
  const letter = m[4] ? m[4].charCodeAt(0) - 96 : 0;
  const hot = m[5] === 'h' ? Number(m[6]) : m[5] ? -1 / (1 + Number(m[6])) : 0;
  return [Number(m[1]), Number(m[2]), Number(m[3]), letter, hot];
}

/** Shell-style glob (*, ?) as an anchored, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
