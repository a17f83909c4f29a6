// Activations found half done, through the IOS-XE driver against the lab: what
// a run started after a kill finds (the add went on, the activation not yet
// reloaded, a bundle boot variable already saved) and a session lost before
// the disruptive command was sent (an activation's or a rollback's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { DeviceChaos } from '../../../src/lab/chaos.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { ImageServer } from '../../../src/engine/image-server.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import { ALONE, imageFiles, imageFor, imageSpec, iosxeTarget, labKnownHosts, SETTINGS } from '../../helpers/lab-targets.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let known: KnownHosts;
let server: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 60, imageSize: 512 * 1024,
    fleet: [spec('bun2', 'asr1001x', { mode: 'bundle' }), spec('bun3', 'asr1001x', { mode: 'bundle' }), spec('prep', 'isr4451'), spec('pend', 'c8000v'), spec('late', 'cat9300')],
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

async function prepare(host: string, settings = SETTINGS) {
  const d = driver(host);
  const f = await d.facts();
  const image = imageSpec(imageFor(lab, host));
  const plan = d.rules.plan(f, { targetVersion: image.version, image, settings });
  const source = { method: 'http' as const, url: server.url('127.0.0.1', host, image.file) };
  return { d, f, image, plan, source };
}

const waitBack = (d: IosxeDriver, version: string, since: number, timeoutMs = 15_000) => d.waitForReturn({ version, timeoutMs, since, pollMs: 100 });

/** The lab drops the session once, part way through the first output of `command` (the seam the lab's chaos offers). */
class DropOnce extends DeviceChaos {
  private fired = false;
  constructor(private readonly command: string) {
    super(0, 0, 'drop-once');
  }
  override nextCommand(command?: string): number | null {
    if (this.fired || command !== this.command) return null;
    this.fired = true;
    return 10;
  }
}

describe('IOS-XE driver: activations found half done', () => {
  it('bundle mode, activation stopped after saving the boot variable: the pre-check accepts the target it names (not another image), and the activation goes on with one reload', async () => {
    const { d, plan, source, image, f: before } = await prepare('bun2');
    await d.stage(plan, source);
    await d.verify(plan);
    const st = lab.device('bun2').state;
    const saved = [...st.bootSaved];
    // What the activation's `boot system` and `write memory` left before its reload was sent.
    st.bootConfig = [`bootflash:${image.file}`];
    st.bootSaved = [`bootflash:${image.file}`];
    const facts = await d.facts({ readiness: true });
    const boot = d.rules.precheck(facts, plan, ALONE).find((c) => c.name === 'boot-variable')!;
    expect(boot).toMatchObject({ ok: true, detail: `boots bootflash:${image.file} (the target image: an activation that did not reload yet set it)` });
    st.bootConfig = ['bootflash:asr1001x-other.bin'];
    st.bootSaved = ['bootflash:asr1001x-other.bin'];
    expect(d.rules.precheck(await d.facts({ readiness: true }), plan, ALONE).find((c) => c.name === 'boot-variable')!.ok).toBe(false);
    st.bootConfig = [`bootflash:${image.file}`];
    st.bootSaved = [`bootflash:${image.file}`];
    const resumed = d.rules.plan(await d.facts(), { targetVersion: image.version, image, settings: SETTINGS });
    expect(resumed.kind).toBe('bundle');
    // The way back is the image it ran, not the boot variable it was left with.
    expect(resumed.previousBoot).toEqual([before.image]);
    expect(resumed.previousBoot).toEqual(before.bootVariable);
    const since = Date.now();
    await d.activate(resumed);
    await waitBack(d, '17.9.5', since);
    await d.close();
    expect(st.count('reload')).toBe(1);
    expect(st.bootSaved).not.toEqual(saved);
  });

  it('install mode, the target added after the plan was made (an interrupted attempt\'s add went on): the refused add is followed by install activate at once, one reload', async () => {
    const { d, plan, source, image } = await prepare('late');
    expect(plan).toMatchObject({ kind: 'install', added: false });
    await d.stage(plan, source);
    await d.verify(plan);
    // What the add of a killed run left on the device after upshift looked.
    const st = lab.device('late').state;
    st.writeInstallFiles('17.9.5', image.size!);
    st.packages.push({ version: '17.9.5', state: 'I', file: image.file });
    const since = Date.now();
    // The refusal came back with a prompt: the activation goes on at once. Waiting for a drop
    // that does not come (2 min) would run past the test's 30 s limit.
    const act = await d.activate(plan);
    expect(act.sent).toEqual(['write memory', `install add file flash:${image.file} activate`, 'install activate']);
    await waitBack(d, '17.9.5', since);
    await d.close();
    expect(st.count('reload')).toBe(1);
  });

  it('a session lost before the disruptive command (during write memory) is opened again and the activation goes on: one install command, one reload', async () => {
    const { d, plan, source, image } = await prepare('prep');
    await d.stage(plan, source);
    await d.verify(plan);
    const dev = lab.device('prep');
    dev.chaos = new DropOnce('write memory');
    const since = Date.now();
    const act = await d.activate(plan);
    expect(dev.state.journal.filter((e) => e.kind === 'chaos').map((e) => e.detail)).toEqual(['session-drop: after 10 characters of "write memory"']);
    expect(act.sent).toEqual(['write memory', `install add file bootflash:${image.file} activate`]);
    expect(dev.state.journal.filter((e) => e.kind === 'command' && /install add/.test(e.detail))).toHaveLength(1);
    await waitBack(d, '17.9.5', since);
    await d.close();
    expect(dev.state.count('reload')).toBe(1);
  });

  it('a rollback whose session is lost during its write memory is opened again and goes on: one rollback reload, back on the old version', async () => {
    const { d, plan, source } = await prepare('bun3');
    await d.stage(plan, source);
    await d.verify(plan);
    let since = Date.now();
    await d.activate(plan);
    await waitBack(d, '17.9.5', since);
    const dev = lab.device('bun3');
    dev.chaos = new DropOnce('write memory');
    since = Date.now();
    const back = await d.rollback(plan);
    expect(dev.state.journal.filter((e) => e.kind === 'chaos').map((e) => e.detail)).toEqual(['session-drop: after 10 characters of "write memory"']);
    expect(back.sent.at(-1)).toBe('reload');
    await waitBack(d, '17.6.5', since);
    await d.close();
    expect(dev.state.count('reload')).toBe(2);
  });

  it('an install activated but not yet reloaded (the target uncommitted, the old version still running) counts as activated; added only, it does not', async () => {
    const { d, plan, image } = await prepare('pend');
    const st = lab.device('pend').state;
    st.writeInstallFiles('17.9.5', image.size!);
    const pkg: { version: string; state: 'I' | 'U' | 'C'; file: string } = { version: '17.9.5', state: 'I', file: image.file };
    st.packages.push(pkg);
    expect(d.rules.stepHappened('activate', await d.facts(), plan, '17.9.5')).toBe(false);
    pkg.state = 'U';
    const f = await d.facts();
    expect(f.version).toBe('17.6.5');
    expect(d.rules.stepHappened('activate', f, plan, '17.9.5')).toBe(true);
    await d.close();
  });
});
