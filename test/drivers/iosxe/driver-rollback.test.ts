// Rollbacks through the IOS-XE driver against the lab: the commands sent are
// the ones the rollback gate shows from the same facts (an ISSU stopped before
// its switchover, a committed one-shot install), and a bundle rollback whose
// reload the device refuses is an error, not a success.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { DeviceError } from '../../../src/drivers/errors.js';
import { ImageServer } from '../../../src/engine/image-server.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import { imageFiles, imageFor, imageSpec, iosxeTarget, labKnownHosts, SETTINGS } from '../../helpers/lab-targets.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let known: KnownHosts;
let server: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50, imageSize: 256 * 1024,
    fleet: [spec('stuck', 'cat9400', { faults: ['issu-standby-sync'] }), spec('refuse', 'asr1001x', { mode: 'bundle', faults: ['reload-refused'] }), spec('conv', 'cat9300', { mode: 'bundle' })],
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
});
