// IOS-XE parsers: the shared pre-cleaning (echo, banner, prompt, timestamp
// header, syslog), command forms, errors and the unparsed count, on outputs of
// the project's own making. Whole outputs per command and variant are in
// own-fixtures.test.ts; the captured samples are read only by conformance.test.ts.
import { describe, expect, it } from 'vitest';
import { buildLabelOf, parseShowVersion } from '../../../src/drivers/iosxe/parsers/version.js';
import { readFileSync } from 'node:fs';
import { parseDir } from '../../../src/drivers/iosxe/parsers/dir.js';
import { parseRedundancy } from '../../../src/drivers/iosxe/parsers/redundancy.js';
import { parseShowBoot } from '../../../src/drivers/iosxe/parsers/boot.js';
import { parseArp, parseBgpSummary, parseInterfaceBrief, parseOspfNeighbors, parseRouteSummary } from '../../../src/drivers/iosxe/parsers/tables.js';
import { parseCpu, parseVerify } from '../../../src/drivers/iosxe/parsers/misc.js';
import { commandForm } from '../../../src/drivers/iosxe/parsers/commands.js';
import { parseIosxe, ParseError, unparsedLinesOf } from '../../../src/drivers/iosxe/parsers/index.js';

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


const ARP = `Protocol  Address          Age (min)  Hardware Addr   Type   Interface
Internet  10.1.1.1                -   0050.5600.0101  ARPA   Vlan100
Internet  10.1.1.9                3   0050.5600.0109  ARPA   Vlan100
`;
const ARP_ENTRIES = [{ address: '10.1.1.1', mac: '0050.5600.0101', interface: 'Vlan100' }, { address: '10.1.1.9', mac: '0050.5600.0109', interface: 'Vlan100' }];

describe('pre-cleaning shared by every parser', () => {
  it('skips syslog lines in every timestamp form, anywhere in the output, without counting them', () => {
    const forms = [
      '*Mar  1 00:00:07.123: %LINK-3-UPDOWN: Interface GigabitEthernet1/0/1, changed state to up',
      'Mar  1 00:00:07.123: %LINK-3-UPDOWN: Interface GigabitEthernet1/0/1, changed state to up',
      '.Mar  1 00:00:07: %LINEPROTO-5-UPDOWN: Line protocol on Interface Vlan100, changed state to up',
      'Mar  1 2024 00:00:07.123 UTC: %SYS-5-CONFIG_I: Configured from console by admin on vty0',
      '000123: *Mar  1 00:00:07.123: %OSPF-5-ADJCHG: Process 1, Nbr 10.0.0.9 on Vlan100 from LOADING to FULL',
      '000124: Mar  1 2024 00:00:07.123 CET: %BGP-5-ADJCHANGE: neighbor 10.0.0.9 Up',
      '1w2d: %PLATFORM_FEP-1-FRU_PS_ACCESS: Switch 1: power supply B is not responding',
      '00:01:12: %LINK-5-CHANGED: Interface Vlan1, changed state to administratively down',
      '%STACKMGR-6-SWITCH_ADDED: Switch 2 R0/0: stack_mgr: Switch 2 has been added to the stack.',
    ];
    const lines = ARP.trimEnd().split('\n');
    const noisy = [forms[0], lines[0], forms[1], forms[2], lines[1], forms[3], forms[4], forms[5], lines[2], forms[6], forms[7], forms[8]].join('\n');
    const r = parseArp(noisy);
    expect(r).toEqual({ entries: ARP_ENTRIES, unparsed: 0 });
  });

  it('skips the exec timestamp header, the echo (abbreviated, with or without host#), a banner and the trailing prompt', () => {
    const header = 'Load for five secs: 4%/0%; one minute: 5%; five minutes: 5%\nTime source is NTP, *10:01:38.517 UTC Mon Jun 3 2024\n\n';
    for (const echo of ['sw1#show ip arp', 'sw1# sh ip arp', 'sw1>sh ip arp', '#show ip arp', 'show ip arp', 'sw1(config)#do show ip arp']) {
      expect(parseArp(`${echo}\n${header}${ARP}sw1#\n`), echo).toEqual({ entries: ARP_ENTRIES, unparsed: 0 });
    }
    const banner = '**************************\n* Authorised access only *\n**************************\n\nsw1#terminal length 0\nsw1#show ip arp\n';
    expect(parseArp(`${banner}${ARP}sw1#`)).toEqual({ entries: ARP_ENTRIES, unparsed: 0 });
    expect(parseArp(`No time source, *00:04:12.101 UTC Mon Mar 1 1993\n${ARP}`)).toEqual({ entries: ARP_ENTRIES, unparsed: 0 });
  });

  it('reads CRLF, ANSI colour, pager artefacts and uniformly indented text', () => {
    const pager = ` --More-- ${'\b'.repeat(10)}          ${'\b'.repeat(10)}`;
    const paged = ARP.replace('Internet  10.1.1.9', `${pager}Internet  10.1.1.9`);
    expect(parseArp(paged.replace(/\n/g, '\r\n')).entries).toEqual(ARP_ENTRIES);
    expect(parseArp(`\x1b[0m${ARP}`).entries).toEqual(ARP_ENTRIES);
    const indented = ARP.split('\n').map((l) => (l ? `        ${l}` : l)).join('\n');
    expect(parseArp(indented).entries).toEqual(ARP_ENTRIES);
  });

  it('stops at the next prompt and counts what another command printed after it as unparsed', () => {
    const r = parseArp(`sw1#show ip arp\n${ARP}sw1#show clock\n*10:01:38.517 UTC Mon Jun 3 2024\nsw1#\n`);
    expect(r).toEqual({ entries: ARP_ENTRIES, unparsed: 2 });
    expect(unparsedLinesOf(r)).toEqual(['sw1#show clock', '*10:01:38.517 UTC Mon Jun 3 2024']);
  });

  it('counts unknown lines instead of failing, and keeps them for --verbose', () => {
    const r = parseOspfNeighbors('Neighbor ID     Pri   State           Dead Time   Address         Interface\nsomething new here\n10.0.0.9          1   2WAY/DROTHER    00:00:31    10.1.1.9        Vlan100\n');
    expect(r).toEqual({ neighbors: [{ routerId: '10.0.0.9', state: '2WAY/DROTHER', address: '10.1.1.9', interface: 'Vlan100' }], unparsed: 1 });
    expect(unparsedLinesOf(r)).toEqual(['something new here']);
    expect(JSON.stringify(r)).not.toContain('something new here');
  });
});

describe('errors only for output that is not the command\'s', () => {
  it('refuses an empty output, a refusal by the device and another command\'s echo, naming the command', () => {
    expect(() => parseArp('')).toThrow(new ParseError('show ip arp', 'the output is empty'));
    expect(() => parseArp('sw1#show ip arp\nsw1#\n')).toThrow('show ip arp: the output is empty');
    expect(() => parseShowVersion("sw1#show verison\n              ^\n% Invalid input detected at '^' marker.\n")).toThrow(
      'show version: the device refused the command: "% Invalid input detected at \'^\' marker."',
    );
    expect(() => parseIosxe('show ip route summary', `sw1#show ip arp\n${ARP}`)).toThrow('show ip route summary: this is the output of another command ("show ip arp")');
    expect(() => parseIosxe('dir flash:', '%Error opening flash:/x (No such file or directory)\n')).toThrow(ParseError);
  });

  it('refuses an output missing what the command always prints, quoting its first line', () => {
    expect(() => parseShowVersion('NAME: "Chassis", DESCR: "Cisco C8000V Chassis"\n')).toThrow(
      'show version: not the output of this command: no "Cisco IOS … Version" line (first line: "NAME: \\"Chassis\\", DESCR: \\"Cisco C8000V Chassis\\"")',
    );
    expect(() => parseDir('Directory of flash:/\n\n   12  -rw-   100  Jan 30 2024 10:11:12 +00:00  a.bin\n', 'dir flash:')).toThrow('dir flash:: not the output of this command: no "… bytes total (… bytes free)" line');
    expect(() => parseRouteSummary(ARP)).toThrow('show ip route summary: not the output of this command');
  });

  it('accepts what a filter (| include, | exclude) left, without the lines it always prints', () => {
    expect(parseIosxe('show ip interface brief | include Vlan', 'Vlan100                10.1.1.1        YES NVRAM  up                    up\n')).toEqual({
      interfaces: [{ name: 'Vlan100', address: '10.1.1.1', status: 'up', protocol: 'up' }], unparsed: 0,
    });
    expect(parseIosxe('show ip interface brief', 'sw1#sh ip int br | include Vlan\nVlan100                10.1.1.1        YES NVRAM  up                    up\n')).toMatchObject({ interfaces: [{ name: 'Vlan100' }] });
    expect(parseIosxe('show ip arp | include 10.9.9.9', '')).toEqual({ entries: [], unparsed: 0 });
    expect(() => parseIosxe('show ip arp', '')).toThrow(ParseError);
  });
});

describe('command forms', () => {
  it('recognises every form of the 12 commands, and not their other variants', () => {
    const forms: [string, string | null][] = [
      ['show version', 'show version'], ['sh ver', 'show version'], ['SHOW VERSION', 'show version'],
      ['dir', 'dir'], ['dir bootflash:', 'dir'], ['dir flash-2:', 'dir'], ['dir /all harddisk:', 'dir'], ['dir stby-bootflash:', 'dir'],
      ['sh inst sum', 'show install summary'], ['show install rollback', 'show install rollback'], ['sh inst ro', 'show install rollback'], ['show install rollback id 3', null],
      ['show redundancy', 'show redundancy'], ['sh red', 'show redundancy'],
      ['show switch', 'show switch'], ['show switch detail', 'show switch'], ['sh boot', 'show boot'], ['show bootvar', 'show boot'],
      ['show ip route summary', 'show ip route summary'], ['show ip route vrf CUST-A summary', 'show ip route summary'], ['sh ip ro sum', 'show ip route summary'],
      ['show ip arp', 'show ip arp'], ['show ip arp vrf MGMT', 'show ip arp'], ['show ip arp Gi1/0/1', 'show ip arp'], ['show arp', 'show ip arp'],
      ['show ip bgp summary', 'show ip bgp summary'], ['show bgp all summary', 'show ip bgp summary'], ['show ip bgp vpnv4 vrf CUST-A summary', 'show ip bgp summary'],
      ['show bgp ipv4 unicast summary', 'show ip bgp summary'],
      ['show ip ospf neighbor', 'show ip ospf neighbor'], ['show ip ospf 10 neighbor', 'show ip ospf neighbor'], ['show ip ospf neighbor Gi4', 'show ip ospf neighbor'],
      ['sh ip os nei', 'show ip ospf neighbor'], ['show ip interface brief', 'show ip interface brief'], ['sh ip int br', 'show ip interface brief'],
      ['show ip interface brief | exclude unassigned', 'show ip interface brief'],
      ['show ip arp summary', null], ['show ip ospf neighbor detail', null], ['show clock', null], ['show ip route', null], ['show ip route vrf X', null],
    ];
    for (const [line, id] of forms) expect(commandForm(line)?.id ?? null, line).toBe(id);
    expect(commandForm('show ip interface brief | exclude unassigned')?.filtered).toBe(true);
    expect(commandForm('show ip interface brief')?.filtered).toBe(false);
    expect(parseIosxe('show clock', '*10:00:00 UTC')).toBeNull();
  });
});

describe('show version', () => {
  it('reads 17.15 [IOSXE] routers without a switch table', () => {
    expect(parseShowVersion(C8000V_1715)).toEqual({
      hostname: 'edge-7', version: '17.15.1a', image: 'bootflash:packages.conf', bootMode: 'install', model: 'C8000V', serial: '9E42BIFKVLR',
      uptime: '2 days, 22 minutes', uptimeSeconds: 2 * 86_400 + 22 * 60, configRegister: '0x2102', lastReloadReason: 'Reload Command', switches: [], unparsed: 0,
    });
  });

  it('reads a C9407R chassis (no switch table) and keeps the reload reason without its trailing space', () => {
    const v = parseShowVersion(C9407);
    expect(v).toMatchObject({ version: '17.9.4a', bootMode: 'install', model: 'C9407R', lastReloadReason: 'Install', uptimeSeconds: 31_536_000 + 2 * 604_800 + 3 * 3600 + 60 });
  });

  it('reads the C9800 "Installation mode is BUNDLE" line', () => {
    expect(parseShowVersion(C9800)).toMatchObject({ bootMode: 'bundle', model: 'C9800-CL-K9', version: '17.9.5' });
  });

  it('takes an engineering build\'s release from the switch table, else leaves it null', () => {
    const banner = 'Cisco IOS XE Software, Version BLD_V1710_THROTTLE_LATEST_20221004_021544\nCisco IOS Software [Dublin], Catalyst L3 Switch Software (CAT9K_IOSXE), Experimental Version 17.10.20221004:023810 [BLD_V1710_THROTTLE_LATEST_20221004_021544:/nobackup/mcpre/s2c-build-ws 101]\nlab-1 uptime is 5 minutes\n';
    expect(parseShowVersion(banner).version).toBeNull();
    const table = 'Switch Ports Model              SW Version        SW Image              Mode\n------ ----- -----              ----------        ----------            ----\n*    1 41    C9300-24P          17.10.01          CAT9K_IOSXE           INSTALL\n';
    expect(parseShowVersion(`${banner}\n${table}`)).toMatchObject({ version: '17.10.1', bootMode: 'install' });
  });

  it('numbers the local switch as the one the member blocks leave out, and adds no member it cannot number', () => {
    const head = 'Cisco IOS XE Software, Version 17.12.03\nsvl-1 uptime is 1 hour, 2 minutes\ncisco C9500-48Y4C (X86) processor with 1867789K/6147K bytes of memory.\nProcessor board ID FDO11111111\n';
    const block = (title: string, serial: string) => `\n${title}\n---------\nModel Number                       : C9500-48Y4C\nSystem Serial Number               : ${serial}\n`;
    const local = 'Model Number                       : C9500-48Y4C\nSystem Serial Number               : FDO11111111\n';
    // Local switch 2: its block comes first, untitled; switch 1 has a titled block.
    expect(parseShowVersion(head + local + block('Switch 01', 'FDO22222222')).switches).toEqual([
      { number: 1, model: 'C9500-48Y4C', serial: 'FDO22222222', version: null, mode: null },
      { number: 2, model: 'C9500-48Y4C', serial: 'FDO11111111', version: null, mode: null },
    ]);
    // A first block whose serial is not the board ID, then titled blocks for both members: two members, not three.
    const other = local.replace('FDO11111111', 'FDO99999999');
    expect(parseShowVersion(head + other + block('Switch 01', 'FDO11111111') + block('Switch 02', 'FDO22222222')).switches.map((m) => [m.number, m.serial])).toEqual([
      [1, 'FDO11111111'], [2, 'FDO22222222'],
    ]);
  });
});

describe('show version: engineering and special builds', () => {
  const sample = (name: string) => readFileSync(new URL(`../../fixtures/iosxe/show_version/${name}.txt`, import.meta.url), 'utf8');
  it.each([
    ['c9606r-engineering-build-noise', 'BLD_V1712_THROTTLE_LATEST_20241104_031522', null],
    ['c9300-engineering-build-switch-table', 'BLD_POLARIS_DEV_LATEST_20230815_004412', '17.13.1'],
    ['asr1001x-special-build', 'V1712_3_SR70021882_1', '17.12.3'],
  ])('%s: the build label, with the banner lines, whether or not a release is found elsewhere', (name, label, version) => {
    const text = sample(name);
    expect(parseShowVersion(text).version).toBe(version);
    const b = buildLabelOf(text);
    expect(b?.label).toBe(label);
    expect(b?.banner).toMatch(new RegExp(`^Cisco IOS XE Software, Version ${label}\nCisco IOS Software \\[`));
  });

  it('a release build has none', () => {
    expect(buildLabelOf(sample('c8000v-17.15-banner-abbrev-syslog'))).toBeNull();
  });
});

describe('details of other parsers', () => {
  it('reads dir with a show bootflash style trailer (available/used)', () => {
    const d = parseDir(`Directory of bootflash:/

   12  -rw-        450975228  Jan 30 2024 10:11:12 +00:00  isr4400-universalk9.17.09.05.SPA.bin
   13  drwx             4096  Jan 30 2024 10:11:12 +00:00  core

7340032000 bytes available (495616000 bytes used)
`, 'dir bootflash:');
    expect(d).toEqual({ filesystem: 'bootflash:', totalBytes: 7_835_648_000, freeBytes: 7_340_032_000, files: [
      { name: 'isr4400-universalk9.17.09.05.SPA.bin', size: 450_975_228, isDirectory: false }, { name: 'core', size: 4096, isDirectory: true }], unparsed: 0 });
  });

  it('names the files of further "Directory of" sections (dir /recursive) by their path below the first', () => {
    const d = parseDir(`Directory of bootflash:/

   12  -rw-             6960  Jan 30 2024 10:11:12 +00:00  packages.conf
   13  drwx             4096  Jan 30 2024 10:11:12 +00:00  core

Directory of bootflash:/core

   21  -rw-           180224  Feb  2 2024 07:40:01 +00:00  iosd_core.gz

7340032000 bytes total (6844416000 bytes free)
`, 'dir /recursive bootflash:');
    expect(d.files.map((f) => f.name)).toEqual(['packages.conf', 'core', 'core/iosd_core.gz']);
    expect(d).toMatchObject({ filesystem: 'bootflash:', totalBytes: 7_340_032_000, freeBytes: 6_844_416_000, unparsed: 0 });
  });

  it('leaves a redundancy image version null when the line wrap cut it', () => {
    const r = parseRedundancy(`Configured Redundancy Mode = sso
Operating Redundancy Mode = sso
Current Processor Information :
        Current Software state = ACTIVE
                 Image Version = Cisco Internetwork Operating System Software
 IOS (tm) Catalyst 4000 L3 Switch Software (cat4000-I9S-M), Version 12.2(31)SGA(1
 .22), RELEASE SOFTWARE
                          BOOT = bootflash:cat4000.bin,1
`);
    expect(r.localVersion).toBeNull();
    expect(r.unparsed).toBe(0);
  });

  it('reads the boot variable of routers with their ",12" boot-attempt suffix', () => {
    expect(parseShowBoot('BOOT variable = bootflash:asr1001x-universalk9.17.09.05.SPA.bin,12;bootflash:old.bin,12;\nCONFIG_FILE variable = \nBOOTLDR variable does not exist\nConfiguration register is 0x2102\n'))
      .toEqual({ bootVariable: ['bootflash:asr1001x-universalk9.17.09.05.SPA.bin', 'bootflash:old.bin'], configRegister: '0x2102', manualBoot: null, members: [], unparsed: 0 });
  });

  it("tells a numeric route-source tag from a count by the header's columns", () => {
    const r = parseRouteSummary('Route Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)\nisis            0           24          0           2304        7296\nospf 100        0           3           0           288         912\nTotal           0           27          0           2592        8208\n');
    expect(r).toEqual({ total: 27, bySource: { isis: 24, 'ospf 100': 3 }, unparsed: 0 });
  });

  it('reads BGP states, wrapped IPv6 neighbours, and BGP not running', () => {
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
    expect(parseBgpSummary('% BGP not active\n')).toEqual({ neighbors: [], unparsed: 0 });
  });

  it('reads interfaces whose status is two words', () => {
    expect(parseInterfaceBrief('Interface              IP-Address      OK? Method Status                Protocol\nGi1/0/5                unassigned      YES unset  administratively down down\n').interfaces)
      .toEqual([{ name: 'Gi1/0/5', address: null, status: 'administratively down', protocol: 'down' }]);
  });

  it('reads CPU load and verify digests, including one wrapped at 80 columns', () => {
    expect(parseCpu('CPU utilization for five seconds: 4%/0%; one minute: 6%; five minutes: 95%\n PID Runtime(ms)\n')).toEqual({ fiveSeconds: 4, oneMinute: 6, fiveMinutes: 95 });
    const hash = 'ab'.repeat(64);
    expect(parseVerify(`....Done!\nverify /sha512 (bootflash:/x.bin) = ${hash.slice(0, 50)}\n${hash.slice(50)}\n`, 'sha512')).toBe(hash);
    expect(() => parseVerify('%Error opening flash:x.bin (No such file or directory)\n', 'md5')).toThrow('verify /md5: the device reported an error (first line: "%Error opening flash:x.bin (No such file or directory)")');
  });
});
