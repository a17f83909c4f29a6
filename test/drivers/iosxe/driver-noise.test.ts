// The IOS-XE driver against lab devices whose terminals behave like real
// ones: log messages anywhere (terminal monitor on from login, and on a
// line that ignores terminal no monitor), the exec timestamp header, and a
// command that never gives its prompt back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { IosxeSession } from '../../../src/drivers/iosxe/session.js';
import { ImageServer } from '../../../src/engine/image-server.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import type { Transcript } from '../../../src/drivers/ssh/channel.js';
import { ALONE, imageFiles, imageFor, imageSpec, iosxeTarget, labKnownHosts, SETTINGS } from '../../helpers/lab-targets.js';

const spec = (hostname: string, kind: string, faults: string[], extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults, site: 'lab', role: 't', group: 't', ...extra });
/**
 * As often as a test can make it: after most prompts, inside most outputs, every few
 * milliseconds; the prompt never printed again after a message (the case that stalls a
 * reader waiting for a prompt at the end), or half the time.
 */
const NOISY = { everyMs: 400, afterPrompt: 0.7, afterPromptLater: 0.5, betweenLines: 0.7, reprint: 0, glued: false };

let lab: Lab;
let known: KnownHosts;
let server: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50, imageSize: 256 * 1024,
    fleet: [spec('rtr', 'asr1001x', ['syslog', 'timestamps'], { version: '16.12.4', mode: 'bundle' }), spec('stk', 'cat9300-stack', ['syslog-sticky', 'timestamps']),
      spec('hang', 'cat9300', ['hung'])],
  });
  lab.device('rtr').state.syslog = { ...NOISY, reprint: 0.5 };
  lab.device('stk').state.syslog = { ...NOISY };
  known = labKnownHosts(lab);
  server = new ImageServer({ files: imageFiles(lab), listen: '127.0.0.1' });
  await server.start();
});
afterAll(async () => {
  await server?.stop();
  await lab?.stop();
});

function driver(host: string, timeouts = {}) {
  const sent: string[] = [];
  const received: string[] = [];
  const transcript: Transcript = { write: (dir, text) => void (dir === 'sent' ? sent : received).push(text) };
  return { d: new IosxeDriver(iosxeTarget(lab, host), { knownHosts: known, acceptNewHostKeys: false, transcript, timeouts }), sent, received };
}

/** How many log lines and timestamp headers the device really sent. */
const noiseIn = (received: string[]) => ({ logs: (received.join('').match(/: %[A-Z_]+-\d-[A-Z0-9_]+: /g) ?? []).length, headers: (received.join('').match(/Load for five secs/g) ?? []).length });

/** The facts a quiet device of the same state would give. */
function expectedFacts(host: string) {
  const st = lab.device(host).state;
  return { hostname: host, version: st.version, model: st.model.pid, serial: st.serial, bootMode: st.mode, image: st.runningImage, filesystem: st.fs, flashTotal: st.model.flashTotal, flashFree: st.freeBytes(), bootVariable: st.bootSaved, configRegister: st.model.configRegister, cpu5min: st.cpu5, configSaved: true };
}

describe('IOS-XE driver: log messages and timestamp headers everywhere', () => {
  it('reads a noisy 16.x bundle-mode router right, again and again, and turns monitoring off after login', async () => {
    let logs = 0;
    for (let i = 0; i < 5; i++) {
      const { d, sent, received } = driver('rtr');
      const f = await d.facts({ readiness: true });
      await d.close();
      expect(f).toMatchObject(expectedFacts('rtr'));
      expect(f.redundancy).toMatchObject({ kind: 'none', members: [] });
      expect(f.install?.packages).toEqual([{ state: 'C', version: expect.stringMatching(/^16\.12\.4\.0\.\d+$/) }]);
      expect(f.files.map((x) => x.name)).toContain('asr1001x-universalk9.16.12.04.SPA.bin');
      expect(sent).toContain('terminal length 0\nterminal width 511\nterminal no monitor\n');
      expect(noiseIn(received).headers).toBeGreaterThanOrEqual(2);
      logs += noiseIn(received).logs;
    }
    expect(logs).toBeGreaterThan(0);
  });

  it('upgrades a stack in install mode whose line keeps logging after terminal no monitor: every member on the target, commit done', async () => {
    const { d, sent, received } = driver('stk');
    const f = await d.facts({ readiness: true });
    expect(f).toMatchObject(expectedFacts('stk'));
    expect(f.redundancy.members.map((m) => [m.number, m.state, m.version])).toEqual([[1, 'Ready', '17.6.5'], [2, 'Ready', '17.6.5'], [3, 'Ready', '17.6.5']]);
    const image = imageSpec(imageFor(lab, 'stk'));
    const plan = d.rules.plan(f, { targetVersion: image.version, image, settings: SETTINGS });
    expect(d.rules.precheck(f, plan, ALONE).filter((c) => !c.ok)).toEqual([]);
    const snap = await d.snapshot();
    expect(snap.interfaces.length).toBe(lab.device('stk').state.interfaces.length);
    expect(snap.arp).toBe(lab.device('stk').state.arpCount);
    await d.stage(plan, { method: 'http', url: server.url('127.0.0.1', 'stk', image.file) });
    await d.verify(plan);
    const since = Date.now();
    await d.activate(plan);
    const back = await d.waitForReturn({ version: '17.9.5', timeoutMs: 20_000, since, pollMs: 50 });
    expect(back.message).toMatch(/\(all 3 members\)$/);
    expect(lab.device('stk').state.members.map((m) => [m.version, m.state])).toEqual([['17.9.5', 'Ready'], ['17.9.5', 'Ready'], ['17.9.5', 'Ready']]);
    await d.commit(plan);
    const after = await d.facts();
    expect(after.install).toMatchObject({ uncommitted: false, autoAbortTimer: null });
    await d.close();
    expect(sent.filter((t) => /^install /.test(t))).toEqual([`install add file flash:${image.file} activate\n`, 'install commit\n']);
    // The noise was there all along: many log lines (the line ignores terminal no monitor) and headers.
    expect(noiseIn(received).logs).toBeGreaterThan(5);
    expect(noiseIn(received).headers).toBeGreaterThan(5);
  });
});

describe('IOS-XE driver: a command that never returns', () => {
  it('fails after the timeout naming the device, the step, the command and what the device said; the next facts come from a fresh session', async () => {
    const dev = lab.device('hang').state;
    const logins = dev.count('login');
    const { d } = driver('hang', { command: 1_000 });
    const err = await d.facts().catch((e) => e);
    expect(err).toMatchObject({ device: 'hang', step: 'facts', kind: 'timeout', transient: true });
    expect(err.message).toMatch(/^hang: facts: "show install summary" \(typed ahead with \d+ other read-only commands\) did not return to the prompt within 1 s; the session was closed \(a new one is opened for the next command\); the device said: .*hang#show install summary/);
    const f = await d.facts();
    expect(f.install).toMatchObject({ uncommitted: false, packages: [{ state: 'C', version: expect.stringMatching(/^17\.6\.5\./) }] });
    expect(dev.count('login')).toBe(logins + 2);
    await d.close();
  });

  it('closes a session whose command timed out: late output never reaches a later read', async () => {
    lab.device('hang').state.hangOn.push('show boot');
    const target = iosxeTarget(lab, 'hang');
    const s = await IosxeSession.open(target, { knownHosts: known, acceptNewHostKeys: false, timeouts: { command: 800 } });
    const err = await s.run('show boot', { step: 'probe' }).catch((e) => e);
    expect(err.message).toMatch(/^hang: probe: "show boot" did not return to the prompt within 1 s; the session was closed/);
    expect(s.isClosed).toBe(true);
    const next = await s.run('show version', { step: 'probe' }).catch((e) => e);
    expect(next).toMatchObject({ kind: 'closed' });
    expect(next.message).toContain('"show version" was not sent');
    const fresh = await IosxeSession.open(target, { knownHosts: known, acceptNewHostKeys: false });
    expect(await fresh.run('show version')).toMatch(/^Cisco IOS XE Software, Version 17\.06\.05/);
    fresh.close();
  });
});
