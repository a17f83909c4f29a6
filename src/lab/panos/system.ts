// The XML API answers about the management plane: system info, resources,
// disk, clocks, NTP, Panorama link, licences, support and locks. Text
// answers (df, top, panorama-status) come as CDATA, as the firewall sends them.
import type { Firewall } from './firewall.js';
import { clockText, dfSize, longDate, systemTime, uptimeText } from './format.js';
import { cdata, errorMsg, success, xmlOf } from './xml.js';

const DAY = 86_400_000;

export function systemInfoXml(fw: Firewall, host: string): string {
  const app = fw.appVersion();
  return success(xmlOf({ system: {
    hostname: fw.hostname, 'ip-address': host, 'public-ip-address': 'unknown', netmask: '255.0.0.0', 'default-gateway': host, 'is-dhcp': 'no',
    'ipv6-address': 'unknown', 'ipv6-link-local-address': 'fe80::21b:17ff:fe00:110/64', 'mac-address': '00:1b:17:00:01:10', time: systemTime(Date.now()),
    uptime: uptimeText(fw.clock.elapsed(fw.bootedAt)), devicename: fw.hostname, family: fw.family, model: fw.model, serial: fw.serial, 'cloud-mode': 'non-cloud',
    'sw-version': fw.version, 'global-protect-client-package-version': '0.0.0', 'device-dictionary-version': '142-567', 'app-version': app, 'app-release-date': '2026/01/13 19:12:30 UTC',
    'av-version': '4712-5231', 'av-release-date': '2026/01/14 04:02:11 UTC', 'threat-version': app, 'threat-release-date': '2026/01/13 19:12:30 UTC',
    'wf-private-version': 0, 'wf-private-release-date': 'unknown', 'url-db': 'paloaltonetworks', 'wildfire-version': 0, 'wildfire-release-date': null,
    'url-filtering-version': '20260114.20047', 'global-protect-datafile-version': 'unknown', 'logdb-version': `${fw.version.split('-')[0]}`,
    'platform-family': fw.family, 'vpn-disable-mode': 'off', 'multi-vsys': fw.faults.has('multi-vsys') ? 'on' : 'off', 'operational-mode': 'normal',
    'advanced-routing': fw.faults.has('advanced-routing') ? 'on' : 'off', 'device-certificate-status': 'Valid',
  } }));
}

/** `show system disk-space`: `df -h`, with /opt/panrepo where the software images live. */
export function diskSpaceXml(fw: Firewall): string {
  const total = fw.software.totalPanrepoMb;
  const used = fw.software.usedMb();
  const row = (dev: string, size: string, u: string, a: string, pct: number, mount: string) => `${dev.padEnd(15)}${size.padStart(5)} ${u.padStart(5)} ${a.padStart(5)} ${String(pct).padStart(3)}% ${mount}`;
  const text = ['Filesystem      Size  Used Avail Use% Mounted on',
    row('/dev/root', '6.9G', '4.1G', '2.5G', 63, '/'), row('none', '7.9G', '76K', '7.9G', 1, '/dev'), row('/dev/md5', '16G', '2.1G', '13G', 14, '/opt/pancfg'),
    row('/dev/md6', dfSize(total), dfSize(used), dfSize(Math.max(0, total - used)), Math.round((used / total) * 100), '/opt/panrepo'),
    row('tmpfs', '7.9G', '412M', '7.5G', 6, '/dev/shm'), row('/dev/md8', '73G', '1.2G', '68G', 2, '/opt/panlogs'), ''].join('\n');
  return success(cdata(text));
}

/** `show system resources`: one `top` screen; the memory line says MiB since 10.1, KiB before. */
export function resourcesXml(fw: Firewall): string {
  const total = 15_948.7;
  const used = fw.faults.has('mem-high') ? total * 0.95 : total * 0.62;
  const cpuIdle = fw.faults.has('cpu-high') ? 6.4 : 94.5;
  const mib = Number(fw.version.split('.')[0]) >= 10;
  const cache = (total - used) * 0.7;
  const free = total - used - cache;
  const mem = mib ? `MiB Mem :  ${total.toFixed(1)} total,   ${free.toFixed(1)} free,   ${used.toFixed(1)} used,   ${cache.toFixed(1)} buff/cache`
    : `KiB Mem : ${Math.round(total * 1024)} total, ${Math.round(free * 1024)} free, ${Math.round(used * 1024)} used, ${Math.round(cache * 1024)} buff/cache`;
  const text = [
    `top - ${clockText(Date.now()).split(' ')[3]} up ${Math.floor(fw.clock.elapsed(fw.bootedAt) / DAY)} days,  4:12,  0 users,  load average: 1.20, 1.23, 1.19`,
    'Tasks: 180 total,   1 running, 179 sleeping,   0 stopped,   0 zombie',
    `%Cpu(s):  ${(100 - cpuIdle - 1.9).toFixed(1)} us,  1.8 sy,  0.1 ni, ${cpuIdle.toFixed(1)} id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st`,
    mem,
    `${mib ? 'MiB' : 'KiB'} Swap:   8000.0 total,   7973.2 free,     26.8 used.   ${(total - used).toFixed(1)} avail Mem`,
    '', '    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND',
    '   4398 root      20   0 2117668 301236  19836 S   3.9   1.8 182:41.22 mgmtsrvr', '',
  ].join('\n');
  return success(cdata(text));
}

/** `show system state filter sys.monitor.*.mp.exports`: the management plane's 1-minute CPU. */
export function mpStateXml(fw: Firewall): string {
  const cpu = fw.faults.has('cpu-high') ? 93 : 4;
  return success(cdata(` sys.monitor.s0.mp.exports: { 'cpu': { '1minavg': ${cpu}, }, 'disks': [ { 'Drive': sda6, 'Mount': /opt/panrepo, 'Rd ms': 796, 'Wr ms': 1316, }, ], 'slot': 0, } `));
}

/** `show running resource-monitor minute last N`: per data plane, per core, N one-minute averages. */
export function resourceMonitorXml(fw: Firewall, minutes: number): string {
  const n = Math.min(60, Math.max(1, minutes || 5));
  const value = (core: number) => Array.from({ length: n }, (_, i) => (fw.faults.has('cpu-high') ? 88 + ((core + i) % 9) : core === 0 ? 0 : 2 + ((core * 7 + i) % 9))).join(',');
  const dp = (cores: number) => ({ minute: {
    'cpu-load-average': Array.from({ length: cores }, (_, c) => ({ coreid: c, value: value(c) })),
    'cpu-load-maximum': Array.from({ length: cores }, (_, c) => ({ coreid: c, value: value(c) })),
  } });
  const dps: Record<string, unknown> = {};
  for (let d = 0; d < fw.dataPlanes; d++) dps[`dp${d}`] = dp(fw.dataPlanes > 1 ? 12 : 8);
  return success(xmlOf({ 'resource-monitor': { 'data-processors': dps } }));
}

/** `show clock`: the management plane's clock. */
export function clockXml(): string {
  return success(`${clockText(Date.now())} `);
}

/** `show clock more`: one <member> per data plane ("dataplane time: ..."); `clock-skew` puts them 47 s apart. */
export function clockMoreXml(fw: Firewall): string {
  const skew = fw.faults.has('clock-skew') ? 47_000 : 0;
  return success(xmlOf({ 'member*': Array.from({ length: fw.dataPlanes }, () => `dataplane time: ${clockText(Date.now() + skew)} `) }));
}

/** `show ntp`: two servers; `ntp-unsynced` leaves the firewall on its local clock. */
export function ntpXml(fw: Firewall): string {
  const off = fw.faults.has('ntp-unsynced');
  const server = (name: string, synched: boolean) => ({ 'authentication-type': 'none', name, reachable: off ? 'no' : 'yes', status: off ? 'available' : synched ? 'synched' : 'available' });
  return success(xmlOf({ 'ntp-server-1': server('0.pool.ntp.org', true), 'ntp-server-2': server('1.pool.ntp.org', false), synched: off ? 'LOCAL' : '0.pool.ntp.org' }));
}

/** `show panorama-status`: text blocks per configured Panorama; empty when none is configured. */
export function panoramaStatusXml(fw: Firewall): string {
  if (!fw.managedBy) return success('');
  const connected = fw.panoramaLinkUp();
  return success(cdata(`\nPanorama Server 1 : ${fw.managedBy.address}\n    Connected     : ${connected ? 'yes' : 'no'}\n    HA state      : disconnected\n`));
}

/** `request license info`. */
export function licensesXml(fw: Firewall): string {
  const now = Date.now();
  const lic = (feature: string, description: string, expired: boolean, extra: Record<string, unknown> = {}) => ({
    feature, description, serial: fw.serial, issued: longDate(now - 400 * DAY), expires: expired ? longDate(now - 12 * DAY) : longDate(now + 700 * DAY), expired: expired ? 'yes' : 'no',
    ...extra, authcode: null,
  });
  return success(xmlOf({ licenses: [
    lic('Threat Prevention', 'Threat Prevention', fw.faults.has('license-expired')),
    lic('PAN-DB URL Filtering', 'Palo Alto Networks URL Filtering License', false),
    lic('WildFire License', 'WildFire signature feed, integrated WildFire logs, WildFire API', false),
    lic('Premium', '24 x 7 phone support; advanced replacement hardware service', fw.faults.has('support-expired')),
  ] }));
}

/** `request support check`: asks the update server; an error when it cannot be reached. */
export function supportXml(fw: Firewall): string {
  if (fw.faults.has('update-unreachable')) return errorMsg('Failed to check support info due to Unknown error. Please check network connectivity and try again.');
  const expired = fw.faults.has('support-expired');
  return success(xmlOf({ SupportInfoResponse: {
    Links: { 'Link*': [{ Title: 'Contact Us', Url: 'https://www.paloaltonetworks.com/company/contact-us.html' }, { Title: 'Support Home', Url: 'https://www.paloaltonetworks.com/support/tabs/overview.html' }] },
    Support: { Contact: { Contact: 'Click the contact link at right.' }, ExpiryDate: longDate(Date.now() + (expired ? -12 : 700) * DAY), SupportLevel: 'Premium', SupportDescription: '24 x 7 phone support; advanced replacement hardware service' },
  } }));
}

/** `show config-locks` / `show commit-locks`: an <entry> per lock holder; none is an empty list. */
export function locksXml(kind: 'config-locks' | 'commit-locks', held: boolean): string {
  const entry = { '@name': 'jdoe', created: '2026/01/20 08:14:02', 'last-activity': '2026/01/20 08:31:45', loggedin: 'yes', comment: 'CHG0042 firewall rule review' };
  return success(xmlOf({ [kind]: held ? [entry] : [] }));
}

/** `show system environmentals` on a hardware model (a VM answers an empty result). */
export function environmentalsXml(): string {
  const slot = (entry: Record<string, unknown>) => ({ Slot1: { 'entry*': [entry] } });
  return success(xmlOf({
    thermal: slot({ slot: 1, description: 'Temperature @ Rear Left[U54]', alarm: 'False', DegreesC: '36.5', min: '-5.0', max: '70.0' }),
    fantray: slot({ slot: 1, description: 'Fan Tray', alarm: 'False', Inserted: 'True', min: 1 }),
    fan: slot({ slot: 1, description: 'Fan #1 RPM', alarm: 'False', RPMs: 3689, min: 1000 }),
    power: slot({ slot: 1, description: 'Power: 1.0V Core', alarm: 'False', Volts: '1.008', min: '0.9', max: '1.1' }),
    'power-supply': slot({ slot: 1, description: 'Power Supply #1 (left)', alarm: 'False', Inserted: 'True', min: 'True' }),
  }));
}

