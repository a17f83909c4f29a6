// Every IOS-XE lab fault, observed from a plain ssh2 client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'ssh2';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Lab, isListening } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';
import { serveImages, type ImageServer } from '../helpers/http-images.js';

const spec = (hostname: string, faults: string[], kind = 'cat9300'): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults, site: 'lab', role: 't', group: 't' });
const FAULTS: [string, string[], string?][] = [
  ['f-auth', ['auth']], ['f-slow', ['slow']], ['f-drop', ['disconnect-copy']], ['f-corrupt', ['corrupt']], ['f-full', ['flash-full']],
  ['f-never', ['never-returns']], ['f-old', ['old-version']], ['f-rommon', ['rommon']], ['f-key', ['host-key']], ['f-regress', ['regression'], 'isr4451'],
  ['f-cpu', ['cpu']], ['f-dirty', ['dirty-install']], ['f-unsaved', ['unsaved']], ['f-cold', ['standby-cold'], 'cat9500-svl'], ['f-paging', ['paging']], ['f-ok', []],
  ['f-twice', []], ['f-taken', []],
];

let lab: Lab;
let http: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({ speed: 60, imageSize: 512 * 1024, fleet: FAULTS.map(([h, f, k]) => spec(h, f, k)) });
  http = await serveImages(lab.images());
});
afterAll(async () => {
  await http?.close();
  await lab?.stop();
});

const open = (host: string) => TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
async function priv(host: string) {
  const s = await open(host);
  await enable(s, host, lab.credentials.enable);
  return s;
}
const image = (host: string) => lab.images().find((i) => i.file.startsWith(lab.device(host).state.model.imagePrefix))!;
async function copy(s: TestShell, host: string): Promise<string> {
  const img = image(host);
  s.send(`copy ${http.url(img.file)} ${lab.device(host).state.fs}\n`);
  await s.waitFor(/\]\? $/);
  s.send('\n');
  return s.waitFor(promptOf(host));
}
async function reload(host: string): Promise<void> {
  const s = await priv(host);
  s.send('reload\n');
  await s.waitFor(/\[confirm\]$/);
  s.send('\n');
  await s.closed;
}
async function waitBoot(host: string, count: number): Promise<void> {
  const dev = lab.device(host).state;
  const start = Date.now();
  while (dev.count('boot') + dev.count('boot-failed') < count) {
    if (Date.now() - start > 15_000) throw new Error(`${host}: no boot`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('IOS-XE lab faults', () => {
  it('auth: every login is refused and journaled', async () => {
    await expect(open('f-auth')).rejects.toThrow(/All configured authentication methods failed/);
    expect(lab.device('f-auth').state.count('login-failed')).toBeGreaterThan(0);
  });

  it('slow: the same output arrives in many small pieces', async () => {
    const s = await priv('f-slow');
    let chunks = 0;
    s.channel.on('data', () => chunks++);
    const out = await s.cmd('show ip route summary', promptOf('f-slow'));
    expect(chunks).toBeGreaterThan(10);
    expect(out).toMatch(/^Total\s+0\s+\d+/m);
    s.end();
  });

  it('disconnect-copy: the first copy drops the session and leaves a partial file; the retry overwrites it', async () => {
    const img = image('f-drop');
    const s = await priv('f-drop');
    s.send(`copy ${http.url(img.file)} flash:\n`);
    await s.waitFor(/\]\? $/);
    s.send('\n');
    await s.closed;
    const partial = lab.device('f-drop').state.files.get(img.file)!;
    expect(partial.size).toBeLessThan(img.size);
    const again = await priv('f-drop');
    again.send(`copy ${http.url(img.file)} flash:\n`);
    await again.waitFor(/\]\? $/);
    again.send('\n');
    await again.waitFor(/Do you want to over write\? \[confirm\]$/);
    again.send('\n');
    await again.waitFor(/bytes\/sec\)/);
    await again.waitFor(promptOf('f-drop'));
    expect(await again.cmd(`verify /md5 flash:${img.file}`, promptOf('f-drop'))).toContain(`= ${img.md5}`);
    again.end();
  });

  it('corrupt: the copy completes but the stored bytes do not hash to the image digest', async () => {
    const s = await priv('f-corrupt');
    expect(await copy(s, 'f-corrupt')).toContain('[OK - ');
    const img = image('f-corrupt');
    const v = await s.cmd(`verify /md5 flash:${img.file}`, promptOf('f-corrupt'));
    expect(v).toMatch(/= [0-9a-f]{32}/);
    expect(v).not.toContain(img.md5);
    const add = await s.cmd(`install add file flash:${img.file}`, promptOf('f-corrupt'));
    expect(add).toContain('FAILED: Failed to validate image');
    s.end();
  });

  it('flash-full: free space is below 2.5 × the image, and install add says how much it needs', async () => {
    const s = await priv('f-full');
    const dir = await s.cmd('dir flash:', promptOf('f-full'));
    const free = Number(/\((\d+) bytes free\)/.exec(dir)![1]);
    expect(free).toBeLessThan(image('f-full').size * 2.5);
    await copy(s, 'f-full');
    const add = await s.cmd(`install add file flash:${image('f-full').file}`, promptOf('f-full'));
    expect(add).toMatch(/FAILED: \/flash requires \d+ KB of free space, but only \d+ KB is available/);
    s.end();
  });

  it('never-returns and rommon: after a reload SSH stays refused', async () => {
    await reload('f-never');
    await reload('f-rommon');
    // Once the boot is journaled as failed the device is stuck for good: nothing is left to wait for.
    await waitBoot('f-never', 1);
    await waitBoot('f-rommon', 1);
    expect(await isListening('127.0.0.1', lab.device('f-never').port)).toBe(false);
    expect(await isListening('127.0.0.1', lab.device('f-rommon').port)).toBe(false);
    expect(lab.device('f-never').state.lifecycle).toBe('never');
    expect(lab.device('f-rommon').state.journal.at(-1)).toMatchObject({ kind: 'boot-failed', detail: expect.stringContaining('ROMmon') });
  });

  it('a reload asked twice at once (two sessions) reloads the device once', async () => {
    const [a, b] = await Promise.all([priv('f-twice'), priv('f-twice')]);
    for (const s of [a, b]) s.send('reload\n');
    await Promise.all([a.waitFor(/\[confirm\]$/), b.waitFor(/\[confirm\]$/)]);
    for (const s of [a, b]) s.send('\n');
    await Promise.all([a.closed, b.closed]);
    await waitBoot('f-twice', 1);
    const dev = lab.device('f-twice').state;
    expect([dev.count('reload'), dev.count('reload-ignored')]).toEqual([1, 1]);
    expect(await isListening('127.0.0.1', lab.device('f-twice').port)).toBe(true);
  });

  it('a device whose address is taken while it reloads never comes back, and the rest of the lab goes on', async () => {
    const port = lab.device('f-taken').port;
    await reload('f-taken');
    // Something else takes the port while the device is down.
    const squatter = net.createServer();
    await new Promise<void>((resolve, reject) => squatter.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    try {
      await waitBoot('f-taken', 1);
      expect(lab.device('f-taken').state.journal.at(-1)).toMatchObject({ kind: 'boot-failed', detail: expect.stringContaining('cannot listen again') });
      const other = await priv('f-ok');
      expect(await other.cmd('show version | include uptime', promptOf('f-ok'))).toContain('f-ok uptime is');
      other.end();
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('old-version: an activated image reloads but the device comes back on the version it had', async () => {
    const s = await priv('f-old');
    await copy(s, 'f-old');
    s.send(`install add file flash:${image('f-old').file} activate commit\n`);
    await s.waitFor(/\[y\/n\]$/, 20_000);
    s.send('y\n');
    await s.closed;
    await waitBoot('f-old', 1);
    const b = await priv('f-old');
    expect(await b.cmd('show version', promptOf('f-old'))).toContain('Version 17.06.05');
    b.end();
  });

  it('host-key: the device presents another host key after its reload', async () => {
    const keyOf = () => new Promise<string>((resolve, reject) => {
      const c = new Client();
      c.on('error', reject);
      c.connect({ host: '127.0.0.1', port: lab.device('f-key').port, username: 'netops', password: lab.credentials.password,
        hostVerifier: (key: Buffer) => { resolve(createHash('sha256').update(key).digest('base64')); return false; } });
    });
    const before = await keyOf();
    await reload('f-key');
    await waitBoot('f-key', 1);
    expect(await keyOf()).not.toBe(before);
  });

  it('regression: fewer routes, ARP entries and neighbours after a reload onto the new release, none back on the old one', async () => {
    const s = await priv('f-regress');
    const total = (t: string) => Number(/^Total\s+0\s+(\d+)/m.exec(t)![1]);
    const routes = total(await s.cmd('show ip route summary', promptOf('f-regress')));
    const bgp = await s.cmd('show ip bgp summary', promptOf('f-regress'));
    s.end();
    // Reloaded on the release it runs: as before.
    await reload('f-regress');
    await waitBoot('f-regress', 1);
    const same = await priv('f-regress');
    expect(total(await same.cmd('show ip route summary', promptOf('f-regress')))).toBe(routes);
    same.end();
    // Then onto another release (as an install activate leaves it: the new package activated, uncommitted).
    const st = lab.device('f-regress').state;
    expect(st.mode).toBe('install');
    st.packages.push({ version: '17.9.5', state: 'U', file: 'isr4400-universalk9.17.09.05.SPA.bin' });
    await reload('f-regress');
    await waitBoot('f-regress', 2);
    const b = await priv('f-regress');
    expect(total(await b.cmd('show ip route summary', promptOf('f-regress')))).toBeLessThan(routes * 0.7);
    const bgpAfter = await b.cmd('show ip bgp summary', promptOf('f-regress'));
    expect(bgpAfter.match(/\s(Active|Idle)\s*\r?$/gm)).toHaveLength(1);
    expect(bgp.match(/\s(Active|Idle)\s*\r?$/gm)).toBeNull();
    b.end();
  });

  it('cpu, dirty-install, unsaved, standby-cold and paging show up where a real box shows them', async () => {
    const cpu = await priv('f-cpu');
    expect(await cpu.cmd('show processes cpu', promptOf('f-cpu'))).toContain('five minutes: 95%');
    cpu.end();
    const dirty = await priv('f-dirty');
    expect(await dirty.cmd('show install summary', promptOf('f-dirty'))).toMatch(/IMG\s+U\s+17\.06\.05[\s\S]*Auto abort timer: active on install_activate/);
    dirty.end();
    const unsaved = await priv('f-unsaved');
    unsaved.send('reload\n');
    await unsaved.waitFor(/System configuration has been modified\. Save\? \[yes\/no\]: $/);
    unsaved.send('maybe\n');
    expect(await unsaved.waitFor(promptOf('f-unsaved'))).toContain("% Please answer 'yes' or 'no'.");
    unsaved.end();
    const cold = await priv('f-cold');
    expect(await cold.cmd('show redundancy', promptOf('f-cold'))).toMatch(/Peer Processor Information[\s\S]*STANDBY COLD[\s\S]*/);
    cold.end();
    const paging = await open('f-paging');
    await paging.waitFor(promptOf('f-paging', '>'));
    expect(await paging.cmd('terminal length 0', promptOf('f-paging', '>'))).toContain('Command authorization failed.');
    paging.send('show version\n');
    await paging.waitFor(/ --More-- $/);
    paging.end();
  });
});
