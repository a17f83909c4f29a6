// The lab's chaos option, seen from a plain ssh2 client: each kind of random
// disconnect happens where it was drawn, draws replay with their seed, and
// chaos 0 changes nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/lab/lab.js';
import { DeviceChaos, SESSION_DROP_WITHIN } from '../../src/lab/chaos.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { promptOf, TestShell } from '../helpers/ssh-shell.js';
import { serveImages, type ImageServer } from '../helpers/http-images.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/workbooks.js';

const SEED = 4242;
const spec = (hostname: string): LabDeviceSpec => ({ hostname, kind: 'cat9300', version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't' });

/** The first hostname `prefix-N` whose draws at chaos 1 satisfy `ok` (the draws are pure: no lab needed). */
function hostWhere(prefix: string, ok: (c: DeviceChaos) => boolean): string {
  for (let i = 0; i < 10_000; i++) if (ok(new DeviceChaos(1, SEED, `${prefix}-${i}`))) return `${prefix}-${i}`;
  throw new Error(`no ${prefix} host found`);
}
// A session drop early in the session, part way into an output longer than the cut.
const DROP = hostWhere('c-drop', (c) => c.sessionDrop!.atCommand >= 2 && c.sessionDrop!.atCommand <= 5 && c.sessionDrop!.afterChars >= 60);
// Devices whose session drop comes late enough not to get in the way of the copy or the reload.
const COPY = hostWhere('c-copy', (c) => c.sessionDrop!.atCommand >= 5);
const LOGIN = hostWhere('c-login', (c) => c.sessionDrop!.atCommand >= 5);

let labs: Lab[] = [];
let http: ImageServer | null = null;
afterAll(async () => {
  await http?.close();
  await Promise.all(labs.map((l) => l.stop()));
});

async function startLab(chaos: number | undefined, hosts: string[]): Promise<Lab> {
  const lab = await Lab.start({ speed: 60, imageSize: 512 * 1024, privileged: true, chaos, chaosSeed: SEED, fleet: hosts.map(spec) });
  labs.push(lab);
  http ??= await serveImages(lab.images());
  return lab;
}
const open = (lab: Lab, host: string) => TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
const chaosEntries = (lab: Lab, host: string) => lab.device(host).state.journal.filter((e) => e.kind === 'chaos').map((e) => e.detail);

async function copyImage(lab: Lab, host: string): Promise<{ shell: TestShell; out: string }> {
  const s = await open(lab, host);
  await s.waitFor(promptOf(host));
  const img = lab.images()[0];
  const exists = lab.device(host).state.files.has(img.file);
  s.send(`copy ${http!.url(img.file)} flash:\n`);
  await s.waitFor(/\]\? $/);
  s.send('\n');
  if (exists) {
    await s.waitFor(/over write\? \[confirm\]$/);
    s.send('\n');
  }
  const out = await Promise.race([s.waitFor(promptOf(host), 20_000), s.closed.then(() => s.recent)]);
  return { shell: s, out };
}

async function reloadAndWaitBoot(lab: Lab, host: string): Promise<void> {
  const s = await open(lab, host);
  await s.waitFor(promptOf(host));
  s.send('reload\n');
  await s.waitFor(/\[confirm\]$/);
  s.send('\n');
  await s.closed;
  const d = lab.device(host).state;
  const deadline = Date.now() + 15_000;
  while (d.count('boot') < 1) {
    if (Date.now() > deadline) throw new Error(`${host} did not boot`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const loginError = (lab: Lab, host: string) => open(lab, host).then((s) => (s.end(), null), (err: Error) => err.message);

describe('chaos draws', () => {
  it('are the same for the same seed and hostname, and happen at about the asked rate', () => {
    const a = new DeviceChaos(0.5, 7, 'sw-1');
    const b = new DeviceChaos(0.5, 7, 'sw-1');
    expect([a.sessionDrop, a.copyDrop, a.loginRefusal]).toEqual([b.sessionDrop, b.copyDrop, b.loginRefusal]);
    const hosts = Array.from({ length: 4000 }, (_, i) => `sw-${i}`);
    const rate = (seed: number, p: number) => hosts.map((h) => new DeviceChaos(p, seed, h)).filter((c) => c.sessionDrop).length / hosts.length;
    expect(rate(7, 0.05)).toBeGreaterThan(0.035);
    expect(rate(7, 0.05)).toBeLessThan(0.065);
    // Another seed picks other devices.
    const pick = (seed: number) => hosts.filter((h) => new DeviceChaos(0.05, seed, h).copyDrop).join();
    expect(pick(7)).not.toBe(pick(8));
    const drop = new DeviceChaos(1, 7, 'sw-1').sessionDrop!;
    expect(drop.atCommand).toBeGreaterThanOrEqual(1);
    expect(drop.atCommand).toBeLessThanOrEqual(SESSION_DROP_WITHIN);
    expect(() => new DeviceChaos(1.5, 7, 'sw-1')).toThrow(/probability/);
  });

  it('at 0 draw nothing', () => {
    const c = new DeviceChaos(0, 7, 'sw-1');
    expect([c.sessionDrop, c.copyDrop, c.loginRefusal]).toEqual([null, null, false]);
  });
});

describe('IOS-XE lab chaos', () => {
  it('drops a session part way through the drawn command output', async () => {
    const lab = await startLab(1, [DROP]);
    const { atCommand, afterChars } = lab.device(DROP).chaos!.sessionDrop!;
    const s = await open(lab, DROP);
    await s.waitFor(promptOf(DROP));
    await s.cmd('terminal length 0', promptOf(DROP));
    for (let i = 2; i < atCommand; i++) await s.cmd('show version', promptOf(DROP));
    s.send('show version\n');
    await s.waitFor(/show version\r\n/);
    await s.closed;
    // Exactly the drawn number of characters of the output came, and no prompt after them.
    expect(s.recent).toHaveLength(afterChars);
    expect(s.recent).toMatch(/^Cisco IOS XE Software/);
    expect(chaosEntries(lab, DROP)).toEqual([`session-drop: after ${afterChars} characters of "show version"`]);
    // Once only: the next session runs the same command to its end.
    const again = await open(lab, DROP);
    await again.waitFor(promptOf(DROP));
    await again.cmd('terminal length 0', promptOf(DROP));
    expect(await again.cmd('show version', promptOf(DROP))).toMatch(/Configuration register/);
    again.end();
  });

  it('drops the first image copy part way, leaving a partial file; the next copy completes', async () => {
    const lab = await startLab(1, [COPY]);
    const { atFraction } = lab.device(COPY).chaos!.copyDrop!;
    const first = await copyImage(lab, COPY);
    await first.shell.closed;
    expect(first.out).not.toMatch(/bytes copied/);
    const [entry] = chaosEntries(lab, COPY);
    const [, got, total] = /^copy-drop: (\d+)\/(\d+) bytes$/.exec(entry)!.map(Number);
    expect(got / total).toBeGreaterThanOrEqual(atFraction);
    expect(got).toBeLessThan(total);
    const file = lab.device(COPY).state.files.get(lab.images()[0].file)!;
    expect(file.size).toBe(got);
    const second = await copyImage(lab, COPY);
    expect(second.out).toMatch(/\d+ bytes copied in/);
    second.shell.end();
  });

  it('refuses the first login after a boot, once; logins before the reload are accepted', async () => {
    const lab = await startLab(1, [LOGIN]);
    expect(await loginError(lab, LOGIN)).toBeNull();
    await reloadAndWaitBoot(lab, LOGIN);
    expect(await loginError(lab, LOGIN)).toMatch(/authentication methods failed/i);
    expect(await loginError(lab, LOGIN)).toBeNull();
    expect(chaosEntries(lab, LOGIN)).toEqual(['login-refused: the first login after the boot']);
  });

  it('at 0 changes nothing: no draws, every command, copy and login as without chaos', async () => {
    const lab = await startLab(0, [DROP, COPY, LOGIN]);
    for (const h of [DROP, COPY, LOGIN]) expect(lab.device(h).chaos).toBeNull();
    const s = await open(lab, DROP);
    await s.waitFor(promptOf(DROP));
    await s.cmd('terminal length 0', promptOf(DROP));
    for (let i = 0; i < SESSION_DROP_WITHIN + 2; i++) expect(await s.cmd('show version', promptOf(DROP))).toMatch(/Configuration register/);
    s.end();
    const copy = await copyImage(lab, COPY);
    expect(copy.out).toMatch(/\d+ bytes copied in/);
    copy.shell.end();
    await reloadAndWaitBoot(lab, LOGIN);
    expect(await loginError(lab, LOGIN)).toBeNull();
    for (const h of [DROP, COPY, LOGIN]) expect(chaosEntries(lab, h), h).toEqual([]);
  });
});

describe('upshift lab --chaos', () => {
  it('takes a percentage and a seed and prints both, so the run can be replayed', async () => {
    const out = join(tempDir(), 'lab.xlsx');
    const child = spawn(process.execPath, [BIN, 'lab', '--devices', '2', '--mix', 'cat9300', '--speed', '20', '--chaos', '5%', '--chaos-seed', '9', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    try {
      const deadline = Date.now() + 30_000;
      while (!/^chaos: .*$/m.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no chaos line:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(/^chaos: .*$/m.exec(stdout)![0]).toBe('chaos: 5 % per IOS-XE device for each of session drop, copy drop, refused login after a boot; seed 9 (--chaos-seed 9 replays)');
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('close', r));
    }
  });

  it('refuses a probability above 100 % with a usage error', async () => {
    const r = await runCli(['lab', '--chaos', '150%', '--out', join(tempDir(), 'x.xlsx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--chaos.*probability/);
  });
});
