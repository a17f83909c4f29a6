import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/workbooks.js';

// A captured session: banner, echo of an abbreviated command, timestamp header,
// a syslog message in the middle, a line upshift does not know, the prompt after.
const NOISY = `****************************************
*  Authorised access only              *
****************************************

br-1#sh ver
Load for five secs: 3%/0%; one minute: 4%; five minutes: 4%
Time source is NTP, 10:12:01.337 UTC Tue Jun 4 2024

Cisco IOS XE Software, Version 17.09.05
Cisco IOS Software [Cupertino], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.5, RELEASE SOFTWARE (fc1)
br-1 uptime is 3 hours, 4 minutes
*Jun  4 10:12:01.402: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 10.0.0.5] [localport: 22]
System image file is "bootflash:isr4400-universalk9.17.09.05.SPA.bin"
Boot posture: verified
cisco ISR4451-X/K9 (2RU) processor with 7851215K/6147K bytes of memory.
Processor board ID FLM2206W0PT
Configuration register is 0x2102

br-1#
`;

describe('upshift parse', () => {
  it('prints the parse of a noisy capture as JSON, counting the one unknown line; --verbose lists it', async () => {
    const file = join(tempDir(), 'v.txt');
    writeFileSync(file, NOISY);
    const r = await runCli(['parse', '--platform', 'iosxe', '--command', 'sh ver', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      hostname: 'br-1', version: '17.9.5', image: 'bootflash:isr4400-universalk9.17.09.05.SPA.bin', bootMode: 'bundle', model: 'ISR4451-X/K9',
      serial: 'FLM2206W0PT', uptime: '3 hours, 4 minutes', uptimeSeconds: 3 * 3600 + 240, configRegister: '0x2102', lastReloadReason: null, switches: [], unparsed: 1,
    });
    const v = await runCli(['parse', '--platform', 'iosxe', '--command', 'show version', '--verbose', file]);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ unparsed: 1, unparsedLines: ['Boot posture: verified'] });
  });

  it('reads standard input and the forms of a command (vrf)', async () => {
    const s = await runCli(['parse', '--platform', 'iosxe', '--command', 'show ip route vrf CUST-A summary'], {
      input: 'pe-1#show ip route vrf CUST-A summary\nIP routing table name is CUST-A (0x2)\nRoute Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)\nconnected       0           2           0           192         624\nbgp 65010       3           9           0           1152        3744\ninternal        1                                               468\nTotal           4           11          0           1344        4836\npe-1#\n',
    });
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toEqual({ total: 15, bySource: { connected: 2, 'bgp 65010': 12 }, unparsed: 0 });
  });

  it('exits 2 naming the command and what is wrong: a refusal, another command, an empty output, no parser', async () => {
    const refused = await runCli(['parse', '--platform', 'iosxe', '--command', 'show ip ospf neighbor'], { input: "sw1#show ip ospf neighbor\n                    ^\n% Invalid input detected at '^' marker.\n" });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('upshift: parse: show ip ospf neighbor: the device refused the command: "% Invalid input detected at \'^\' marker."');
    const other = await runCli(['parse', '--platform', 'iosxe', '--command', 'show version'], { input: 'sw1#show inventory\nNAME: "Switch 1", DESCR: "C9300-48P"\n' });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('show version: this is the output of another command ("show inventory")');
    const empty = await runCli(['parse', '--platform', 'iosxe', '--command', 'dir bootflash:'], { input: '\n\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('dir bootflash:: the output is empty');
    expect(empty.stdout).toBe('');
    const none = await runCli(['parse', '--platform', 'iosxe', '--command', 'show clock'], { input: 'x' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no parser for "show clock"');
    const platform = await runCli(['parse', '--platform', 'nxos', '--command', 'show version'], { input: 'x' });
    expect(platform.code).toBe(2);
  });
});
