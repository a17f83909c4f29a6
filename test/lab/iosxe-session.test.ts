// The simulated IOS-XE CLI, driven by a plain ssh2 client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'ssh2';
import { Lab, LAB_MOTD } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({
  hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 'test', group: 'test', ...extra,
});

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({ speed: 50, fleet: [spec('sw1', 'cat9300'), spec('rtr1', 'isr4451'), spec('stk1', 'cat9300-stack'), spec('svl1', 'cat9500-svl')] });
});
afterAll(async () => lab?.stop());

const login = (host: string) => TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);

describe('IOS-XE lab: session', () => {
  it('shows the login banner, then a MOTD with prompt-like lines, then the user-mode prompt', async () => {
    let banner = '';
    const shell = await new Promise<TestShell>((resolve, reject) => {
      const c = new Client();
      c.on('banner', (b) => (banner = b));
      c.on('error', reject);
      c.on('ready', () => c.shell({ term: 'vt100' }, (err, ch) => (err ? reject(err) : resolve(Object.assign(Object.create(TestShell.prototype), { out: '', mark: 0, client: c, channel: ch, closed: new Promise(() => undefined) }) as TestShell))));
      c.connect({ host: '127.0.0.1', port: lab.device('sw1').port, username: 'netops', password: lab.credentials.password });
    });
    shell.channel.on('data', (d: Buffer) => (shell.out += d.toString()));
    const first = await shell.waitFor(promptOf('sw1', '>'));
    expect(banner).toContain('Lab device: activity is logged.');
    expect(first).toContain(LAB_MOTD.split('\n')[1]);
    expect(first).toMatch(/\r\ncore-router#\r\naccess-switch>\r\n/);
    shell.end();
  });

  it('pages long output with --More-- until terminal length 0, and answers space and q', async () => {
    const shell = await login('sw1');
    await shell.waitFor(promptOf('sw1', '>'));
    shell.send('show version\n');
    const page = await shell.waitFor(/ --More-- $/);
    // The echoed command, then 23 lines (terminal length 24 less the --More-- line).
    expect(page.split('\r\n').slice(1, -1)).toHaveLength(23);
    shell.send('q');
    await shell.waitFor(promptOf('sw1', '>'));
    shell.send('terminal length 0\nshow version\n');
    const full = await shell.waitFor(/Configuration register is 0x102\r\n\r\nsw1>$/);
    expect(full).not.toContain('--More--');
    expect(full).toContain('Cisco IOS XE Software, Version 17.06.05');
    shell.end();
  });

  it('asks for the enable secret without echoing it and refuses a wrong one', async () => {
    const shell = await login('sw1');
    await shell.waitFor(promptOf('sw1', '>'));
    shell.send('enable\n');
    await shell.waitFor(/Password: $/);
    shell.send('wrong-secret\n');
    await shell.waitFor(/Password: $/);
    expect(shell.out).not.toContain('wrong-secret');
    shell.send(`${lab.credentials.enable}\n`);
    await shell.waitFor(promptOf('sw1'));
    expect(shell.out).not.toContain(lab.credentials.enable);
    shell.end();
  });

  it('marks invalid input with a caret under the first bad word, and accepts abbreviations and pipes', async () => {
    const shell = await login('sw1');
    await enable(shell, 'sw1', lab.credentials.enable);
    const bad = await shell.cmd('show verison', promptOf('sw1'));
    expect(bad).toContain(`\r\n${' '.repeat('sw1#show '.length)}^\r\n% Invalid input detected at '^' marker.`);
    const brief = await shell.cmd('sh ip int br', promptOf('sw1'));
    expect(brief).toMatch(/Interface\s+IP-Address\s+OK\? Method Status\s+Protocol/);
    const inc = await shell.cmd('show version | include uptime', promptOf('sw1'));
    expect(inc.trim().split('\r\n').filter((l) => l.includes('uptime'))).toHaveLength(2);
    expect(inc).not.toContain('Configuration register');
    expect(await shell.cmd('show', promptOf('sw1'))).toContain('% Incomplete command.');
    expect(await shell.cmd('show s', promptOf('sw1'))).toContain('% Ambiguous command:  "show s"');
    shell.end();
  });

  it('prints the Cat9k switch table for stacks, and no such table on routers', async () => {
    const stk = await login('stk1');
    await enable(stk, 'stk1', lab.credentials.enable);
    const v = await stk.cmd('show version', promptOf('stk1'));
    expect(v.match(/^[* ]\s+\d 65\s+C9300-48P\s+17\.06\.05\s+CAT9K_IOSXE\s+INSTALL$/gm)).toHaveLength(3);
    const sw = await stk.cmd('show switch', promptOf('stk1'));
    expect(sw.match(/\s(Active|Standby|Member)\s/g)).toHaveLength(3);
    stk.end();
    const rtr = await login('rtr1');
    await enable(rtr, 'rtr1', lab.credentials.enable);
    const rv = await rtr.cmd('show version', promptOf('rtr1'));
    expect(rv).not.toContain('Switch Ports Model');
    expect(rv).toContain('System image file is "bootflash:packages.conf"');
    expect(rv).toContain('Configuration register is 0x2102');
    expect(await rtr.cmd('show switch', promptOf('rtr1'))).toContain('% Invalid input detected');
    rtr.end();
  });

  it('shows SVL redundancy as SSO with the peer STANDBY HOT', async () => {
    const shell = await login('svl1');
    await enable(shell, 'svl1', lab.credentials.enable);
    const r = await shell.cmd('show redundancy', promptOf('svl1'));
    expect(r).toMatch(/Operating Redundancy Mode = sso/);
    expect(r).toMatch(/Peer Processor Information :[\s\S]*Current Software state = STANDBY HOT/);
    shell.end();
  });

  it('runs a command over an exec channel', async () => {
    const c = new Client();
    const out = await new Promise<string>((resolve, reject) => {
      c.on('ready', () => c.exec('show ip route summary', (err, stream) => {
        if (err) return reject(err);
        let data = '';
        stream.on('data', (d: Buffer) => (data += d));
        stream.on('close', () => resolve(data));
      })).on('error', reject).connect({ host: '127.0.0.1', port: lab.device('rtr1').port, username: 'netops', password: lab.credentials.password });
    });
    c.end();
    const total = /^Total\s+0\s+(\d+)/m.exec(out);
    const r = lab.device('rtr1').state.routes;
    expect(Number(total?.[1])).toBe(r.connected + r.static + r.ospf + r.bgp);
  });

  it('journals logins and commands per device', async () => {
    const before = lab.device('rtr1').state.count('command');
    const shell = await login('rtr1');
    await enable(shell, 'rtr1', lab.credentials.enable);
    await shell.cmd('show clock', promptOf('rtr1'));
    shell.end();
    const j = lab.device('rtr1').state.journal;
    expect(lab.device('rtr1').state.count('command')).toBe(before + 3);
    expect(j.at(-1)).toMatchObject({ kind: 'command', detail: 'rtr1#show clock' });
    expect(j.some((e) => e.kind === 'login')).toBe(true);
  });
});
