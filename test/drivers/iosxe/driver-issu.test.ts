// Operations that drop the session, through the IOS-XE driver against the
// lab: ISSU on StackWise Virtual and on dual supervisors (the switchover
// drops the session; the driver follows the device back until every member
// runs the target and the peer is STANDBY HOT), and a stack whose install
// drops the session before the device confirms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { ImageServer } from '../../../src/engine/image-server.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import type { Transcript } from '../../../src/drivers/ssh/channel.js';
import { ALONE, imageFiles, imageFor, imageSpec, iosxeTarget, labKnownHosts, SETTINGS } from '../../helpers/lab-targets.js';
import { DeviceError } from '../../../src/drivers/errors.js';
import { ISSU_STAND_INS } from '../../../src/lab/iosxe/ha.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let known: KnownHosts;
let server: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50, imageSize: 256 * 1024,
    fleet: [spec('svl', 'cat9500-svl', { faults: ['syslog'] }), spec('svl2', 'cat9500-svl'), spec('sup', 'cat9400'), spec('sup2', 'cat9400'), spec('sup3', 'cat9400'), spec('supeng', 'cat9400', { build: 'engineering' }), spec('stk', 'cat9300-stack', { faults: ['drop-early', 'syslog'] })],
  });
  known = labKnownHosts(lab);
  server = new ImageServer({ files: imageFiles(lab), listen: '127.0.0.1' });
  await server.start();
});
afterAll(async () => {
  await server?.stop();
  await lab?.stop();
});

/** A driver with a transcript of everything sent. */
function driver(host: string) {
  const sent: string[] = [];
  const transcript: Transcript = { write: (dir, text) => void (dir === 'sent' && sent.push(text)) };
  return { d: new IosxeDriver(iosxeTarget(lab, host), { knownHosts: known, acceptNewHostKeys: false, transcript }), sent };
}

async function stagedPlan(host: string) {
  const { d, sent } = driver(host);
  const f = await d.facts({ readiness: true });
  const image = imageSpec(imageFor(lab, host));
  const plan = d.rules.plan(f, { targetVersion: image.version, image, settings: SETTINGS });
  await d.stage(plan, { method: 'http', url: server.url('127.0.0.1', host, image.file) });
  await d.verify(plan);
  return { d, f, plan, image, sent };
}

describe('IOS-XE driver: ISSU', () => {
  it.each([['svl', 'StackWise Virtual'], ['sup', 'dual supervisor']])('%s (%s): activate drops the session at the switchover; waitForReturn reports success only with both members on the target and the peer STANDBY HOT; commit commits; one reload per member', async (host) => {
    const dev = lab.device(host).state;
    const { d, plan, image, sent } = await stagedPlan(host);
    expect(plan.kind).toBe('issu');
    const since = Date.now();
    const act = await d.activate(plan);
    expect(act.sent).toEqual(['write memory', `install add file ${plan.filesystem}${image.file} activate issu`]);
    expect(act.data).toMatchObject({ reloads: true });
    expect(act.message).toMatch(/^ISSU to 17\.9\.5 under way \(standby first, then the switchover\): the session dropped/);
    // The driver follows the switchover: the new active answers, then the old one rejoins.
    const back = await d.waitForReturn({ version: '17.9.5', timeoutMs: 20_000, since, pollMs: 50 });
    expect(dev.issu).toBeNull();
    expect(dev.members.map((m) => [m.version, m.state])).toEqual([['17.9.5', 'Ready'], ['17.9.5', 'Ready']]);
    expect(dev.peerState).toBe('STANDBY HOT');
    const f = back.data!.facts as Awaited<ReturnType<IosxeDriver['facts']>>;
    expect(f.redundancy).toMatchObject({ kind: host === 'svl' ? 'svl' : 'dual-sup', peerState: 'STANDBY HOT' });
    expect(f.redundancy.members.map((m) => m.version)).toEqual(['17.9.5', '17.9.5']);
    expect(f.install).toMatchObject({ uncommitted: true });
    const commit = await d.commit(plan);
    expect(commit.sent).toEqual(['show install summary', 'install commit']);
    expect((await d.facts()).install).toMatchObject({ uncommitted: false, autoAbortTimer: null });
    await d.close();
    expect(sent.filter((t) => /install add|redundancy force-switchover/.test(t))).toEqual([`install add file ${plan.filesystem}${image.file} activate issu\n`]);
    expect([dev.memberReloads(1), dev.memberReloads(2), dev.count('reload'), dev.count('switchover')]).toEqual([1, 1, 0, 1]);
  });
});

describe('IOS-XE driver: an ISSU found under way after upshift was killed', () => {
  it('counts as happened while the standby reloads onto the added target, not while the target is only added with the peer STANDBY HOT', async () => {
    const dev = lab.device('svl2').state;
    const { d, f, plan } = await stagedPlan('svl2');
    expect(plan.kind).toBe('issu');
    expect(d.rules.stepHappened('activate', f, plan, '17.9.5')).toBe(false);
    // Added (an earlier add, say) but the ISSU not begun: the peer is still STANDBY HOT.
    const addedOnly = { ...f, install: { ...f.install!, packages: [...f.install!.packages, { state: 'I', version: '17.9.5.0.1582' }] } };
    expect(d.rules.stepHappened('activate', addedOnly, plan, '17.9.5')).toBe(false);
    const activation = d.activate(plan);
    const deadline = Date.now() + 15_000;
    while (dev.memberReloads(2) < 1) {
      if (Date.now() > deadline) throw new Error('the standby did not start reloading');
      await new Promise((r) => setTimeout(r, 10));
    }
    // What the next run sees when it looks at the device: the standby away, the target added.
    const look = driver('svl2').d;
    const during = await look.facts({ readiness: true });
    await look.close();
    expect(during.version).toBe('17.6.5');
    expect(during.redundancy.peerState).not.toBe('STANDBY HOT');
    expect(d.rules.stepHappened('activate', during, plan, '17.9.5')).toBe(true);
    await activation;
    await d.waitForReturn({ version: '17.9.5', timeoutMs: 20_000, since: Date.now(), pollMs: 50 });
    await d.close();
  });
});

describe('IOS-XE driver: following an ISSU from a new process', () => {
  it('waits for the old active to rejoin on the target, from the planned topology, although the device first answers as Simplex', async () => {
    const dev = lab.device('sup2').state;
    const { d, plan } = await stagedPlan('sup2');
    expect(plan).toMatchObject({ kind: 'issu', topology: { kind: 'dual-sup', members: 2 } });
    const since = Date.now();
    await d.activate(plan);
    await d.close();
    // upshift killed and started again: a driver that has never seen the device whole.
    const fresh = driver('sup2').d;
    const back = await fresh.waitForReturn({ version: '17.9.5', timeoutMs: 20_000, since, pollMs: 50, plan: JSON.parse(JSON.stringify(plan)) });
    await fresh.close();
    expect(back.message).toMatch(/^back on 17\.9\.5 after \d+ s \(all 2 members\)$/);
    expect(dev.issu).toBeNull();
    expect(dev.peerState).toBe('STANDBY HOT');
    expect(dev.members.map((m) => m.version)).toEqual(['17.9.5', '17.9.5']);
  });
});

describe('IOS-XE driver: stack install that drops the session early', () => {
  it('takes the early drop as the expected reload and waits until all three members run the target and are Ready', async () => {
    const dev = lab.device('stk').state;
    const { d, plan } = await stagedPlan('stk');
    expect(plan.kind).toBe('install');
    const since = Date.now();
    const act = await d.activate(plan);
    expect(act.received).not.toMatch(/SUCCESS: install_add_activate/);
    expect(act.message).toBe('activating 17.9.5; the device reloads (every stack member): the session dropped before the device confirmed (as it does when the active reloads early)');
    const back = await d.waitForReturn({ version: '17.9.5', timeoutMs: 20_000, since, pollMs: 50 });
    expect(dev.members.map((m) => [m.version, m.state])).toEqual([['17.9.5', 'Ready'], ['17.9.5', 'Ready'], ['17.9.5', 'Ready']]);
    expect((back.data!.facts as { redundancy: { members: { version: string; state: string }[] } }).redundancy.members.map((m) => [m.version, m.state]))
      .toEqual([['17.9.5', 'Ready'], ['17.9.5', 'Ready'], ['17.9.5', 'Ready']]);
    expect(back.message).toMatch(/^back on 17\.9\.5 after \d+ s \(all 3 members\)$/);
    await d.commit(plan);
    await d.close();
    expect([1, 2, 3].map((n) => dev.memberReloads(n))).toEqual([1, 1, 1]);
  });
});

describe('IOS-XE driver: engineering and special builds on dual supervisors', () => {
  it('a build whose show version names no release fails its facts with a DeviceError saying so and quoting the device, never a TypeError', async () => {
    const { d, sent } = driver('supeng');
    const err = await d.facts({ readiness: true }).catch((e) => e);
    await d.close();
    expect(err).toBeInstanceOf(DeviceError);
    expect(err).toMatchObject({ device: 'supeng', step: 'facts', kind: 'parse', transient: false });
    expect(err.message).toMatch(/^supeng: facts: show version names no release number \(an engineering or special build: BLD_V176_THROTTLE_LATEST_\d{8}_\d{6}_V17_6_5_\d+\), so upshift cannot tell which release runs/);
    expect(err.deviceSaid).toMatch(/^Cisco IOS XE Software, Version BLD_V176_\S+\nCisco IOS Software \[Bengaluru\], .*Experimental Version 17\.6\.\d{8}:\d{4} /);
    // Stopped at the facts: nothing disruptive, no further read.
    expect(sent.join('')).not.toMatch(/^(?:install |reload)/m);
  });

  it('no ISSU from a build label, where ISSU would be planned from the same facts on a release build', async () => {
    const { d } = driver('sup3');
    const f = await d.facts({ readiness: true });
    await d.close();
    const image = imageSpec(imageFor(lab, 'sup3'));
    const want = { targetVersion: image.version, image, settings: SETTINGS };
    expect(d.rules.plan(f, want).kind).toBe('issu');
    const special = { ...f, buildLabel: 'V176_5_SR70021882_1' };
    const plan = d.rules.plan(special, want);
    expect(plan.kind).toBe('install');
    const checks = d.rules.precheck(special, plan, ALONE);
    expect(checks.find((c) => c.name === 'issu')).toEqual({ name: 'issu', ok: true, detail: 'no ISSU from the engineering or special build V176_5_SR70021882_1: both supervisors reload' });
    expect(f.buildLabel).toBeNull();
  });
});

describe('IOS-XE driver: what an ISSU is judged by', () => {
  it('none of the lab\'s stand-in ISSU texts (wording no source shows) appears in the driver: it goes by the questions, FAILED/SUCCESS, the prompt and the drop', () => {
    const root = fileURLToPath(new URL('../../../src/drivers/iosxe', import.meta.url));
    const sources = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => [f, readFileSync(join(root, f), 'utf8')] as const);
    expect(sources.length).toBeGreaterThan(10);
    const found = sources.flatMap(([f, text]) => Object.values(ISSU_STAND_INS).filter((p) => text.includes(p)).map((p) => `${f}: ${p}`));
    expect(found).toEqual([]);
  });
});
