// Show outputs rendered from the device state, in the real formats: files,
// boot variables, routing tables, configuration. What the system says about
// itself (version, install, redundancy, stack) is in render-system.ts.
import type { ConfigStamp, IosxeDeviceState } from './state.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);

export function formatUptime(ms: number): string {
  let minutes = Math.floor(ms / 60_000);
  const parts: [number, string][] = [];
  const take = (size: number, unit: string) => {
    const n = Math.floor(minutes / size);
    minutes -= n * size;
    if (n > 0) parts.push([n, unit]);
  };
  take(525_600, 'year');
  take(10_080, 'week');
  take(1_440, 'day');
  take(60, 'hour');
  parts.push([minutes, 'minute']);
  return parts.filter(([n], i) => n > 0 || i === parts.length - 1).map(([n, u]) => `${n} ${u}${n === 1 ? '' : 's'}`).join(', ');
}

function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${lpad(date.getUTCDate(), 2)} ${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +00:00`;
}

export function dir(d: IosxeDeviceState, fs: string): string {
  const lines = [`Directory of ${fs}/`, ''];
  let inode = 11;
  lines.push(`${lpad(inode++, 6)}  drwx            16384  ${stamp(new Date(Date.UTC(2024, 0, 12, 8, 46, 31)))}  lost+found`);
  for (const f of [...d.files.values()].sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || a.name.localeCompare(b.name))) {
    lines.push(`${lpad(inode++, 6)}  -rw-  ${lpad(f.size, 15)}  ${stamp(f.mtime)}  ${f.name}`);
  }
  if (d.files.size === 0) lines.push('No files in directory');
  lines.push('', `${d.model.flashTotal} bytes total (${d.freeBytes()} bytes free)`);
  return lines.join('\n');
}

export function showBoot(d: IosxeDeviceState, bootedWith: string[]): string {
  const current = bootedWith.length ? `BOOT variable = ${bootedWith.join(';')};` : 'BOOT variable does not exist';
  const next = d.bootSaved.length ? `BOOT variable = ${d.bootSaved.join(';')};` : 'BOOT variable does not exist';
  if (d.model.switchTable) {
    const out: string[] = [];
    for (const mem of d.members) {
      out.push('---------------------------', `Switch ${mem.number}`, '---------------------------', 'Current Boot Variables:', current, '',
        'Boot Variables on next reload:', next, `Manual Boot = ${d.manualBoot ? 'yes' : 'no'}`, 'Enable Break = yes', 'Boot Mode = DEVICE', 'iPXE Timeout = 0');
    }
    return out.join('\n') + '\n';
  }
  const suffix = d.model.family === 'cat9k' ? '' : ',12';
  const bootLine = d.bootSaved.length ? `BOOT variable = ${d.bootSaved.map((b) => b + suffix).join(';')};` : 'BOOT variable does not exist';
  const lines = [bootLine, `MANUAL_BOOT variable = ${d.manualBoot ? 'yes' : 'no'}`, 'CONFIG_FILE variable = ', 'BOOTLDR variable does not exist'];
  if (d.model.redundancy === 'dual-sup' || d.model.redundancy === 'svl') {
    lines.push('', `Standby ${bootLine}`, `Standby MANUAL_BOOT variable = ${d.manualBoot ? 'yes' : 'no'}`, 'Standby CONFIG_FILE variable = ');
  }
  lines.push(`Configuration register is ${d.model.configRegister}`, '');
  return lines.join('\n');
}

export function showIpRouteSummary(d: IosxeDeviceState): string {
  const r = d.routes;
  const row = (src: string, nets: number, subnets: number) => `${pad(src, 16)}${pad(nets, 12)}${pad(subnets, 12)}${pad(0, 12)}${pad(subnets * 96, 12)}${subnets * 288}`;
  const lines = ['IP routing table name is default (0x0)', 'IP routing table maximum-paths is 32',
    'Route Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)',
    row('connected', 0, r.connected), row('static', 0, r.static), row('application', 0, 0), row('ospf 1', 0, r.ospf),
    '  Intra-area: ' + Math.round(r.ospf * 0.7) + ' Inter-area: ' + (r.ospf - Math.round(r.ospf * 0.7)) + ' External-1: 0 External-2: 0', '  NSSA External-1: 0 NSSA External-2: 0'];
  if (r.bgp > 0) lines.push(row('bgp 65010', 0, r.bgp), `  External: ${r.bgp} Internal: 0 Local: 0`);
  const total = r.connected + r.static + r.ospf + r.bgp;
  lines.push(`internal        7                                               3360`, `Total           ${pad(0, 12)}${pad(total, 12)}0           ${total * 96}       ${total * 288 + 3360}`);
  return lines.join('\n') + '\n';
}

export function showIpArp(d: IosxeDeviceState): string {
  const lines = ['Protocol  Address          Age (min)  Hardware Addr   Type   Interface'];
  for (let i = 0; i < d.arpCount; i++) {
    const mac = `0050.56${(i >> 8).toString(16).padStart(2, '0')}.${(i & 255).toString(16).padStart(2, '0')}${(i % 7).toString(16)}${(i % 5).toString(16)}`;
    lines.push(`Internet  ${pad(`10.100.${i >> 8}.${(i & 255) + 1}`, 17)}${pad(i === 0 ? '-' : i % 240, 11)}${mac}  ARPA   Vlan100`);
  }
  return lines.join('\n') + '\n';
}

export function showIpBgpSummary(d: IosxeDeviceState): string {
  if (d.bgp.length === 0) return '% BGP not active\n';
  const lines = ['BGP router identifier 10.254.0.1, local AS number 65010', 'BGP table version is 4211, main routing table version 4211',
    `${d.routes.bgp} network entries using ${d.routes.bgp * 248} bytes of memory`, '', 'Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd'];
  for (const n of d.bgp) {
    const state = n.state === 'Established' ? lpad(n.prefixes, 12) : ` ${n.state}`;
    lines.push(`${pad(n.address, 15)} 4 ${lpad(n.asn, 12)}  ${lpad(1200 + n.prefixes, 6)}  ${lpad(1100 + n.prefixes, 6)}     4211    0    0 ${pad(n.state === 'Established' ? '3w2d' : 'never', 8)}${state}`);
  }
  return lines.join('\n') + '\n';
}

export function showIpOspfNeighbor(d: IosxeDeviceState): string {
  const lines = ['', 'Neighbor ID     Pri   State           Dead Time   Address         Interface'];
  for (const n of d.ospf) lines.push(`${pad(n.routerId, 15)}   1   ${pad(n.state, 15)} 00:00:3${n.routerId.length % 10}    ${pad(n.address, 15)} ${n.iface}`);
  return lines.join('\n') + '\n';
}

export function showIpInterfaceBrief(d: IosxeDeviceState): string {
  const lines = ['Interface              IP-Address      OK? Method Status                Protocol'];
  for (const i of d.interfaces) lines.push(`${pad(i.name, 23)}${pad(i.address, 16)}YES ${pad(i.address === 'unassigned' ? 'unset' : 'NVRAM', 7)}${pad(i.status, 22)}${i.protocol}`);
  return lines.join('\n') + '\n';
}

export function showProcessesCpu(d: IosxeDeviceState): string {
  const c = d.cpu5;
  return [`CPU utilization for five seconds: ${c + 1}%/0%; one minute: ${c}%; five minutes: ${c}%`,
    ' PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process',
    '   1           9          31        290  0.00%  0.00%  0.00%   0 Chunk Manager',
    '   2       11284      173521         65  0.00%  0.00%  0.00%   0 Load Meter', ''].join('\n');
}

/** `14:03:42 UTC Wed Mar 3 2021 by netops`, as the configuration header prints a change or a save. */
function changeStamp(c: ConfigStamp): string {
  const t = c.at.toUTCString(); // "Wed, 03 Mar 2021 14:03:42 GMT"
  const [dow, dd, mon, yyyy, time] = t.replace(',', '').split(' ');
  return `${time} UTC ${dow} ${mon} ${Number(dd)} ${yyyy} by ${c.by}`;
}

/** The comment lines IOS puts at the top of the configuration: when it changed and when it was saved. */
function configHeader(d: IosxeDeviceState, saved: boolean): string[] {
  const change = saved ? d.savedChange : d.lastChange;
  return ['!', change ? `! Last configuration change at ${changeStamp(change)}` : '! No configuration change since last restart',
    `! NVRAM config last updated at ${changeStamp(d.nvramSaved)}`];
}

/** A secret of the device's own configuration, fixed per device (tests look for it in what upshift writes). */
export function deviceSecret(d: IosxeDeviceState, what: 'tacacs' | 'snmp'): string {
  return what === 'tacacs' ? `0${d.serial.length}${Buffer.from(d.serial).toString('hex').toUpperCase().slice(0, 18)}` : `lab-${d.serial.slice(-6).toLowerCase()}-ro`;
}

export function showRunningConfig(d: IosxeDeviceState, which: 'running' | 'startup' = 'running'): string {
  const saved = which === 'startup';
  const boot = saved ? d.bootSaved : d.bootConfig;
  const scp = saved ? d.scpServerSaved : d.scpServer;
  const body = [
    ...configHeader(d, saved),
    '!', `version ${d.version.split('.').slice(0, 2).join('.')}`, 'service timestamps debug datetime msec', 'service timestamps log datetime msec',
    'service password-encryption', '!', `hostname ${d.hostname}`, '!', 'boot-start-marker',
    ...boot.map((b) => (d.model.redundancy === 'stack' && b.endsWith('.bin') ? `boot system switch all ${b}` : `boot system ${b}`)),
    // The device's own secrets, as real configurations carry them (a reversible type 7 key, an SNMP community).
    'boot-end-marker', '!', 'enable secret 9 $9$lab$REDACTED', '!', 'aaa new-model', '!', 'ip domain name lab.example.net',
    `tacacs server lab-aaa`, ' address ipv4 192.0.2.49', ` key 7 ${deviceSecret(d, 'tacacs')}`, '!', `snmp-server community ${deviceSecret(d, 'snmp')} RO`, '!',
    // A login banner as many fleets carry one: a configuration line may start with %.
    'banner login ^C', '% Authorized access only: activity is logged %', '^C', '!',
    ...(scp ? ['ip scp server enable'] : []), 'ip ssh version 2', '!',
    `logging buffered ${saved ? d.loggingBufferedSaved : d.loggingBuffered}`, '!',
    ...d.interfaces.slice(0, 4).flatMap((i) => [`interface ${i.name}`, i.address === 'unassigned' ? ' no ip address' : ` ip address ${i.address} 255.255.255.0`, '!']),
    'router ospf 1', ' router-id 10.254.0.1', '!', 'line vty 0 15', ' transport input ssh', '!', 'end', '',
  ];
  return ['Building configuration...', '', `Current configuration : ${body.join('\n').length} bytes`, ...body].join('\n');
}

export function showFileSystems(d: IosxeDeviceState): string {
  return ['File Systems:', '', '       Size(b)       Free(b)      Type  Flags  Prefixes',
    `*  ${lpad(d.model.flashTotal, 12)}  ${lpad(d.freeBytes(), 12)}      disk     rw   ${d.fs}`,
    '       2097152       2057602     nvram     rw   nvram:', '             -             -   network     rw   http:', '             -             -   network     rw   scp:', ''].join('\n');
}
