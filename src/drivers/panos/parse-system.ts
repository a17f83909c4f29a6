// Readers of the management plane's answers (system info, HA, software,
// jobs, licences, support, NTP, Panorama link, locks, resources, clocks),
// from the parsed XML to typed facts. Pure: table-tested over the fixtures
// in test/fixtures/panos (docs/devices/panos-api.md says what each relies on).
import { normalizeVersion } from '../../common/versions.js';
import type { PanosHa, PanosJob, PanosLicense, PanosLock, PanosSoftware } from './types.js';
import { child, list, num, text, yesNo, type Xml } from './xml.js';

export interface SystemInfo {
  hostname: string; model: string | null; serial: string | null; family: string | null; version: string; uptimeSeconds: number | null;
  appVersion: string | null; threatVersion: string | null; avVersion: string | null; advancedRouting: boolean; multiVsys: boolean; deviceCertificate: string | null;
}

/** "136 days, 4:12:31" (or "4:12:31") → seconds. */
export function uptimeSeconds(s: string): number | null {
  const m = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})$/.exec(s.trim());
  return m ? Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) : null;
}

export function parseSystemInfo(result: Xml): SystemInfo {
  const sys = child(result, 'system');
  const version = text(sys['sw-version']);
  if (!version) throw new Error('show system info has no sw-version');
  const opt = (k: string) => text(sys[k]) || null;
  return {
    hostname: text(sys.hostname) || text(sys.devicename), model: opt('model'), serial: opt('serial'), family: opt('family'), version: normalizeVersion(version),
    uptimeSeconds: uptimeSeconds(text(sys.uptime)), appVersion: opt('app-version'), threatVersion: opt('threat-version'), avVersion: opt('av-version'),
    advancedRouting: yesNo(sys['advanced-routing']) ?? text(sys['advanced-routing']) === 'on', multiVsys: text(sys['multi-vsys']) === 'on',
    deviceCertificate: opt('device-certificate-status'),
  };
}

/** `show high-availability state`; null when HA is not enabled. */
export function parseHa(result: Xml): PanosHa | null {
  if (yesNo(result.enabled) !== true) return null;
  const group = child(result, 'group');
  const local = child(group, 'local-info');
  const peer = child(group, 'peer-info');
  const peerVersion = text(peer['build-rel']);
  const localVersion = text(local['build-rel']);
  return {
    local: text(local.state), localVersion: localVersion ? normalizeVersion(localVersion) : null, peer: text(peer.state) || 'unknown', peerVersion: peerVersion ? normalizeVersion(peerVersion) : null,
    sync: text(group['running-sync']), syncEnabled: yesNo(group['running-sync-enabled']) ?? true, peerConnected: text(peer['conn-status']) === 'up',
    mode: text(group.mode) || text(local.mode) || null, preemptive: yesNo(local.preemptive), peerPreemptive: yesNo(peer.preemptive),
    priority: num(local.priority), peerPriority: num(peer.priority), buildCompat: text(local['build-compat']) || null, peerSerial: text(peer.serial) || null,
  };
}

/** `request system software check|info`: the versions and whether each is on the disk. */
export function parseSoftware(result: Xml): PanosSoftware[] {
  const versions = list(child(child(result, 'sw-updates'), 'versions').entry);
  return versions.filter((e) => text(e.version)).map((e) => ({
    version: normalizeVersion(text(e.version)), sizeMb: num(e.size) ?? Math.round((num(e['size-kb']) ?? 0) / 1024), downloaded: yesNo(e.downloaded) === true, current: yesNo(e.current) === true,
  }));
}

const UNIT_MB: Record<string, number> = { '': 1 / 1024 / 1024, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** `show system disk-space` (df -h text): size and free space of /opt/panrepo in MB. */
export function parseDiskSpace(df: string): { freeMb: number | null; totalMb: number | null } {
  const line = df.split('\n').find((l) => /\s\/opt\/panrepo\s*$/.test(l));
  const cols = line?.trim().split(/\s+/) ?? [];
  const mb = (s: string | undefined) => {
    const m = s ? /^([\d.]+)([KMGT]?)$/i.exec(s) : null;
    return m ? Number(m[1]) * UNIT_MB[m[2].toUpperCase()] : null;
  };
  return { freeMb: mb(cols[3]), totalMb: mb(cols[1]) };
}

/** `show jobs all` / `show jobs id N`; entries without an id (a job that never got one) are left out. */
export function parseJobs(result: Xml): PanosJob[] {
  return list(result.job).filter((j) => text(j.id)).map((j) => ({ id: text(j.id), type: text(j.type), status: text(j.status), result: text(j.result), progress: text(j.progress) }));
}

/** A job's detail lines (messages of a finished job). */
export function jobLines(job: Xml | undefined): string[] {
  return list(child(job, 'details').line).map((l) => text(l)).filter(Boolean);
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "November 02, 2028" → the end of that day (UTC), as an ISO date; null for "Never" or anything else. */
export function parseLongDate(s: string): string | null {
  const m = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$/.exec(s.trim());
  const month = m ? MONTHS.indexOf(m[1].toLowerCase()) : -1;
  if (!m || month < 0) return null;
  return new Date(Date.UTC(Number(m[3]), month, Number(m[2]), 23, 59, 59)).toISOString();
}

/** `request license info`. */
export function parseLicenses(result: Xml): PanosLicense[] {
  return list(child(result, 'licenses').entry).map((l) => ({ feature: text(l.feature), expires: parseLongDate(text(l.expires)), expired: yesNo(l.expired) === true }));
}

/** `request support check`: the contract's expiry and level (empty when the update server does not know the device). */
export function parseSupport(result: Xml): { expires: string | null; level: string | null } {
  const s = child(child(result, 'SupportInfoResponse'), 'Support');
  return { expires: parseLongDate(text(s.ExpiryDate)), level: text(s.SupportLevel) || null };
}

/** `show ntp`: the server the clock is synchronised to (LOCAL: none), and each configured server. */
export function parseNtp(result: Xml): { synched: string | null; servers: { name: string; status: string; reachable: boolean }[] } {
  const servers = Object.entries(result).filter(([k]) => /^ntp-server-\d+$/.test(k)).map(([, v]) => v as Xml).filter((s) => text(s.name))
    .map((s) => ({ name: text(s.name), status: text(s.status), reachable: yesNo(s.reachable) === true }));
  return { synched: text(result.synched) || null, servers };
}

/** `show panorama-status`: one block per configured Panorama ("Panorama Server 1 : a.b.c.d / Connected : yes"). */
export function parsePanoramaStatus(s: string): { address: string; connected: boolean }[] {
  const out: { address: string; connected: boolean }[] = [];
  for (const line of s.split('\n')) {
    const server = /^\s*Panorama Server \d+\s*:\s*(\S+)/.exec(line);
    if (server) out.push({ address: server[1], connected: false });
    const conn = /^\s*Connected\s*:\s*(\w+)/.exec(line);
    if (conn && out.length) out[out.length - 1].connected = conn[1].toLowerCase() === 'yes';
  }
  return out;
}

/** `show config-locks` / `show commit-locks`: one <entry name=admin> per holder. */
export function parseLocks(result: Xml, kind: 'config' | 'commit'): PanosLock[] {
  const holder = child(result, kind === 'config' ? 'config-locks' : 'commit-locks');
  return list(holder.entry).map((e) => ({ kind, holder: String(e['@name'] ?? text(e.name)), created: text(e.created) || null, comment: text(e.comment) || null }));
}

/** `show system resources` (top): MP memory used, percent — the "MiB Mem" line (KiB before 10.1). */
export function parseMemoryPercent(top: string): number | null {
  // By label, not position: newer top prints "MiB Mem : T total, F free, U used", older ones
  // "KiB Mem:  T total, U used, F free" or "Mem:  4043028k total,  3886168k used, …".
  const line = /^(?:[KMG]iB )?Mem\s*:(.*)$/m.exec(top)?.[1];
  const total = line ? /([\d.]+)k? total/.exec(line) : null;
  const used = line ? /([\d.]+)k? used/.exec(line) : null;
  if (!total || !used || Number(total[1]) === 0) return null;
  return Math.round((Number(used[1]) / Number(total[1])) * 1000) / 10;
}

/** `show system state filter sys.monitor.s*.mp.exports`: the MP's one-minute CPU. */
export function parseMpCpu(state: string): number | null {
  const m = /'1minavg':\s*([\d.]+)/.exec(state);
  return m ? Number(m[1]) : null;
}

/** `show running resource-monitor minute last N`: per data plane, the average of its cores over the minutes. */
export function parseDpCpu(result: Xml): { dp: string; percent: number }[] {
  const dps = child(child(result, 'resource-monitor'), 'data-processors');
  return Object.entries(dps).filter(([, v]) => v && typeof v === 'object').map(([dp, v]) => {
    const values = list(child(child(v, 'minute'), 'cpu-load-average').entry).flatMap((e) => text(e.value).split(',').map(Number).filter((n) => Number.isFinite(n)));
    return { dp, percent: values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : 0 };
  });
}

const MON: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** "Thu Dec  3 20:56:59 UTC 2026" → ms, read as printed (both planes print the same zone). */
export function parseClock(s: string): number | null {
  const m = /(\w{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+\S+\s+(\d{4})/.exec(s);
  if (!m || MON[m[1]] === undefined) return null;
  return Date.UTC(Number(m[6]), MON[m[1]], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** `show clock more`: each data plane's time ("dataplane time: …"), one <member> per data plane. */
export function parseDataplaneClocks(result: Xml): number[] {
  return list(result.member).map((m) => parseClock(typeof m === 'string' ? m : text(m))).filter((t): t is number => t !== null);
}
