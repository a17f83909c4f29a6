// Staging by SCP leaves the configuration as it was found, and the
// config-saved pre-check that follows judges by what the configurations say:
// through a jump host (the way such devices are staged), with an operator's
// unsaved change, and with the SCP server already configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import type { DeviceTarget } from '../../../src/drivers/contract.js';
import { ALONE, imageFiles, imageFor, imageSpec, iosxeTarget, labKnownHosts, SETTINGS } from '../../helpers/lab-targets.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let known: KnownHosts;
let files: Map<string, string>;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 60, imageSize: 256 * 1024,
    fleet: [
      spec('edge', 'isr4451', { via: 'jump' }), spec('dirty', 'isr4451', { faults: ['unsaved'] }), spec('kept', 'cat9300'),
      { hostname: 'jump', kind: 'jumphost', version: '', target: null, faults: [], site: 'lab', role: 'jump', group: 'mgmt' },
    ],
  });
  known = labKnownHosts(lab);
  files = imageFiles(lab);
});
afterAll(async () => lab?.stop());

function target(host: string): DeviceTarget {
  const t = iosxeTarget(lab, host);
  if (host !== 'edge') return t;
  const j = lab.endpoint('jump');
  return { ...t, via: { hostname: 'jump', host: j.host, port: j.port, ssh: { username: lab.credentials.username, password: lab.credentials.password } } };
}

/** Stages by SCP, then reads the facts the pre-checks read, on a new session as `run` would. */
async function stageThenCheck(host: string) {
  const d = new IosxeDriver(target(host), { knownHosts: known, acceptNewHostKeys: false });
  const image = imageSpec(imageFor(lab, host));
  const plan = d.rules.plan(await d.facts(), { targetVersion: image.version, image, settings: SETTINGS });
  const staged = await d.stage(plan, { method: 'scp', localFile: files.get(image.file)! });
  await d.verify(plan);
  await d.close();
  const later = new IosxeDriver(target(host), { knownHosts: known, acceptNewHostKeys: false });
  const facts = await later.facts({ readiness: true });
  await later.close();
  const check = later.rules.precheck(facts, plan, ALONE).find((c) => c.name === 'config-saved')!;
  return { staged, facts, check, image };
}

const saves = (host: string) => lab.device(host).state.journal.filter((e) => e.kind === 'save').length;

describe('IOS-XE driver: SCP staging and the saved configuration', () => {
  it('through a jump host: the SCP server goes on and off, nothing is saved, and the config-saved pre-check passes', async () => {
    const st = lab.device('edge').state;
    const nvram = st.nvramSaved.at.getTime();
    const { staged, facts, check, image } = await stageThenCheck('edge');
    expect(lab.jumpHosts.get('jump')!.forwarded).toContain(`127.0.0.1:${lab.device('edge').port}`);
    expect(staged.sent).toContain('ip scp server enable');
    expect(staged.sent).toContain('no ip scp server enable');
    expect(staged.sent).not.toContain('write memory');
    expect(staged.message).toBe(`${image.file} pushed with SCP to bootflash:; ip scp server enable removed again, the running configuration matches the startup configuration as before`);
    expect(st.scpServer).toBe(false);
    // The change clock moved past the last save, as on a real device; nothing was written.
    expect(st.lastChange!.at.getTime()).toBeGreaterThan(nvram);
    expect(st.nvramSaved.at.getTime()).toBe(nvram);
    expect(saves('edge')).toBe(0);
    expect(facts.configSaved).toBe(true);
    expect(check).toMatchObject({ ok: true });
  });

  it("an operator's unsaved change before staging: named in the step, not saved, and the pre-check still blocks", async () => {
    const st = lab.device('dirty').state;
    const { staged, facts, check } = await stageThenCheck('dirty');
    expect(staged.sent).not.toContain('write memory');
    expect(staged.message).toContain('the running configuration already had unsaved changes before staging (+ logging buffered 64000; - logging buffered 16384): upshift did not save them');
    expect(st.scpServer).toBe(false);
    expect(st.loggingBuffered).toBe(64000);
    expect(st.loggingBufferedSaved).toBe(16384);
    expect(saves('dirty')).toBe(0);
    expect(facts.configSaved).toBe(false);
    expect(check).toMatchObject({ ok: false, detail: 'running-config differs from startup-config (unsaved changes)' });
  });

  it('an SCP server the operator enabled (not saved) is left on, and still counts as unsaved', async () => {
    const st = lab.device('kept').state;
    st.scpServer = true;
    st.configChanged();
    const { staged, facts, check, image } = await stageThenCheck('kept');
    expect(staged.sent).toEqual(['show running-config | include ^ip scp server enable', `scp (push) ${image.file} → flash:${image.file}`]);
    expect(staged.message).toContain('ip scp server enable was already configured and is left as it was');
    expect(st.scpServer).toBe(true);
    expect(saves('kept')).toBe(0);
    expect(facts.configSaved).toBe(false);
    expect(check.ok).toBe(false);
  });
});
