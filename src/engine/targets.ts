// From a workbook row and its credentials entry to a driver target; the
// `via` helper row (jump host or Panorama) comes with its own credentials.
import type { DeviceTarget } from '../drivers/contract.js';
import { accessOf, isUpgradable } from '../drivers/registry.js';
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
  if (!isUpgradable(row.platform)) throw new TargetError(`${row.hostname} is a ${row.platform} row: it is not upgraded`);
  const c = entry(creds, row.credential, row.hostname);
  const access = accessOf(row.platform);
  let via: DeviceTarget['via'] = null;
  if (row.via) {
    const helper = rows.find((r) => r.hostname.toLowerCase() === row.via!.toLowerCase());
    if (!helper) throw new TargetError(`${row.hostname}: via ${row.via} is not in the workbook`);
    const hc = entry(creds, helper.credential, helper.hostname);
    const ha = accessOf(helper.platform);
    via = { hostname: helper.hostname, host: helper.host, port: helper.port ?? ha.port, ssh: ha.over === 'ssh' ? ssh(hc) : undefined, api: ha.over === 'api' ? api(hc) : undefined };
  }
  return { hostname: row.hostname, host: row.host, port: row.port ?? access.port, platform: row.platform, ssh: access.over === 'ssh' ? ssh(c) : undefined, api: access.over === 'api' ? api(c) : undefined, via };
}
