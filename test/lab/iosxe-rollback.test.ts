// Rollback points on the simulated IOS-XE device: every commit keeps one,
// `show install rollback` lists them newest first, `install rollback to id N`
// asks the proceed question and reloads onto that point's release, committed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, isListening } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';
import { serveImages, type ImageServer } from '../helpers/http-images.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let http: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({ speed: 40, imageSize: 512 * 1024, fleet: [spec('rb1', 'c8000v'), spec('rb2', 'cat9300'), spec('rb3', 'cat9300', { mode: 'bundle' })] });
  http = await serveImages(lab.images());
});
afterAll(async () => {
  await http?.close();
  await lab?.stop();
});

async function shell(host: string): Promise<TestShell> {
  const s = await TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
  await enable(s, host, lab.credentials.enable);
  return s;
}

async function stage(s: TestShell, host: string): Promise<string> {
  const dev = lab.device(host);
  const img = lab.images().find((i) => i.file.startsWith(dev.state.model.imagePrefix))!;
  s.send(`copy ${http.url(img.file)} ${dev.state.fs}\n`);
  await s.waitFor(/\]\? $/);
  s.send('\n');
  await s.waitFor(/bytes\/sec\)\r\n/);
  await s.waitFor(promptOf(host));
  return `${dev.state.fs}${img.file}`;
}

async function waitUp(host: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await isListening('127.0.0.1', lab.device(host).port))) {
    if (Date.now() - start > timeoutMs) throw new Error(`${host} did not come back`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The ids of `show install rollback`, in the order printed. */
const ids = (out: string) => [...out.matchAll(/^(\d+)\s+No Label\s+No Description\r?$/gm)].map((m) => Number(m[1]));

describe('IOS-XE lab: rollback points', () => {
  it('a one-shot commit adds a point; rollback to the earlier id asks, reloads and comes back on that release, committed', async () => {
    const s = await shell('rb1');
    const first = await s.cmd('show install rollback', promptOf('rb1'));
    expect(first).toMatch(/^ID\s+Label\s+Description\r?$/m);
    const [before] = ids(first);
    expect(ids(first)).toEqual([before]);
    const file = await stage(s, 'rb1');
    s.send(`install add file ${file} activate commit\n`);
    await s.waitFor(/Do you want to proceed\? \[y\/n\]$/, 20_000);
    s.send('y\n');
    await s.closed;
    await waitUp('rb1');

    const b = await shell('rb1');
    expect(ids(await b.cmd('show install rollback', promptOf('rb1')))).toEqual([before + 1, before]);
    // An id the device does not have: an error line, nothing reloads.
    expect(await b.cmd(`install rollback to id ${before + 7}`, promptOf('rb1'))).toContain(`FAILED: install_rollback : Rollback point id ${before + 7} does not exist`);
    // Declined at the question: nothing changes.
    b.send(`install rollback to id ${before}\n`);
    await b.waitFor(/This operation may require a reload of the system\. Do you want to proceed\? \[y\/n\]$/);
    b.send('n\n');
    expect(await b.waitFor(promptOf('rb1'))).toContain('install_rollback: Operation aborted by user');
    expect(lab.device('rb1').state.version).toBe('17.9.5');

    b.send(`install rollback to id ${before}\n`);
    await b.waitFor(/\[y\/n\]$/);
    b.send('y\n');
    await b.closed;
    expect(b.out).toMatch(/install_rollback: START \w{3} \w{3}\s+\d+ [\d:]+ UTC \d{4}/);
    expect(b.out).toContain('--- Starting Rollback ---');
    expect(b.out).toMatch(/SUCCESS: install_rollback\s+\w{3} \w{3}/);
    await waitUp('rb1');
    const c = await shell('rb1');
    const v = await c.cmd('show version', promptOf('rb1'));
    expect(v).toContain('Version 17.06.05');
    expect(v).toContain('Last reload reason: Install');
    const sum = await c.cmd('show install summary', promptOf('rb1'));
    expect(sum).toMatch(/^IMG\s+C\s+17\.06\.05\.0\.\d+\r$/m);
    expect(sum).toMatch(/^IMG\s+I\s+17\.09\.05\.0\.\d+\r$/m);
    expect(sum).toContain('Auto abort timer: inactive');
    c.end();
    expect(lab.device('rb1').state.count('reload')).toBe(2);
  });

  it('install commit after an activation adds a point', async () => {
    const s = await shell('rb2');
    const [before] = ids(await s.cmd('show install rollback', promptOf('rb2')));
    const file = await stage(s, 'rb2');
    s.send(`install add file ${file} activate\n`);
    await s.waitFor(/\[y\/n\]$/, 20_000);
    s.send('y\n');
    await s.closed;
    await waitUp('rb2');
    const b = await shell('rb2');
    // Activated, not committed: no new point yet.
    expect(ids(await b.cmd('show install rollback', promptOf('rb2')))).toEqual([before]);
    expect(await b.cmd(`install rollback to id ${before}`, promptOf('rb2'))).toContain('FAILED: install_rollback : Rollback is applicable only when the package is in committed state');
    expect(await b.cmd('install commit', promptOf('rb2'))).toContain('SUCCESS: install_commit');
    expect(ids(await b.cmd('show install rollback', promptOf('rb2')))).toEqual([before + 1, before]);
    b.end();
  });

  it('a bundle-mode device lists no point and refuses a rollback', async () => {
    const s = await shell('rb3');
    const out = await s.cmd('show install rollback', promptOf('rb3'));
    expect(out).toMatch(/^ID\s+Label\s+Description\r?$/m);
    expect(ids(out)).toEqual([]);
    expect(await s.cmd('install rollback to id 1', promptOf('rb3'))).toContain('FAILED: install_rollback');
    s.end();
    expect(lab.device('rb3').state.count('reload')).toBe(0);
  });
});
