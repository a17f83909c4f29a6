// From a workbook row and its credentials entry to a driver target; the
// `via` helper row (jump host or Panorama) comes with its own credentials.
import type { DeviceTarget } from '../drivers/contract.js';
import type { Credential, Credentials } from '../store/credentials.js';
import type { DeviceRow } from '../store/types.js';

export class TargetError extends Error {}

function entry(creds: Credentials, name: string, who: string): Credential {
  const c = creds.get(name);
  if (!c) throw new TargetError(`${who}: no credentials entry "${name}" (known: ${[...creds.keys()].join(', ') || 'none'})`);
  return c;
}

const ssh = (c: Credential) => ({ username: c.username ?? '', password: c.password, keyFile: c.keyFile, passphrase: c.passphrase, enable: c.enable });
const api = (c: Credential) => ({ username: c.username, password: c.password, apiKey: c.apiKey, verifyTls: c.verifyTls, tlsFingerprint: c.tlsFingerprint });

export function targetFor(row: DeviceRow, rows: DeviceRow[], creds: Credentials): DeviceTarget {
  if (row.platform !== 'iosxe' && row.platform !== 'panos') throw new TargetError(`${row.hostname} is a ${row.platform} row: it is not upgraded`);
  const c = entry(creds, row.credential, row.hostname);
  const port = row.port ?? (row.platform === 'iosxe' ? 22 : 443);
  let via: DeviceTarget['via'] = null;
  if (row.via) {
    const helper = rows.find((r) => r.hostname.toLowerCase() === row.via!.toLowerCase());
    if (!helper) throw new TargetError(`${row.hostname}: via ${row.via} is not in the workbook`);
    const hc = entry(creds, helper.credential, helper.hostname);
    via = { hostname: helper.hostname, host: helper.host, port: helper.port ?? (helper.platform === 'jumphost' ? 22 : 443), ssh: helper.platform === 'jumphost' ? ssh(hc) : undefined, api: helper.platform === 'panorama' ? api(hc) : undefined };
  }
  return { hostname: row.hostname, host: row.host, port, platform: row.platform, ssh: row.platform === 'iosxe' ? ssh(c) : undefined, api: row.platform === 'panos' ? api(c) : undefined, via };
}
