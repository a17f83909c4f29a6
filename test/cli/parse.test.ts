import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/workbooks.js';

const OUTPUT = `Cisco IOS XE Software, Version 17.09.05
Cisco IOS Software [Cupertino], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.5, RELEASE SOFTWARE (fc1)
br-1 uptime is 3 hours, 4 minutes
System image file is "bootflash:isr4400-universalk9.17.09.05.SPA.bin"
cisco ISR4451-X/K9 (2RU) processor with 7851215K/6147K bytes of memory.
Processor board ID FLM2206W0PT
Configuration register is 0x2102
`;

describe('upshift parse', () => {
  it('prints the parsed result as JSON from a file and from stdin', async () => {
    const file = join(tempDir(), 'v.txt');
    writeFileSync(file, OUTPUT);
    const r = await runCli(['parse', '--platform', 'iosxe', '--command', 'show version', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ hostname: 'br-1', version: '17.9.5', bootMode: 'bundle', model: 'ISR4451-X/K9', uptimeSeconds: 3 * 3600 + 240, switches: [] });
    const s = await runCli(['parse', '--platform', 'iosxe', '--command', 'show ip arp'], { input: 'Protocol  Address  Age (min)  Hardware Addr  Type  Interface\nInternet  10.0.0.1  -  aaaa.bbbb.cccc  ARPA  Gi0/0/0\n' });
    expect(JSON.parse(s.stdout)).toEqual({ entries: [{ address: '10.0.0.1', mac: 'aaaa.bbbb.cccc', interface: 'Gi0/0/0' }] });
  });

  it('exits 2 naming the command and the first unreadable line, or the missing parser', async () => {
    const r = await runCli(['parse', '--platform', 'iosxe', '--command', 'show ip ospf neighbor'], { input: 'Neighbor ID     Pri   State\ngarbage here\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('upshift: parse: show ip ospf neighbor: cannot read line "garbage here"');
    const none = await runCli(['parse', '--platform', 'iosxe', '--command', 'show clock'], { input: 'x' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no parser for "show clock"');
    const platform = await runCli(['parse', '--platform', 'nxos', '--command', 'show version'], { input: 'x' });
    expect(platform.code).toBe(2);
  });
});
