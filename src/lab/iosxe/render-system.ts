// What the system reports about itself: show version, show install summary,
// show redundancy, show switch and the exec timestamp header, in the forms
// of the release the device runs (16.x, 17.x, engineering builds) and of
// the moment (members reloading, an ISSU under way).
import { codename } from '../models.js';
import { paddedVersion } from '../images.js';
import { formatUptime } from './render.js';
import type { IosxeDeviceState, Member } from './state.js';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const two = (n: number) => String(n).padStart(2, '0');

const release16 = (v: string) => v.startsWith('16.');
const minorOf = (v: string) => Number(v.split('.')[1]);

/** Build string as shown by `show install summary`: 17.09.05.0.1432 */
export function installVersion(v: string): string {
  const build = [...v].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 9000, 7) + 1000;
  return `${paddedVersion(v)}.0.${build}`;
}

/** An engineering build's label, fixed per version: BLD_V179_THROTTLE_LATEST_20240611_031318_V17_9_5_52. */
export function buildLabel(v: string): string {
  const [maj, min, patch] = v.split('.');
  const n = [...v].reduce((a, c) => (a * 7 + c.charCodeAt(0)) % 90, 3) + 10;
  return `BLD_V${maj}${min}_THROTTLE_LATEST_20240611_0313${two(n % 60)}_V${maj}_${min}_${patch.replace(/\D/g, '')}_${n}`;
}

/** The member the session is on, and its peer. */
export const activeMember = (d: IosxeDeviceState): Member => d.members.find((m) => m.role === 'Active') ?? d.members[0];
const standbyMember = (d: IosxeDeviceState): Member | undefined => d.members.find((m) => m.role === 'Standby');

/** `exec prompt timestamp`: the load and the clock before every show output. */
export function timestampHeader(d: IosxeDeviceState): string {
  const c = d.cpu5;
  const now = new Date();
  const clock = `${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}.${String(now.getUTCMilliseconds()).padStart(3, '0')} UTC ${now.toUTCString().slice(0, 3)} ${now.toUTCString().slice(8, 11)} ${now.getUTCDate()} ${now.getUTCFullYear()}`;
  // A 16.x box in the lab never had NTP: its clock is not authoritative.
  const source = release16(d.version) ? `No time source, *${clock}` : `Time source is NTP, ${clock}`;
  return `Load for five secs: ${c + 2}%/0%; one minute: ${c + 1}%; five minutes: ${c}%\n${source}\n\n`;
}

/**
 * The IOS banner of release `v` as this device's build prints it: `show
 * version` and each processor's `Image Version` in `show redundancy` alike.
 * An engineering build names a date, not the release.
 */
function iosBanner(d: IosxeDeviceState, v: string): string {
  if (d.build === 'engineering') {
    const [maj, min] = v.split('.');
    return `Cisco IOS Software [${codename(v)}], ${d.model.software}, Experimental Version ${maj}.${min}.20240611:0313 [${buildLabel(v).replace(/_V\d+_\d+_\d+_\d+$/, '')}:/nobackup/mcpre/s2c-build-ws 101]`;
  }
  return `Cisco IOS Software [${codename(v)}], ${d.model.software}, Version ${v}, RELEASE SOFTWARE (fc${release16(v) ? 3 : 1})`;
}

function versionLines(d: IosxeDeviceState): string[] {
  const v = d.version;
  if (d.build === 'engineering') return [`Cisco IOS XE Software, Version ${buildLabel(v)}`, iosBanner(d, v)];
  const ios = iosBanner(d, v);
  // Before 16.6 the first line with the IOS XE version was not printed.
  return release16(v) && minorOf(v) < 6 ? [ios] : [`Cisco IOS XE Software, Version ${paddedVersion(v)}`, ios];
}

export function showVersion(d: IosxeDeviceState): string {
  const m = d.model;
  const reason = d.lastReloadReason === 'Install' ? 'Install ' : d.lastReloadReason;
  const lines = [
    ...versionLines(d),
    'Technical Support: http://www.cisco.com/techsupport',
    `Copyright (c) 1986-${release16(d.version) ? 2020 : 2024} by Cisco Systems, Inc.`,
    `Compiled ${release16(d.version) ? 'Thu 09-Jul-20 21:49' : 'Tue 30-Jan-24 15:48'} by mcpre`,
    '', '',
    `Cisco IOS-XE software, Copyright (c) 2005-${release16(d.version) ? 2020 : 2024} by cisco Systems, Inc.`,
    'All rights reserved.  Certain components of Cisco IOS-XE software are',
    'licensed under the GNU General Public License ("GPL") Version 2.0.',
    '', '',
    'ROM: IOS-XE ROMMON',
    `BOOTLDR: System Bootstrap, Version ${release16(d.version) ? '16.12.2r' : '17.9.1r[FC2]'}, RELEASE SOFTWARE (P)`,
    '',
    `${d.hostname} uptime is ${formatUptime(d.uptimeMs())}`,
    `Uptime for this control processor is ${formatUptime(d.uptimeMs() + 240_000)}`,
    `System returned to ROM by ${reason}`,
    `System image file is "${d.runningImage}"`,
    `Last reload reason: ${reason}`,
    '', '', '',
    'This product contains cryptographic features and is subject to United',
    'States and local country laws governing import, export, transfer and',
    'use.',
    '', '',
    `cisco ${m.pid} (${m.cpu}) processor with ${m.memoryK} bytes of memory.`,
    `Processor board ID ${d.serial}`,
    // Routers name their operating mode from 17.x on.
    ...(m.family !== 'cat9k' && !release16(d.version) ? ['Router operating mode: Autonomous'] : []),
    ...m.ports.split('\n'),
    '32768K bytes of non-volatile configuration memory.',
    `${Math.floor(m.flashTotal / 1024)}K bytes of ${m.fs === 'flash:' ? 'Flash' : 'Bootflash'} at ${m.fs}.`,
  ];
  if (m.switchTable) {
    lines.push('', `Base Ethernet MAC Address          : ${macColons(d.baseMac)}`, `Model Number                       : ${m.pid}`, `System Serial Number               : ${d.serial}`, '', '');
    lines.push('Switch Ports Model              SW Version        SW Image              Mode   ');
    lines.push('------ ----- -----              ----------        ----------            ----   ');
    // An engineering build names its release only here.
    for (const mem of d.members) {
      lines.push(`${mem.role === 'Active' ? '*' : ' '}${lpad(mem.number, 5)} ${pad(65, 5)} ${pad(m.pid, 18)} ${pad(paddedVersion(mem.version), 17)} ${pad('CAT9K_IOSXE', 21)} ${d.mode.toUpperCase()}`);
    }
    for (const mem of d.members.filter((x) => x.role !== 'Active')) {
      lines.push('', '', `Switch ${String(mem.number).padStart(2, '0')}`, '---------', `Switch uptime                      : ${formatUptime(d.uptimeMs())}`, '',
        `Base Ethernet MAC Address          : ${macColons(mem.mac)}`, `Model Number                       : ${m.pid}`, `System Serial Number               : ${mem.serial}`);
    }
  }
  lines.push('', `Configuration register is ${m.configRegister}`, '');
  return lines.join('\n');
}

function macColons(dotted: string): string {
  return dotted.replace(/\./g, '').match(/../g)!.join(':');
}

export function showInstallSummary(d: IosxeDeviceState): string {
  const tags = d.model.family === 'cat9k' && d.model.redundancy !== 'dual-sup'
    ? (d.model.redundancy === 'svl' ? `Chassis ${d.members.map((m) => `${m.number}/R0`).join(' ')}` : `Switch ${d.members.map((m) => m.number).join(' ')}`)
    : d.model.redundancy === 'dual-sup' ? 'R0 R1' : 'R0';
  const lines = [
    `[ ${tags} ] Installed Package(s) Information:`,
    'State (St): I - Inactive, U - Activated & Uncommitted,',
    '            C - Activated & Committed, D - Deactivated & Uncommitted',
    '--------------------------------------------------------------------------------',
    'Type  St   Filename/Version',
    '--------------------------------------------------------------------------------',
  ];
  if (d.mode === 'install') for (const p of d.packages) lines.push(`IMG   ${p.state}    ${installVersion(p.version)}`);
  else lines.push(`IMG   C    ${installVersion(d.version)}`);
  lines.push('', '--------------------------------------------------------------------------------');
  // The auto-abort line came with 16.10; 16.6 and older printed every line double-spaced.
  if (!release16(d.version) || minorOf(d.version) >= 10) {
    if (d.autoAbort) {
      const s = Math.floor(Math.max(0, (d.autoAbort.deadline - Date.now()) * d.clock.speed) / 1000);
      const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map(two).join(':');
      lines.push(`Auto abort timer: active on install_activate, time before rollback - ${hms}`);
    } else lines.push('Auto abort timer: inactive');
    lines.push('--------------------------------------------------------------------------------');
  }
  lines.push('');
  return (release16(d.version) && minorOf(d.version) <= 6 ? lines.flatMap((l) => [l, '']) : lines).join('\n');
}

export function showRedundancy(d: IosxeDeviceState): string {
  const svl = d.model.redundancy === 'svl';
  // A stack of two or more runs SSO between its active and standby switch, as a real one does.
  const stack = d.model.redundancy === 'stack' && d.members.length > 1;
  const ha = d.model.redundancy === 'dual-sup' || svl;
  const standby = standbyMember(d);
  const peer = stack ? (standby?.state === 'Ready' ? 'STANDBY HOT' : 'DISABLED') : ha ? d.peerState : 'DISABLED';
  const present = (ha || stack) && peer !== 'DISABLED';
  const where = (m: Member | undefined) => (svl || stack ? `Switch ${m?.number ?? 2}` : `slot ${m?.number ?? 2}`);
  const up = formatUptime(d.uptimeMs());
  const image = (v: string) => iosBanner(d, v);
  const extra17 = release16(d.version) ? [] : ['             Fast Switchover   = Enabled', '                Initial Garp   = Enabled'];
  const lines = [
    'Redundant System Information :', '------------------------------',
    `       Available system uptime = ${up}`,
    `Switchovers system experienced = ${d.switchovers}`,
    '              Standby failures = 0',
    `        Last switchover reason = ${d.lastSwitchoverReason}`,
    ' ',
    `                 Hardware Mode = ${present ? 'Duplex' : 'Simplex'}`,
    `    Configured Redundancy Mode = ${ha || stack ? 'sso' : 'Non-redundant'}`,
    `     Operating Redundancy Mode = ${ha || stack ? (peer === 'STANDBY HOT' || !present ? 'sso' : 'rpr') : 'Non-redundant'}`,
    '              Maintenance Mode = Disabled',
    `                Communications = ${present ? 'Up' : ha || stack ? 'Down      Reason: Failure' : 'Down      Reason: Simplex mode'}`,
    ' ', 'Current Processor Information :', '-------------------------------',
    `               Active Location = ${where(activeMember(d))}`,
    '        Current Software state = ACTIVE',
    `       Uptime in current state = ${up}`,
    `                 Image Version = ${image(d.version)}`,
    `                          BOOT = ${d.bootSaved.join(';')};`,
    ...extra17,
    ' ', 'Peer Processor Information :', '----------------------------',
  ];
  if (present && standby) {
    lines.push(`              Standby Location = ${where(standby)}`, `        Current Software state = ${peer}`,
      `       Uptime in current state = ${up}`, `                 Image Version = ${image(standby.version)}`, `                          BOOT = ${d.bootSaved.join(';')};`);
  } else if (ha || stack) {
    lines.push(`Peer (slot: ${standby ? standby.number : 'unavailable'}) information is not available because it is in 'DISABLED' state`);
  } else {
    lines.push('              Standby Location = slot 2', '        Current Software state = DISABLED');
  }
  return lines.join('\n') + '\n';
}

export function showSwitch(d: IosxeDeviceState): string {
  const row = (m: Member, wide: boolean) => `${m.role === 'Active' ? '*' : ' '}${m.number}       ${pad(m.role, wide ? 8 : 6)} ${m.mac}     ${m.priority}      V02     ${m.state}`;
  if (release16(d.version)) {
    // The 16.x layout: narrower columns, no persistency line.
    return [`Switch/Stack Mac Address : ${d.baseMac}`, '                                           H/W   Current',
      'Switch#  Role   Mac Address     Priority Version  State', '----------------------------------------------------------',
      ...d.members.map((m) => row(m, false)), ''].join('\n');
  }
  return [`Switch/Stack Mac Address : ${d.baseMac} - Local Mac Address`, 'Mac persistency wait time: Indefinite',
    '                                             H/W   Current', 'Switch#   Role    Mac Address     Priority Version  State',
    '-------------------------------------------------------------------------------------', ...d.members.map((m) => row(m, true)), ''].join('\n');
}
