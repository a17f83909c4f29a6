// What a real vty shows besides command output, on the simulated device:
// log messages with `terminal monitor` (anywhere, with or without the
// prompt printed again), the exec timestamp header, and a hung command.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Lab } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';

const spec = (hostname: string, kind: string, faults: string[], extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults, site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50, imageSize: 256 * 1024,
    fleet: [spec('log1', 'cat9300', ['syslog']), spec('log2', 'cat9300', ['syslog-sticky']), spec('log16', 'cat9300', ['syslog'], { version: '16.12.4' }),
      spec('quiet1', 'cat9300', []), spec('ts1', 'isr4451', ['timestamps']), spec('hang1', 'cat9300', ['hung']), spec('inst1', 'c8000v', ['syslog']),
      spec('glue1', 'cat9300', ['syslog']), spec('glue2', 'c8000v', ['syslog'])],
  });
});
afterAll(async () => lab?.stop());
// Messages only where a test asks for them, so that each output below is what the test expects.
beforeEach(() => {
  for (const h of ['log1', 'log2', 'log16', 'quiet1', 'inst1']) lab.device(h).state.syslog = { everyMs: 3_600_000, afterPrompt: 0, afterPromptLater: 0.5, betweenLines: 0, reprint: 0, glued: false };
  for (const h of ['glue1', 'glue2']) lab.device(h).state.syslog = { everyMs: 3_600_000, afterPrompt: 0, afterPromptLater: 0.5, betweenLines: 0, reprint: 0, glued: true };
});

async function shell(host: string): Promise<TestShell> {
  const s = await TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
  await enable(s, host, lab.credentials.enable);
  return s;
}

const LOG_17 = /(\d{6}: |\.)?[A-Z][a-z]{2} [ \d]\d( \d{4})? \d\d:\d\d:\d\d\.\d{3} UTC: %LINK-3-UPDOWN: Interface GigabitEthernet1\/0\/7, changed state to down/;

describe('IOS-XE lab: terminal monitor', () => {
  it('prints a message right after the prompt without printing the prompt again; the command typed next echoes on the line below', async () => {
    const s = await shell('log1');
    lab.device('log1').log('LINK-3-UPDOWN', 'Interface GigabitEthernet1/0/7, changed state to down');
    const after = await s.waitFor(/changed state to down\r\n$/);
    expect(after).toMatch(new RegExp(`^\\r\\n${LOG_17.source}\\r\\n$`));
    const out = await s.cmd('show clock', promptOf('log1'));
    expect(out).toMatch(/^show clock\r\n\*?\d\d:\d\d:\d\d\.\d{3} UTC/);
    s.end();
  });

  it('with reprint, prints the prompt and the partly typed line again after the message', async () => {
    const s = await shell('log1');
    lab.device('log1').state.syslog.reprint = 1;
    s.send('show cl');
    await s.waitFor(/show cl$/);
    lab.device('log1').log('LINK-3-UPDOWN', 'Interface GigabitEthernet1/0/7, changed state to down');
    expect(await s.waitFor(/log1#show cl$/)).toMatch(new RegExp(`^\\r\\n${LOG_17.source}\\r\\nlog1#show cl$`));
    s.send('ock\n');
    expect(await s.waitFor(promptOf('log1'))).toMatch(/^ock\r\n\*?\d\d:\d\d:\d\d/);
    s.end();
  });

  it('puts messages between the lines of an output', async () => {
    const dev = lab.device('log1');
    const s = await shell('log1');
    dev.state.syslog.betweenLines = 1;
    const lines = (await s.cmd('show ip interface brief', promptOf('log1'))).split('\r\n');
    dev.state.syslog.betweenLines = 0;
    const at = lines.findIndex((l) => /: %[A-Z_]+-\d-[A-Z_]+: /.test(l));
    // Between two lines of the table: the header above it, an interface row below it.
    expect(lines.slice(1, Math.max(1, at)).some((l) => /^Interface\s+IP-Address/.test(l))).toBe(true);
    expect(lines.slice(at + 1).some((l) => /^(GigabitEthernet|Loopback|Vlan)\S*\s+\S+\s+YES/.test(l))).toBe(true);
    s.end();
  });

  it('sends messages of its own: right after a prompt, and at any moment', async () => {
    const dev = lab.device('log1');
    const s = await shell('log1');
    dev.state.syslog.afterPrompt = 1;
    expect(await s.cmd('show clock', /\r\nlog1#\r\n[^\r]*: %[A-Z_]+-\d-[A-Z_]+: [^\r]*\r\n$/)).toMatch(/UTC/);
    dev.state.syslog.afterPrompt = 0;
    s.end();
    dev.state.syslog.everyMs = 1_000;
    const idle = await TestShell.open(dev.port, lab.credentials.username, lab.credentials.password);
    await idle.waitFor(/: %[A-Z_]+-\d-[A-Z0-9_]+: [^\r]*\r\n/, 5_000);
    dev.state.syslog.everyMs = 3_600_000;
    idle.end();
  });

  it('formats 16.x messages with the never-set clock: a star, 1 March 1993 plus the uptime, no zone', async () => {
    const dev = lab.device('log16');
    const s = await shell('log16');
    dev.log('LINK-3-UPDOWN', 'Interface GigabitEthernet1/0/7, changed state to down');
    const m = /\r\n\*([A-Z][a-z]{2}) ([ \d]\d) \d\d:\d\d:\d\d\.\d{3}: %LINK-3-UPDOWN: /.exec(await s.waitFor(/changed state to down\r\n$/));
    const clock = new Date(Date.UTC(1993, 2, 1) + dev.state.uptimeMs());
    expect(m?.slice(1, 3)).toEqual([clock.toUTCString().slice(8, 11), String(clock.getUTCDate()).padStart(2, ' ')]);
    s.end();
  });

  it('at a question, the message ends without a line break and the answer echoes after it', async () => {
    const dev = lab.device('inst1');
    const img = lab.images().find((i) => i.file.startsWith(dev.state.model.imagePrefix))!;
    dev.storeFile(img.file, img.bytes);
    const s = await shell('inst1');
    s.send(`install add file bootflash:${img.file} activate\n`);
    const q = await s.waitFor(/Do you want to proceed\? \[y\/n\]\r\n[^\r]*: %INSTALL-5-INSTALL_START_INFO: R0\/0: install_engine: Started install activate NONE$/, 20_000);
    expect(q).toContain('Following packages shall be activated:');
    s.send('y\n');
    await s.waitFor(/--- Starting Activate ---/);
    expect(s.out).toMatch(/Started install activate NONEy\r\n--- Starting Activate ---/);
    await s.closed;
  });

  it('terminal no monitor stops them; a line where logging stays on ignores it', async () => {
    const quiet = await shell('log1');
    await quiet.cmd('terminal no monitor', promptOf('log1'));
    const sticky = await shell('log2');
    await sticky.cmd('terminal no monitor', promptOf('log2'));
    lab.device('log1').log('SYS-5-CONFIG_I', 'Configured from console by netops on vty1 (192.0.2.50)');
    lab.device('log2').log('SYS-5-CONFIG_I', 'Configured from console by netops on vty1 (192.0.2.50)');
    expect(await sticky.waitFor(/%SYS-5-CONFIG_I: Configured from console by netops on vty1 \(192\.0\.2\.50\)\r\n$/)).toBeTruthy();
    expect(await quiet.cmd('show clock', promptOf('log1'))).not.toContain('%SYS-5-CONFIG_I');
    expect(quiet.out).not.toContain('%SYS-5-CONFIG_I');
    // A device without the fault starts quiet, and logs once asked to.
    const q = await shell('quiet1');
    lab.device('quiet1').log('SYS-5-CONFIG_I', 'Configured from console by netops on vty1 (192.0.2.50)');
    await q.cmd('terminal monitor', promptOf('quiet1'));
    expect(q.out).not.toContain('%SYS-5-CONFIG_I');
    lab.device('quiet1').log('SYS-5-CONFIG_I', 'Configured from console by netops on vty1 (192.0.2.50)');
    await q.waitFor(/%SYS-5-CONFIG_I: [^\r]*\r\n$/);
    for (const x of [quiet, sticky, q]) x.end();
  });
});

describe('IOS-XE lab: log messages glued to what follows', () => {
  const LOG = String.raw`(?:\d{6}: |\.)?[A-Z][a-z]{2} [ \d]\d(?: \d{4})? \d\d:\d\d:\d\d\.\d{3} UTC: %[A-Z_]+-\d-[A-Z0-9_]+: `;

  it('is a fixed trait of the device: the same hostname always glues or never does', async () => {
    const again = await Lab.start({ speed: 50, imageSize: 256 * 1024, fleet: ['glue1', 'log1', 'quiet1', 'ts1'].map((h) => spec(h, 'cat9300', [])) });
    const fresh = ['glue1', 'log1', 'quiet1', 'ts1'].map((h) => again.device(h).state.syslog.glued);
    await again.stop();
    const other = await Lab.start({ speed: 50, imageSize: 256 * 1024, fleet: ['glue1', 'log1', 'quiet1', 'ts1'].map((h) => spec(h, 'cat9300', [])) });
    expect(['glue1', 'log1', 'quiet1', 'ts1'].map((h) => other.device(h).state.syslog.glued)).toEqual(fresh);
    await other.stop();
  });

  it('after a prompt: the message follows a line break, the command typed next echoes at the end of its line', async () => {
    const s = await shell('glue1');
    lab.device('glue1').log('LINK-3-UPDOWN', 'Interface GigabitEthernet1/0/7, changed state to down');
    expect(await s.waitFor(/changed state to down$/)).toMatch(new RegExp(`^\\r\\n${LOG_17.source}$`));
    const out = await s.cmd('show clock', promptOf('glue1'));
    expect(out).toMatch(/^show clock\r\n\*?\d\d:\d\d:\d\d\.\d{3} UTC/);
    expect(s.out).toMatch(/changed state to downshow clock\r\n/);
    s.end();
  });

  it('a message right after another starts mid-line, with no line break between them', async () => {
    const s = await shell('glue1');
    lab.device('glue1').log('SYS-5-CONFIG_I', 'Configured from console by netops on vty1 (192.0.2.50)');
    lab.device('glue1').log('LINK-3-UPDOWN', 'Interface GigabitEthernet1/0/7, changed state to down');
    expect(await s.waitFor(/changed state to down$/)).toMatch(new RegExp(`^\\r\\n${LOG}Configured from console by netops on vty1 \\(192\\.0\\.2\\.50\\)${LOG}Interface GigabitEthernet1/0/7, changed state to down$`));
    s.end();
  });

  it('between output lines: the next line of the output continues on the message line, no line is added', async () => {
    const dev = lab.device('glue1');
    const s = await shell('glue1');
    const quiet = (await s.cmd('show ip interface brief', promptOf('glue1'))).split('\r\n');
    dev.state.syslog.betweenLines = 1;
    const noisy = (await s.cmd('show ip interface brief', promptOf('glue1'))).split('\r\n');
    dev.state.syslog.betweenLines = 0;
    expect(noisy).toHaveLength(quiet.length);
    const changed = noisy.map((l, i) => [l, quiet[i]]).filter(([a, b]) => a !== b);
    expect(changed).toHaveLength(1);
    const [glued, row] = changed[0];
    expect(glued).toMatch(new RegExp(`^${LOG}.*\\S${row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    s.end();
  });

  it('during an install the output after a message continues on its line', async () => {
    const dev = lab.device('glue2');
    const img = lab.images().find((i) => i.file.startsWith(dev.state.model.imagePrefix))!;
    dev.storeFile(img.file, img.bytes);
    const s = await shell('glue2');
    s.send(`install add file bootflash:${img.file} activate\n`);
    await s.waitFor(/Started install activate NONE$/, 20_000);
    s.send('y\n');
    await s.waitFor(/--- Starting Activate ---/);
    dev.log('SYS-6-PRIVCFG_ENCRYPT_SUCCESS', 'Successfully encrypted private config file');
    await s.waitFor(/SUCCESS: install_add_activate/, 20_000);
    expect(s.out).toMatch(/%SYS-6-PRIVCFG_ENCRYPT_SUCCESS: Successfully encrypted private config file(?:  \[1\] Activate package|Finished Activate|Install will reload)/);
    await s.closed;
  });
});

describe('IOS-XE lab: exec prompt timestamp', () => {
  it('starts every show output with the load and time header and a blank line, until turned off', async () => {
    const s = await shell('ts1');
    const v = await s.cmd('show version | include uptime', promptOf('ts1'));
    expect(v).toMatch(/^show version \| include uptime\r\nLoad for five secs: \d+%\/0%; one minute: \d+%; five minutes: \d+%\r\nTime source is NTP, \d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} \d{1,2} \d{4}\r\n\r\nts1 uptime is /);
    expect(await s.cmd('terminal length 0', promptOf('ts1'))).not.toContain('Load for');
    await s.cmd('terminal no exec prompt timestamp', promptOf('ts1'));
    expect(await s.cmd('show clock', promptOf('ts1'))).not.toContain('Load for');
    s.end();
  });
});

describe('IOS-XE lab: hung command', () => {
  it('the first show install summary echoes and then keeps its prompt back; its output comes very late; the next one answers at once', async () => {
    const dev = lab.device('hang1');
    const s = await shell('hang1');
    s.send('show install summary\n');
    await s.waitFor(/show install summary\r\n$/);
    await expect(s.waitFor(promptOf('hang1'), 1_000)).rejects.toThrow(/timed out/);
    expect(dev.state.count('hung')).toBe(1);
    // 120 s at speed 1 is 2.4 s here: the output and the prompt arrive then.
    expect(await s.waitFor(promptOf('hang1'), 5_000)).toContain('Installed Package(s) Information');
    const again = await shell('hang1');
    expect(await again.cmd('show install summary', promptOf('hang1'))).toContain('Installed Package(s) Information');
    s.end();
    again.end();
  });
});
