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

export { normalizeVersion, compareVersions } from '../common/versions.js';

/** Shell-style glob (*, ?) as an anchored, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
