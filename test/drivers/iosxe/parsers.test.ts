// IOS-XE parsers on outputs of the project's own making (the fixtures under
// ../shared are someone else's data and are only read by conformance.test.ts).
import { describe, expect, it } from 'vitest';
import { parseShowVersion } from '../../../src/drivers/iosxe/parsers/version.js';
import { parseDir } from '../../../src/drivers/iosxe/parsers/dir.js';
import { parseInstallSummary } from '../../../src/drivers/iosxe/parsers/install.js';
import { parseShowBoot } from '../../../src/drivers/iosxe/parsers/boot.js';
import { parseRedundancy } from '../../../src/drivers/iosxe/parsers/redundancy.js';
import { parseShowSwitch } from '../../../src/drivers/iosxe/parsers/switch.js';
import { parseArp, parseBgpSummary, parseInterfaceBrief, parseOspfNeighbors, parseRouteSummary } from '../../../src/drivers/iosxe/parsers/tables.js';
import { parseCpu, parseVerify } from '../../../src/drivers/iosxe/parsers/misc.js';
import { parseIosxe, ParseError } from '../../../src/drivers/iosxe/parsers/index.js';

const C8000V_1715 = `Cisco IOS XE Software, Version 17.15.01a
Cisco IOS Software [IOSXE], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.15.1a, RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport

edge-7 uptime is 2 days, 22 minutes
Uptime for this control processor is 2 days, 25 minutes
System returned to ROM by reload
System image file is "bootflash:packages.conf"
Last reload reason: Reload Command

cisco C8000V (VXE) processor (revision VXE) with 1987654K/3075K bytes of memory.
Processor board ID 9E42BIFKVLR
Router operating mode: Autonomous
Configuration register is 0x2102
`;

const C9407 = `Cisco IOS XE Software, Version 17.09.04a
Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)
dist-1 uptime is 1 year, 2 weeks, 3 hours, 1 minute
System returned to ROM by Install  at 02:11:31 UTC Mon Jan 8 2024
System image file is "bootflash:packages.conf"
Last reload reason: Install 
cisco C9407R (X86) processor (revision V01) with 3752727K/6147K bytes of memory.
Processor board ID FXS2234Q1AB
Configuration register is 0x102
`;

const C9800 = `Cisco IOS XE Software, Version 17.09.05
Cisco IOS Software [Cupertino], C9800-CL Software (C9800-CL-K9_IOSXE), Version 17.9.5, RELEASE SOFTWARE (fc1)
wlc1 uptime is 5 minutes
System image file is "bootflash:C9800-CL-universalk9.17.09.05.SPA.bin"
Installation mode is BUNDLE
cisco C9800-CL-K9 (VXE) processor (revision VXE) with 2000000K/3075K bytes of memory.
Processor board ID 9X1ABCDEFGH
`;

describe('show version', () => {
  it('reads 17.15 [IOSXE] routers without a switch table', () => {
    expect(parseShowVersion(C8000V_1715)).toEqual({
      hostname: 'edge-7', version: '17.15.1a', image: 'bootflash:packages.conf', bootMode: 'install', model: 'C8000V', serial: '9E42BIFKVLR',
      uptime: '2 days, 22 minutes', uptimeSeconds: 2 * 86_400 + 22 * 60, configRegister: '0x2102', lastReloadReason: 'Reload Command', switches: [],
    });
  });

  it('reads a C9407R chassis (no switch table) and keeps the reload reason without its trailing space', () => {
    const v = parseShowVersion(C9407);
    expect(v).toMatchObject({ version: '17.9.4a', bootMode: 'install', model: 'C9407R', lastReloadReason: 'Install', uptimeSeconds: 31_536_000 + 2 * 604_800 + 3 * 3600 + 60 });
  });

  it('reads the C9800 "Installation mode is BUNDLE" line', () => {
    expect(parseShowVersion(C9800)).toMatchObject({ bootMode: 'bundle', model: 'C9800-CL-K9', version: '17.9.5' });
  });

  it('reads stack members, zero-padded versions, modes and serials from the Cat9k table', () => {
    const out = `Cisco IOS XE Software, Version 17.06.05
Cisco IOS Software [Bengaluru], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.6.5, RELEASE SOFTWARE (fc2)
acc-9 uptime is 0 minutes
System image file is "flash:packages.conf"
cisco C9300-48P (X86) processor with 1419496K/6147K bytes of memory.
Processor board ID FOC1234X0AB
Model Number                       : C9300-48P
System Serial Number               : FOC1234X0AB

Switch Ports Model              SW Version        SW Image              Mode
------ ----- -----              ----------        ----------            ----
*    1 65    C9300-48P          17.06.05          CAT9K_IOSXE           INSTALL
     2 65    C9300-48P          17.09.05          CAT9K_IOSXE           INSTALL

Switch 02
---------
Switch uptime                      : 0 minutes
Model Number                       : C9300-48P
System Serial Number               : FOC9999Z0ZZ
`;
    const v = parseShowVersion(out);
    expect(v.uptimeSeconds).toBe(0);
    expect(v.switches).toEqual([
      { number: 1, model: 'C9300-48P', serial: 'FOC1234X0AB', version: '17.6.5', mode: 'install' },
      { number: 2, model: 'C9300-48P', serial: 'FOC9999Z0ZZ', version: '17.9.5', mode: 'install' },
    ]);
  });

  it('fails on output that is not show version, naming the command and the first line', () => {
    expect(() => parseShowVersion('% Invalid input detected at \'^\' marker.\n')).toThrow(ParseError);
    expect(() => parseShowVersion('% Invalid input detected at \'^\' marker.\n')).toThrow(`show version: no "Version" line; first line "% Invalid input detected at '^' marker."`);
  });
});

describe('dir, install summary, boot, redundancy, switch', () => {
  it('reads dir with a show bootflash style trailer, and refuses an unknown row', () => {
    const d = parseDir(`Directory of bootflash:/

   12  -rw-        450975228  Jan 30 2024 10:11:12 +00:00  isr4400-universalk9.17.09.05.SPA.bin
   13  drwx             4096  Jan 30 2024 10:11:12 +00:00  core

7340032000 bytes available (495616000 bytes used)
`, 'dir bootflash:');
    expect(d).toEqual({ filesystem: 'bootflash:', totalBytes: 7_835_648_000, freeBytes: 7_340_032_000, files: [
      { name: 'isr4400-universalk9.17.09.05.SPA.bin', size: 450_975_228, isDirectory: false }, { name: 'core', size: 4096, isDirectory: true }] });
    expect(() => parseDir('Directory of flash:/\n\nsomething odd\n\n1 bytes total (1 bytes free)\n', 'dir flash:')).toThrow('dir flash:: cannot read line "something odd"');
  });

  it('reads install summary blocks of stack members in different states', () => {
    const s = parseInstallSummary(`[ Switch 1 2 ] Installed Package(s) Information:
State (St): I - Inactive, U - Activated & Uncommitted,
            C - Activated & Committed, D - Deactivated & Uncommitted
--------------------------------------------------------------------------------
Type  St   Filename/Version
--------------------------------------------------------------------------------
IMG   C    17.06.05.0.4580

[ Switch 3 ] Installed Package(s) Information:
State (St): I - Inactive, U - Activated & Uncommitted,
            C - Activated & Committed, D - Deactivated & Uncommitted
--------------------------------------------------------------------------------
Type  St   Filename/Version
--------------------------------------------------------------------------------
IMG   U    17.09.05.0.1582

--------------------------------------------------------------------------------
Auto abort timer: active on install_activate, time before rollback - 01:49:42
--------------------------------------------------------------------------------
`);
    expect(s).toEqual({
      packages: [{ type: 'IMG', state: 'C', version: '17.6.5.0.4580', location: 'Switch 1 2' }, { type: 'IMG', state: 'U', version: '17.9.5.0.1582', location: 'Switch 3' }],
      autoAbortTimer: 'active on install_activate, time before rollback - 01:49:42',
      uncommitted: true,
    });
  });

  it('reads the boot variable of routers (",12" suffix), chassis switches and per-switch blocks', () => {
    expect(parseShowBoot('BOOT variable = bootflash:asr1001x-universalk9.17.09.05.SPA.bin,12;bootflash:old.bin,12;\nCONFIG_FILE variable = \nBOOTLDR variable does not exist\nConfiguration register is 0x2102\n'))
      .toEqual({ bootVariable: ['bootflash:asr1001x-universalk9.17.09.05.SPA.bin', 'bootflash:old.bin'], configRegister: '0x2102', manualBoot: null, members: [] });
    const stack = parseShowBoot(`---------------------------
Switch 1
---------------------------
Current Boot Variables:
BOOT variable does not exist

Boot Variables on next reload:
BOOT variable = flash:packages.conf;
Manual Boot = no
---------------------------
Switch 2
---------------------------
Current Boot Variables:
BOOT variable = flash:cat9k_iosxe.17.06.05.SPA.bin;

Boot Variables on next reload:
BOOT variable = flash:cat9k_iosxe.17.06.05.SPA.bin;
Manual Boot = yes
`);
    expect(stack.bootVariable).toEqual(['flash:packages.conf']);
    expect(stack.manualBoot).toBe(false);
    expect(stack.members).toEqual([{ number: 1, bootVariable: ['flash:packages.conf'] }, { number: 2, bootVariable: ['flash:cat9k_iosxe.17.06.05.SPA.bin'] }]);
  });

  it('reads redundancy with the peer disabled, and switch members in V-Mismatch', () => {
    expect(parseRedundancy(`Redundant System Information :
       Available system uptime = 2 weeks
Switchovers system experienced = 3
                 Hardware Mode = Duplex
    Configured Redundancy Mode = sso
     Operating Redundancy Mode = rpr
Current Processor Information :
        Current Software state = ACTIVE
Peer (slot: 7) information is not available because it is in 'DISABLED' state
`)).toEqual({ configuredMode: 'sso', operatingMode: 'rpr', peerState: 'DISABLED', switchovers: 3, localState: 'ACTIVE', hardwareMode: 'Duplex', localVersion: null, peerVersion: null });
    expect(parseShowSwitch(`Switch/Stack Mac Address : 04bd.9715.5140 - Local Mac Address
                                             H/W   Current
Switch#   Role    Mac Address     Priority Version  State
-------------------------------------------------------------------------------------
*1       Active   04bd.9715.5140     15     V02     Ready
 2       Member   04bd.977f.f400     1              V-Mismatch
`).members).toEqual([
      { number: 1, role: 'Active', mac: '04bd.9715.5140', priority: 15, state: 'Ready' },
      { number: 2, role: 'Member', mac: '04bd.977f.f400', priority: 1, state: 'V-Mismatch' },
    ]);
  });
});

describe('routing tables and small outputs', () => {
  it('sums networks and subnets per source and reads the total', () => {
    const r = parseRouteSummary(`IP routing table name is default (0x0)
Route Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)
connected       0           12          0           1152        3456
static          1           2           0           288         864
ospf 1          0           40          0           3840        11520
  Intra-area: 28 Inter-area: 12 External-1: 0 External-2: 0
bgp 65010       4           300         0           28800       86400
  External: 304 Internal: 0 Local: 0
internal        7                                               3360
Total           5           354         0           34080       105600
`);
    expect(r).toEqual({ total: 359, bySource: { connected: 12, static: 3, 'ospf 1': 40, 'bgp 65010': 304 } });
  });

  it('reads BGP states and wrapped IPv6 neighbours, and says when BGP is not running', () => {
    const b = parseBgpSummary(`BGP router identifier 10.0.0.1, local AS number 65010
Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd
10.255.1.1      4        65001    1200    1100     4211    0    0 3w2d            120
10.255.1.5      4        65002       0       0        1    0    0 never    Idle (Admin)
2001:DB8:0:1::1
                4        65003     100     100     4211    0    0 01:02:03          7
`);
    expect(b.neighbors).toEqual([
      { address: '10.255.1.1', asn: '65001', state: 'Established', prefixesReceived: 120, addressFamily: null },
      { address: '10.255.1.5', asn: '65002', state: 'Idle (Admin)', prefixesReceived: null, addressFamily: null },
      { address: '2001:DB8:0:1::1', asn: '65003', state: 'Established', prefixesReceived: 7, addressFamily: null },
    ]);
    expect(parseBgpSummary('% BGP not active\n').neighbors).toEqual([]);
  });

  it('reads ARP, OSPF and interfaces, refusing rows it cannot place', () => {
    expect(parseArp('Protocol  Address          Age (min)  Hardware Addr   Type   Interface\nInternet  10.1.1.1         -          0050.5600.0101  ARPA   Vlan100\nInternet  10.1.1.9         3          Incomplete      ARPA\n').entries)
      .toEqual([{ address: '10.1.1.1', mac: '0050.5600.0101', interface: 'Vlan100' }, { address: '10.1.1.9', mac: 'Incomplete', interface: null }]);
    expect(parseOspfNeighbors('Neighbor ID     Pri   State           Dead Time   Address         Interface\n10.0.0.9          1   2WAY/DROTHER    00:00:31    10.1.1.9        Vlan100\n').neighbors)
      .toEqual([{ routerId: '10.0.0.9', state: '2WAY/DROTHER', address: '10.1.1.9', interface: 'Vlan100' }]);
    expect(parseInterfaceBrief('Interface              IP-Address      OK? Method Status                Protocol\nGi1/0/5                unassigned      YES unset  administratively down down\n').interfaces)
      .toEqual([{ name: 'Gi1/0/5', address: null, status: 'administratively down', protocol: 'down' }]);
    expect(() => parseOspfNeighbors('Neighbor ID     Pri   State\n% OSPF: No router process\n')).toThrow('show ip ospf neighbor: cannot read line "% OSPF: No router process"');
  });

  it('reads CPU load and verify digests, including one wrapped at 80 columns', () => {
    expect(parseCpu('CPU utilization for five seconds: 4%/0%; one minute: 6%; five minutes: 95%\n PID Runtime(ms)\n')).toEqual({ fiveSeconds: 4, oneMinute: 6, fiveMinutes: 95 });
    const hash = 'ab'.repeat(64);
    expect(parseVerify(`....Done!\nverify /sha512 (bootflash:/x.bin) = ${hash.slice(0, 50)}\n${hash.slice(50)}\n`, 'sha512')).toBe(hash);
    expect(() => parseVerify('%Error opening flash:x.bin (No such file or directory)\n', 'md5')).toThrow('verify /md5: device reported line "%Error opening flash:x.bin (No such file or directory)"');
  });

  it('dispatches by command, abbreviations included, and returns null for commands it has no parser for', () => {
    expect(parseIosxe('sh ver', C8000V_1715)).toMatchObject({ hostname: 'edge-7' });
    expect(parseIosxe('show clock', '*10:00:00 UTC')).toBeNull();
  });
});
