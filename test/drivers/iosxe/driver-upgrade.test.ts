// Every upgrade mode, model family and lab fault through the IOS-XE driver,
// against the lab on 127.0.0.1 and the built-in image server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { ImageServer } from '../../../src/engine/image-server.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import type { ActivationPlan } from '../../../src/drivers/contract.js';
import type { Transcript } from '../../../src/drivers/ssh/channel.js';
import { deviceSecret } from '../../../src/lab/iosxe/render.js';
import { ALONE, imageFiles, imageFor, imageSpec, iosxeTarget, labKnownHosts, SETTINGS } from '../../helpers/lab-targets.js';
import { tempDir } from '../../helpers/workbooks.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let known: KnownHosts;
let files: Map<string, string>;
let server: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 60, imageSize: 512 * 1024,
    fleet: [
      spec('inst', 'cat9300'), spec('one', 'c8000v'), spec('bun', 'asr1001x', { mode: 'bundle' }), spec('conv', 'cat9300', { mode: 'bundle' }),
      spec('sup', 'cat9400', { version: '16.12.4' }), spec('stk', 'cat9300-stack'), spec('back', 'isr4451'), spec('scp', 'isr4451'),
      spec('drop', 'cat9300', { faults: ['disconnect-copy'] }), spec('bad', 'cat9300', { faults: ['corrupt'] }), spec('full', 'cat9300', { faults: ['flash-full'] }),
      spec('gone', 'c8000v', { faults: ['never-returns'] }), spec('old', 'c8000v', { faults: ['old-version'] }), spec('rekey', 'c8000v', { faults: ['host-key'] }), spec('cfg', 'cat9300'), spec('cfghang', 'cat9300'),
    ],
  });
  known = labKnownHosts(lab);
  files = imageFiles(lab);
  server = new ImageServer({ files, listen: '127.0.0.1' });
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

async function stageAndActivate(host: string, settings = SETTINGS) {
  const p = await prepare(host, settings);
  await p.d.stage(p.plan, p.source);
  await p.d.verify(p.plan);
  const since = Date.now();
  const act = await p.d.activate(p.plan);
  return { ...p, since, act };
}

const waitBack = (d: IosxeDriver, version: string, since: number, timeoutMs = 15_000) => d.waitForReturn({ version, timeoutMs, since, pollMs: 100 });

describe('IOS-XE driver: upgrades', () => {
  it('install mode: stage over HTTP, verify, activate without commit, back on the target, commit; one reload', async () => {
    const { d, plan, since, act, image } = await stageAndActivate('inst');
    expect(plan.kind).toBe('install');
    expect(act.sent).toEqual(['write memory', `install add file flash:${image.file} activate`]);
    const back = await waitBack(d, '17.9.5', since);
    expect(back.message).toMatch(/^back on 17\.9\.5 after \d+ s$/);
    // One login refused as the device went down, then none until its port opened.
    expect((back.data as { attempts?: number } | undefined)?.attempts).toBe(2);
    expect((await d.facts()).install).toMatchObject({ uncommitted: true });
    await d.commit(plan);
    const f = await d.facts();
    expect(f.install).toMatchObject({ uncommitted: false, autoAbortTimer: null });
    await d.close();
    expect(lab.device('inst').state.count('reload')).toBe(1);
    expect(server.log.filter((t) => t.device === 'inst')).toMatchObject([{ ok: true, sent: image.size }]);
  });

  it('tells a saved configuration from its header lines without reading it whole; the backup reads both configurations in one exchange', async () => {
    const reads = () => lab.device('cfg').state.journal.filter((e) => e.kind === 'command' && /show (running|startup)-config$/.test(e.detail)).length;
    const sent: string[] = [];
    const received: string[] = [];
    const transcript: Transcript = { write: (dir, text) => void (dir === 'sent' ? sent : received).push(text) };
    const d = new IosxeDriver(iosxeTarget(lab, 'cfg'), { knownHosts: known, acceptNewHostKeys: false, transcript });
    expect((await d.facts({ readiness: true })).configSaved).toBe(true);
    expect(reads()).toBe(0);
    // The whole facts read is one write of typed-ahead commands after the terminal settings.
    expect(sent.filter((t) => t.includes('show version'))).toEqual([expect.stringMatching(/^show version\ndir\nshow install summary\n.*\nshow running-config \| include \^! \(Last configuration change\|No configuration change\|NVRAM config last updated\)\n$/s)]);
    const backup = await d.backup(tempDir());
    expect(reads()).toBe(2);
    expect(backup.sent).toEqual(['show running-config', 'show startup-config']);
    expect(sent).toContain('show running-config\nshow startup-config\n');
    expect(readFileSync(backup.data!.file as string, 'utf8')).toMatch(/^hostname cfg$/m);
    // The backup keeps the device's own secrets as the device stores them; the transcript records the configurations by size only.
    const secrets = [deviceSecret(lab.device('cfg').state, 'tacacs'), deviceSecret(lab.device('cfg').state, 'snmp')];
    for (const x of secrets) expect(readFileSync(backup.data!.file as string, 'utf8')).toContain(x);
    expect(received.join('')).toMatch(/\(running and startup configuration: \d+ bytes, not recorded\)/);
    // A change after the save: the header lines no longer settle it, both configurations are read and compared.
    const st = lab.device('cfg').state;
    st.loggingBuffered = 64000;
    st.configChanged();
    expect((await d.facts({ readiness: true })).configSaved).toBe(false);
    expect(reads()).toBe(4);
    for (const x of secrets) expect(received.join(''), x).not.toContain(x);
    // Changed back: the header still shows a change after the save, the texts are the same again.
    st.loggingBuffered = st.loggingBufferedSaved;
    st.configChanged();
    expect((await d.facts({ readiness: true })).configSaved).toBe(true);
    expect(reads()).toBe(6);
    await d.close();
  });

  it('never copies a present, verified image again', async () => {
    const { d, plan, source } = await prepare('inst');
    const before = server.log.length;
    const r = await d.stage(plan, source);
    await d.close();
    expect(r.outcome).toBe('skipped');
    expect(r.message).toContain('already on flash: with the right digest; not copied again');
    expect(server.log.length).toBe(before);
  });

  it('one-shot install with commit when commit_after_postcheck is off', async () => {
    const { d, plan, since, act } = await stageAndActivate('one', { ...SETTINGS, commitAfterPostcheck: false });
    expect(plan.kind).toBe('install-oneshot');
    expect(act.sent.at(-1)).toMatch(/activate commit$/);
    await waitBack(d, '17.9.5', since);
    expect((await d.facts()).install?.uncommitted).toBe(false);
    expect((await d.commit(plan)).outcome).toBe('skipped');
    await d.close();
  });

  it('bundle mode: boot system, save, reload; rollback restores the previous boot variable', async () => {
    const { d, plan, since, f } = await stageAndActivate('bun');
    expect(plan.kind).toBe('bundle');
    expect(plan.previousBoot).toEqual(f.bootVariable);
    await waitBack(d, '17.9.5', since);
    const rolled = Date.now();
    const rb = await d.rollback(plan);
    expect(rb.sent).toEqual(['configure terminal', 'no boot system', `boot system ${f.bootVariable[0]}`, 'end', 'write memory', 'reload']);
    await waitBack(d, '17.6.5', rolled);
    expect((await d.facts()).image).toBe(f.image);
    await d.close();
    expect(lab.device('bun').state.count('reload')).toBe(2);
  });

  it('bundle to install conversion when convert_to_install is set', async () => {
    const { d, plan, since } = await stageAndActivate('conv', { ...SETTINGS, convertToInstall: true });
    expect(plan.kind).toBe('convert');
    await waitBack(d, '17.9.5', since);
    const f = await d.facts();
    expect(f).toMatchObject({ bootMode: 'install', image: 'flash:packages.conf', bootVariable: ['flash:packages.conf'] });
    await d.close();
  });

  it('dual supervisor across trains (16.12 → 17.9): no ISSU, an install with one reload', async () => {
    const { d, plan, since } = await stageAndActivate('sup');
    expect(plan.kind).toBe('install');
    await waitBack(d, '17.9.5', since);
    await d.close();
  });

  it('stack: every member comes back on the target', async () => {
    const { d, since } = await stageAndActivate('stk');
    await waitBack(d, '17.9.5', since);
    const f = await d.facts();
    expect(f.redundancy.members.map((m) => m.version)).toEqual(['17.9.5', '17.9.5', '17.9.5']);
    await d.close();
  });

  it('rollback of an uncommitted install: install abort, back on the previous version', async () => {
    const { d, plan, since } = await stageAndActivate('back');
    await waitBack(d, '17.9.5', since);
    const rolled = Date.now();
    expect((await d.rollback(plan)).sent).toEqual(['install abort']);
    await waitBack(d, '17.6.5', rolled);
    await d.close();
  });

  it('SCP push, turning ip scp server on only for the transfer', async () => {
    const { d, image, plan } = await prepare('scp');
    const progress: number[] = [];
    const withHooks = new IosxeDriver(iosxeTarget(lab, 'scp'), { knownHosts: known, acceptNewHostKeys: false, hooks: { onProgress: (p) => progress.push(p.done) } });
    const r = await withHooks.stage(plan, { method: 'scp', localFile: files.get(image.file)! });
    const reads = ['show running-config', 'show startup-config'];
    expect(r.sent).toEqual(['show running-config | include ^ip scp server enable', ...reads, 'ip scp server enable', `scp (push) ${image.file} → bootflash:${image.file}`, 'no ip scp server enable', ...reads]);
    expect(progress.at(-1)).toBe(image.size);
    await withHooks.verify(plan);
    expect(lab.device('scp').state.scpServer).toBe(false);
    await withHooks.close();
    await d.close();
  });
});

describe('IOS-XE driver: faults', () => {
  it('disconnect mid-copy: a transient error naming the step; the retry replaces the partial file', async () => {
    const { d, plan, source, image } = await prepare('drop');
    const err = await d.stage(plan, source).catch((e) => e);
    expect(err).toMatchObject({ kind: 'closed', transient: true, device: 'drop', step: 'stage' });
    expect(lab.device('drop').state.files.get(image.file)!.size).toBeLessThan(image.size!);
    const again = await d.stage(plan, source);
    expect(again.message).toContain('replacing a different file of that name');
    await d.verify(plan);
    await d.close();
  });

  it('corrupt image: the verify fails with both digests, permanently; nothing is activated', async () => {
    const { d, plan, source, image } = await prepare('bad');
    await d.stage(plan, source);
    const err = await d.verify(plan).catch((e) => e);
    expect(err).toMatchObject({ kind: 'hash-mismatch', transient: false });
    expect(err.message).toMatch(new RegExp(`bad: verify: flash:${image.file.replace(/\./g, '\\.')} does not match the Images sheet: the device computed sha512 [0-9a-f]{128}, the sheet says ${image.sha512}`));
    await d.close();
    expect(lab.device('bad').state.count('reload')).toBe(0);
  });

  it('a configuration read that never ends: the error says so without quoting the configuration', async () => {
    const st = lab.device('cfghang').state;
    st.hangOn.push('show startup-config');
    const d = new IosxeDriver(iosxeTarget(lab, 'cfghang'), { knownHosts: known, acceptNewHostKeys: false, timeouts: { operation: 1500 } });
    const err = await d.backup(tempDir()).catch((e: Error) => e);
    await d.close();
    expect(err).toMatchObject({ kind: 'timeout' });
    expect((err as Error).message).toMatch(/cfghang: backup: "show startup-config" \(typed ahead with 1 other read-only commands\) did not return to the prompt within 2 s.*the device said: \(the configuration being read is not quoted\)/);
    // The running configuration had come whole before the hang: none of it is in the message.
    for (const line of ['transport input ssh', 'Authorized access only', deviceSecret(st, 'snmp')]) expect((err as Error).message).not.toContain(line);
  });

  it('flash full: the pre-check blocks with the figures', async () => {
    const { d, f, plan } = await prepare('full');
    await d.close();
    const flash = d.rules.precheck(f, plan, ALONE).find((c) => c.name === 'flash')!;
    expect(flash.ok).toBe(false);
    expect(flash.detail).toMatch(/^[\d.]+ MB free < [\d.]+ MB needed \(image × 2\.5\)$/);
  });

  it('a target older than the running release is refused unless Settings allow_downgrade', async () => {
    const { d, f, plan } = await prepare('full');
    await d.close();
    const back = { ...plan, targetVersion: '17.3.8' };
    expect(d.rules.precheck(f, back, ALONE).find((c) => c.name === 'upgrade-path')).toEqual({ name: 'upgrade-path', ok: false, detail: '17.3.8 is older than the running 17.6.5: a downgrade is refused unless Settings allow_downgrade is yes' });
    expect(d.rules.precheck(f, back, { ...ALONE, settings: { ...SETTINGS, allowDowngrade: true } }).find((c) => c.name === 'upgrade-path')?.ok).toBe(true);
    expect(d.rules.precheck(f, plan, ALONE).some((c) => c.name === 'upgrade-path')).toBe(false);
  });

  it('never returns: not-returned after the reload timeout', async () => {
    const { d, since } = await stageAndActivate('gone');
    const err = await waitBack(d, '17.9.5', since, 2500).catch((e) => e);
    expect(err).toMatchObject({ kind: 'not-returned', transient: false });
    expect(err.message).toContain('did not come back on 17.9.5 within 3 s');
  });

  it('returns on the old version: a wrong-version error, not a wait', async () => {
    const { d, since } = await stageAndActivate('old');
    const err = await waitBack(d, '17.9.5', since).catch((e) => e);
    expect(err).toMatchObject({ kind: 'wrong-version' });
    expect(err.message).toContain('came back on 17.6.5, not 17.9.5');
    await d.close();
  });

  it('changed host key after the reload: refused at once', async () => {
    const { d, since } = await stageAndActivate('rekey');
    const logins = () => lab.device('rekey').state.journal.filter((e) => e.kind === 'login').length;
    const before = logins();
    const err = await waitBack(d, '17.9.5', since).catch((e) => e);
    // Refused at the first contact: a wait that went on would end as not-returned, and no login is tried.
    expect(err).toMatchObject({ kind: 'host-key', transient: false });
    expect(err.message).toContain('has CHANGED');
    expect(logins()).toBe(before);
  });

  it('lists the exact commands of each step for the plan and the gate', async () => {
    const { d, plan, source, image } = await prepare('inst');
    await d.close();
    const p: ActivationPlan = { ...plan, kind: 'bundle', stack: true };
    expect(d.rules.commandsFor('activate', p)).toEqual(['configure terminal', 'no boot system', `boot system switch all flash:${image.file}`, 'end', 'write memory', 'reload']);
    expect(d.rules.commandsFor('stage', plan, { source })).toEqual(['dir flash:', `copy ${source.url} flash:${image.file}`]);
    expect(d.rules.commandsFor('verify', plan)).toEqual([`verify /sha512 flash:${image.file}`]);
    expect(d.rules.commandsFor('cleanup', plan)).toEqual(['install remove inactive']);
    void tempDir;
  });
});
