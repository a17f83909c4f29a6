// Rollbacks through the IOS-XE driver against the lab: the commands sent are
// the ones the rollback gate shows from the same facts (an ISSU stopped before
// its switchover, a committed one-shot install or conversion), and a bundle rollback whose
// reload the device refuses is an error, not a success.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { DeviceError } from '../../../src/drivers/errors.js';
import { ImageServer } from '../../../src/engine/image-server.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import { diffSnapshots } from '../../../src/engine/checks.js';
import { imageFiles, imageFor, imageSpec, iosxeTarget, labKnownHosts, SETTINGS } from '../../helpers/lab-targets.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let known: KnownHosts;
let server: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50, imageSize: 256 * 1024,
    fleet: [spec('stuck', 'cat9400', { faults: ['issu-standby-sync'] }), spec('refuse', 'asr1001x', { mode: 'bundle', faults: ['reload-refused'] }), spec('conv', 'cat9300', { mode: 'bundle' }),
      spec('oneshot', 'c8000v', { faults: ['regression'] }), spec('nopoint', 'c8000v')],
  });
  known = labKnownHosts(lab);
  server = new ImageServer({ files: imageFiles(lab), listen: '127.0.0.1' });
  await server.start();
});
afterAll(async () => {
  await server?.stop();
  await lab?.stop();
});

const driver = (host: string) => new IosxeDriver(iosxeTarget(lab, host), { knownHosts: known, acceptNewHostKeys: false });

async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stagedPlan(host: string, settings = SETTINGS) {
  const d = driver(host);
  const f = await d.facts({ readiness: true });
  const image = imageSpec(imageFor(lab, host));
  const plan = d.rules.plan(f, { targetVersion: image.version, image, settings });
  await d.stage(plan, { method: 'http', url: server.url('127.0.0.1', host, image.file) });
  await d.verify(plan);
  return { d, f, plan, image };
}

describe('IOS-XE driver: rollback', () => {
  it('an ISSU stopped before its switchover: the gate and the driver both say install abort issu; the standby goes back, the active never reloads', async () => {
    const dev = lab.device('stuck').state;
    const { d, f, plan } = await stagedPlan('stuck');
    expect(plan.kind).toBe('issu');
    // From the facts before the activation the gate shows the abort of an activated install.
    expect(d.rules.commandsFor('rollback', plan, { facts: f })).toEqual(['install abort']);
    const activation = d.activate(plan).catch((e) => e);
    await until('the upgraded standby is back and waiting (not STANDBY HOT)', () => dev.members.some((m) => m.version === '17.9.5' && m.state === 'Ready'));
    // What an operator rolling back sees now: the active on 17.6.5, the standby on 17.9.5.
    const back = driver('stuck');
    const now = await back.facts();
    expect(now.version).toBe('17.6.5');
    expect(now.redundancy.peerState).not.toBe('STANDBY HOT');
    expect(d.rules.commandsFor('rollback', plan, { facts: now })).toEqual(['install abort issu']);
    const rb = await back.rollback(plan);
    expect(rb.sent).toEqual(['install abort issu']);
    expect(rb.data).toEqual({ reloads: false });
    expect(rb.message).toBe('ISSU aborted; the standby is back on 17.6.5');
    // The session that started the ISSU is told the device aborted it.
    const err = await activation;
    expect(err).toBeInstanceOf(DeviceError);
    expect(err).toMatchObject({ step: 'activate', kind: 'command', transient: false });
    expect(err.deviceSaid).toMatch(/FAILED: install_add_activate : ISSU aborted/);
    const after = await back.facts();
    await back.close();
    await d.close();
    expect(after.redundancy).toMatchObject({ peerState: 'STANDBY HOT' });
    expect(after.redundancy.members.map((m) => m.version)).toEqual(['17.6.5', '17.6.5']);
    expect(dev.issu).toBeNull();
    expect([dev.memberReloads(1), dev.memberReloads(2), dev.count('reload'), dev.count('switchover')]).toEqual([0, 2, 0, 0]);
  });

  it('bundle mode whose reload the device refuses (command authorization): "did not reload", for the activation and for the rollback, with what the device said', async () => {
    const dev = lab.device('refuse').state;
    const { d, f, plan, image } = await stagedPlan('refuse');
    expect(plan.kind).toBe('bundle');
    const act = await d.activate(plan).catch((e) => e);
    expect(act).toBeInstanceOf(DeviceError);
    expect(act).toMatchObject({ device: 'refuse', step: 'activate', transient: false, deviceSaid: 'Command authorization failed.' });
    expect(act.message).toContain('"reload" did not reload the device');
    expect(dev.bootSaved).toEqual([`${plan.filesystem}${image.file}`]);
    const rb = await d.rollback(plan).catch((e) => e);
    await d.close();
    expect(rb).toBeInstanceOf(DeviceError);
    expect(rb).toMatchObject({ device: 'refuse', step: 'rollback', transient: false, deviceSaid: 'Command authorization failed.' });
    expect(rb.message).toContain('"reload" did not reload the device');
    // The boot variable is back as it was, saved; the device never went down.
    expect(dev.bootSaved).toEqual(f.bootVariable);
    expect(dev.count('reload')).toBe(0);
  });

  it('a committed conversion to install mode: the rollback re-installs the previous release by the image file the facts list on flash', async () => {
    const { d, plan } = await stagedPlan('conv', { ...SETTINGS, convertToInstall: true });
    expect(plan.kind).toBe('convert');
    const since = Date.now();
    await d.activate(plan);
    await d.waitForReturn({ version: '17.9.5', timeoutMs: 15_000, since, pollMs: 100 });
    const f = await d.facts();
    const previous = f.files.find((x) => x.name.endsWith('.bin') && x.name.includes('.17.06.05.'));
    expect(previous).toBeDefined();
    const cmds = ['write memory', `install add file ${plan.filesystem}${previous!.name} activate commit`];
    expect(d.rules.commandsFor('rollback', plan, { facts: f })).toEqual(cmds);
    const rolled = Date.now();
    const rb = await d.rollback(plan);
    expect(rb.sent).toEqual(cmds);
    expect(rb.message).toBe(`re-installing ${previous!.name}; the device reloads`);
    await d.waitForReturn({ version: '17.6.5', timeoutMs: 15_000, since: rolled, pollMs: 100 });
    expect((await d.facts()).install).toMatchObject({ uncommitted: false });
    await d.close();
    expect(lab.device('conv').state.count('reload')).toBe(2);
  });

  it('a committed one-shot install whose post-check regresses: install rollback to id <the point before>, back on the previous release, committed', async () => {
    const dev = lab.device('oneshot').state;
    const pointBefore = dev.rollbackPoints.at(-1)!.id;
    const { d, f, plan } = await stagedPlan('oneshot', { ...SETTINGS, commitAfterPostcheck: false });
    expect(plan.kind).toBe('install-oneshot');
    expect(f.rollbackIds).toEqual([pointBefore]);
    expect(plan.rollbackPoint).toBe(pointBefore);
    const cmds = [`install rollback to id ${pointBefore}`];
    expect(d.rules.commandsFor('rollback', plan, { facts: f })).toEqual(cmds);
    const pre = await d.snapshot();
    const since = Date.now();
    await d.activate(plan);
    await d.waitForReturn({ version: '17.9.5', timeoutMs: 15_000, since, pollMs: 100 });
    // Committed by the one-shot: the previous release is only added now, and the commit left a newer point.
    const upgraded = await d.facts({ readiness: true });
    expect(upgraded.install).toMatchObject({ uncommitted: false });
    expect(upgraded.rollbackIds).toEqual([pointBefore + 1, pointBefore]);
    const diff = diffSnapshots(pre, await d.snapshot('postcheck'), { routePercent: 5, arpPercent: 10, sessionPercent: 10 });
    expect(diff.ok).toBe(false);
    // The gate shows, from the facts now, what the driver then sends.
    expect(d.rules.commandsFor('rollback', plan, { facts: upgraded })).toEqual(cmds);
    const rolled = Date.now();
    const rb = await d.rollback(plan);
    expect(rb.sent).toEqual(cmds);
    expect(rb.data).toEqual({ reloads: true });
    expect(rb.message).toBe(`rolling back to rollback point ${pointBefore} (17.6.5); the device reloads`);
    await d.waitForReturn({ version: '17.6.5', timeoutMs: 15_000, since: rolled, pollMs: 100 });
    const back = await d.facts();
    await d.close();
    expect(back.version).toBe('17.6.5');
    // "17.6.5.0.4580": show install summary carries the build after the release.
    expect(back.install?.packages.map((p) => `${p.state} ${p.version.split('.').slice(0, 3).join('.')}`).sort()).toEqual(['C 17.6.5', 'I 17.9.5']);
    expect(back.install).toMatchObject({ uncommitted: false, autoAbortTimer: null });
    expect(dev.count('reload')).toBe(2);
  });

  it('a one-shot install planned without a rollback point: the gate shows no command and the rollback stops before sending anything', async () => {
    const d = driver('nopoint');
    const f = await d.facts({ readiness: true });
    const image = imageSpec(imageFor(lab, 'nopoint'));
    // Facts read without the rollback points (as stored by an older upshift): nothing to go back to.
    const plan = d.rules.plan({ ...f, rollbackIds: null }, { targetVersion: image.version, image, settings: { ...SETTINGS, commitAfterPostcheck: false } });
    expect(plan.kind).toBe('install-oneshot');
    expect(plan.rollbackPoint).toBeUndefined();
    expect(d.rules.commandsFor('rollback', plan, { facts: f })).toEqual([]);
    const err = await d.rollback(plan).catch((e) => e);
    await d.close();
    expect(err).toBeInstanceOf(DeviceError);
    expect(err).toMatchObject({ device: 'nopoint', step: 'rollback', kind: 'precondition', transient: false });
    expect(err.message).toContain('no rollback point recorded before the upgrade: roll back by hand');
    expect(lab.device('nopoint').state.count('reload')).toBe(0);
    expect(lab.device('nopoint').state.journal.some((e) => e.kind === 'install')).toBe(false);
  });
});
