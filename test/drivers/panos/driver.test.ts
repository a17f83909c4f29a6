// The PAN-OS driver against the lab's HTTPS XML API and Panorama.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { PanosDriver, type PanosDriverOptions } from '../../../src/drivers/panos/driver.js';
import { poolUsers } from '../../../src/drivers/panos/pool.js';
import { baseImage } from '../../../src/drivers/panos/paths.js';
import { parseDiskSpace } from '../../../src/drivers/panos/parse-system.js';
import type { ActivationPlan, ApiAuth, DeviceTarget } from '../../../src/drivers/contract.js';
import { ALONE } from '../../helpers/lab-targets.js';

const fw = (hostname: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind: 'panos', version: '10.2.9-h1', target: '11.1.4-h7', faults: [], site: 'lab', role: 'fw', group: 'fw', ...extra });

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 80,
    fleet: [
      fw('fw-a', { haPeer: 'fw-b', haRole: 'active', via: 'pano' }), fw('fw-b', { haPeer: 'fw-a', haRole: 'passive', via: 'pano' }),
      fw('fw-solo'), fw('fw-odd', { faults: ['disk-full', 'pending-changes'] }), fw('fw-busy', { faults: ['busy'] }), fw('fw-busy-job', { faults: ['busy-job'] }), fw('fw-busy-long', { faults: ['busy'] }), fw('fw-deny', { faults: ['auth'] }),
      fw('fw-rst-err', { faults: ['restart-error-envelope'] }), fw('fw-rst-drop', { faults: ['restart-drop'] }), fw('fw-mp-slow', { faults: ['mp-not-ready'] }),
      { hostname: 'pano', kind: 'panorama', version: '11.1.4-h7', target: null, faults: [], site: 'lab', role: 'pano', group: 'mgmt' },
    ],
  });
});
afterAll(async () => lab?.stop());

const auth = (extra: Partial<ApiAuth> = {}): ApiAuth => ({ username: lab.credentials.username, password: lab.credentials.password, verifyTls: false, ...extra });
function target(hostname: string, opts: { viaPano?: boolean; auth?: ApiAuth } = {}): DeviceTarget {
  const { host, port } = lab.endpoint(hostname);
  const pano = lab.endpoint('pano');
  return { hostname, host, port, platform: 'panos', api: opts.auth ?? auth(), via: opts.viaPano ? { hostname: 'pano', host: pano.host, port: pano.port, api: opts.auth ?? auth() } : null };
}
const driver = (hostname: string, opts: { viaPano?: boolean; auth?: ApiAuth } = {}, extra: Partial<PanosDriverOptions> = {}) => new PanosDriver(target(hostname, opts), { pollMs: 20, ...extra });
const plan = (from: string): ActivationPlan => ({ kind: 'panos', image: null, targetVersion: '11.1.4-h7', filesystem: '', previousBoot: [], previousVersion: from, stack: false, hops: ['11.1.4-h7'], baseImages: ['11.1.0'] });

describe('PAN-OS driver', () => {
  it('reads facts directly and through Panorama (target=serial), with HA state', async () => {
    const direct = await driver('fw-a').facts({ readiness: true });
    const proxied = await driver('fw-a', { viaPano: true }).facts();
    expect(direct).toMatchObject({ hostname: 'fw-a', platform: 'panos', model: 'PA-3220', version: '10.2.9-h1', serial: lab.panos.firewall('fw-a').serial, readiness: { pendingChanges: false }, pairRole: 'active', softwareSource: 'check' });
    expect(proxied).toMatchObject({ readiness: null, softwareSource: 'info' });
    expect(proxied.serial).toBe(direct.serial);
    expect(direct.ha).toMatchObject({ local: 'active', peer: 'passive', peerVersion: '10.2.9-h1', sync: 'synchronized', peerConnected: true });
    expect(direct.software.map((s) => s.version)).toContain('11.1.4-h7');
  });

  it('pre-checks: disk, pending changes, upgrade path with its base image, HA', async () => {
    const d = driver('fw-a');
    const fa = await d.facts({ readiness: true });
    const good = d.rules.precheck(fa, d.rules.plan(fa, { targetVersion: '11.1.4-h7', image: null, settings: ALONE.settings }), ALONE);
    expect(good.filter((c) => !c.ok)).toEqual([]);
    expect(good.find((c) => c.name === 'upgrade-path')!.detail).toBe('10.2.9-h1 → 11.1.4-h7 through base image 11.1.0');
    const bad = driver('fw-odd');
    const fo = await bad.facts({ readiness: true });
    const checks = bad.rules.precheck(fo, bad.rules.plan(fo, { targetVersion: '11.1.4-h7', image: null, settings: ALONE.settings }), ALONE);
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['disk', 'pending-changes']);
    expect(checks.find((c) => c.name === 'disk')!.detail).toMatch(/^500 MB free on \/opt\/panrepo < \d+ MB needed$/);
  });

  it('downloads the base image and the target as jobs, then never again', async () => {
    const d = driver('fw-solo');
    const first = await d.stage(plan('10.2.9-h1'), null);
    expect(first.sent).toEqual(['request system software check', 'request system software download version 11.1.0', 'request system software download version 11.1.4-h7']);
    expect((await d.verify(plan('10.2.9-h1'))).outcome).toBe('ok');
    expect((await d.stage(plan('10.2.9-h1'), null)).outcome).toBe('skipped');
  });

  it('upgrades a standalone firewall: install job (nothing restarts), restart, back on the target with the chassis ready', async () => {
    const d = driver('fw-solo');
    const installed = await d.install(plan('10.2.9-h1'));
    expect(installed.sent).toEqual(['request system software install version 11.1.4-h7']);
    expect(installed.message).toBe('11.1.4-h7 installed for the next boot; nothing restarted');
    expect(lab.panos.firewall('fw-solo').count('reboot')).toBe(0);
    expect((await d.facts()).version).toBe('10.2.9-h1');
    const since = Date.now();
    expect((await d.activate(plan('10.2.9-h1'))).sent).toEqual(['request restart system']);
    const back = await d.waitForReturn({ version: '11.1.4-h7', timeoutMs: 20_000, since, pollMs: 50 });
    expect(back.message).toBe('back on 11.1.4-h7, chassis ready');
    expect(lab.panos.firewall('fw-solo').count('reboot')).toBe(1);
  });

  it('a restart answered with an error envelope or not answered at all, and a management server answering error 22 at first, all come back', async () => {
    const cases: [string, RegExp][] = [
      ['fw-rst-err', /^the firewall restarts \(it answered "Command succeeded with no output" as an error\)$/],
      ['fw-rst-drop', /^the firewall restarts, or not: the connection went before its answer \(.+\); the wait tells$/],
      ['fw-mp-slow', /^the firewall restarts$/],
    ];
    for (const [host, said] of cases) {
      const d = driver(host);
      await d.stage(plan('10.2.9-h1'), null);
      await d.install(plan('10.2.9-h1'));
      const since = Date.now();
      const r = await d.activate(plan('10.2.9-h1'));
      expect(r.message, host).toMatch(said);
      expect((await d.waitForReturn({ version: '11.1.4-h7', timeoutMs: 20_000, since, pollMs: 20 })).message, host).toBe('back on 11.1.4-h7, chassis ready');
      expect(lab.panos.firewall(host).count('reboot'), host).toBe(1);
    }
    // The error 22 answers were seen during the wait, not only assumed.
    expect(lab.panos.firewall('fw-mp-slow').count('api-error')).toBeGreaterThan(0);
  });

  it('an HA pair through Panorama: passive first, then suspend the active (switchover), upgrade it, make it functional', async () => {
    const b = driver('fw-b', { viaPano: true });
    const a = driver('fw-a', { viaPano: true });
    await b.stage(plan('10.2.9-h1'), null);
    await b.install(plan('10.2.9-h1'));
    let since = Date.now();
    await b.activate(plan('10.2.9-h1'));
    await b.waitForReturn({ version: '11.1.4-h7', timeoutMs: 20_000, since, pollMs: 50 });
    await a.stage(plan('10.2.9-h1'), null);
    await a.install(plan('10.2.9-h1'));
    expect((await a.switchover(plan('10.2.9-h1'))).message).toBe('HA suspended here: the peer takes over');
    expect((await b.facts()).ha).toMatchObject({ local: 'active', peer: 'suspended' });
    since = Date.now();
    await a.activate(plan('10.2.9-h1'));
    await a.waitForReturn({ version: '11.1.4-h7', timeoutMs: 20_000, since, pollMs: 50 });
    expect((await a.commit(plan('10.2.9-h1'))).sent).toEqual(['show high-availability state', 'request high-availability state functional']);
    expect((await a.facts()).ha).toMatchObject({ local: 'passive', peer: 'active', sync: 'synchronized' });
    // The passive member was never suspended: its commit only verifies the pair, in full now both run the target.
    const bc = await b.commit(plan('10.2.9-h1'));
    expect(bc.sent).toEqual(['show high-availability state']);
    expect(bc.message).toBe('pair verified: this member active, peer passive, configuration synchronized, both on 11.1.4-h7');
  });

  it('waits out a busy software manager in the install step, before any restart; refused credentials are permanent', async () => {
    // Refused at once ("busy"), or enqueued and failed by the job ("busy-job"): tried again after a wait; the restart comes after.
    for (const host of ['fw-busy', 'fw-busy-job']) {
      const busy = driver(host);
      await busy.stage(plan('10.2.9-h1'), null);
      const r = await busy.install(plan('10.2.9-h1'));
      expect(r.sent.length, host).toBeGreaterThanOrEqual(2);
      expect(r.sent, host).toEqual(Array(r.sent.length).fill('request system software install version 11.1.4-h7'));
      expect(r.message, host).toMatch(/^11\.1\.4-h7 installed for the next boot \(after \d+ busy refusals?\); nothing restarted$/);
      expect(lab.panos.requests(host).filter((q) => q.cmd.includes('<install>')).length, host).toBe(r.sent.length);
      expect(lab.panos.firewall(host).count('reboot'), host).toBe(0);
      await busy.activate(plan('10.2.9-h1'));
      await busy.waitForReturn({ version: '11.1.4-h7', timeoutMs: 20_000, since: Date.now(), pollMs: 50 });
      expect(lab.panos.firewall(host).count('reboot'), host).toBe(1);
    }
    // Still busy after the last attempt: a clear error, and nothing restarted.
    const stubborn = driver('fw-busy-long', {}, { busyAttempts: 2, busyBackoffMs: 1 });
    await stubborn.stage(plan('10.2.9-h1'), null);
    const err = await stubborn.install(plan('10.2.9-h1')).catch((e) => e);
    expect(err).toMatchObject({ kind: 'api', transient: false, device: 'fw-busy-long', step: 'install' });
    expect(err.message).toMatch(/install of 11\.1\.4-h7 refused 2 times over \d+ s: the software manager stayed busy; nothing was restarted; the device said: The software manager is currently in use/);
    expect(lab.panos.firewall('fw-busy-long').count('reboot')).toBe(0);
    const denied = await driver('fw-deny').facts().catch((e) => e);
    expect(denied).toMatchObject({ kind: 'auth', transient: false, device: 'fw-deny' });
    expect(denied.message).not.toContain(lab.credentials.password);
  });

  it('verifies TLS: a self-signed certificate is refused unless trusted; a pinned fingerprint must match', async () => {
    const strict = await driver('fw-solo', { auth: auth({ verifyTls: true }) }).facts().catch((e) => e);
    expect(strict).toMatchObject({ kind: 'host-key' });
    expect(strict.message).toContain('set verify_tls: false or tls_fingerprint');
    expect((await driver('fw-solo', { auth: auth({ verifyTls: true, tlsFingerprint: lab.panos.fingerprint }) }).facts()).hostname).toBe('fw-solo');
    const pinned = await driver('fw-solo', { auth: auth({ verifyTls: true, tlsFingerprint: 'ab'.repeat(32) }) }).facts().catch((e) => e);
    expect(pinned).toMatchObject({ kind: 'host-key', transient: false });
    expect(pinned.message).toContain(`is not the pinned ${'ab'.repeat(32)}`);
  });

  it('drivers behind one Panorama share its pool: one agent, one key; the last to close frees the sockets', async () => {
    const pano = lab.endpoint('pano');
    const before = poolUsers(pano.host, pano.port, auth());
    const keygens = () => lab.panos.requests('pano').filter((q) => q.type === 'keygen').length;
    const k0 = keygens();
    const one = driver('fw-a', { viaPano: true });
    const two = driver('fw-b', { viaPano: true });
    expect(poolUsers(pano.host, pano.port, auth())).toBe(before + 2);
    await Promise.all([one.facts(), two.facts()]);
    // One keygen at most for both (none when an earlier driver of this file already got the key).
    expect(keygens() - k0).toBeLessThanOrEqual(1);
    await one.close();
    await two.close();
    await one.close();
    expect(poolUsers(pano.host, pano.port, auth())).toBe(before);
  });

  it('records each call and its answer in the transcript, never the key or the password', async () => {
    const lines: string[] = [];
    let closed = 0;
    const d = driver('fw-solo', { auth: auth() }, { transcript: { write: (dir, text) => lines.push(`${dir} ${text}`), close: () => closed++ } });
    // A fresh key slot (another user's entry would reuse a pooled key and skip keygen): keygen is recorded, its answer not.
    (d as unknown as { api: { forgetKey(): boolean } }).api.forgetKey();
    await d.facts();
    await d.close();
    const text = lines.join('');
    expect(text).toContain('sent type=keygen user=');
    expect(text).toMatch(/received HTTP 200, \d+ bytes \(not recorded\)/);
    expect(text).toContain('sent type=op cmd=<show><system><info></info></system></show>');
    expect(text).toMatch(/received HTTP 200 <response status="success">/);
    expect(text).toContain(lab.panos.firewall('fw-solo').serial);
    expect(text).not.toContain(lab.panos.firewall('fw-solo').key);
    expect(text).not.toContain(lab.credentials.password);
    expect(closed).toBe(1);
  });

  it('records the certificates read for readiness with their private keys masked', async () => {
    const lines: string[] = [];
    const d = driver('fw-solo', { auth: auth() }, { transcript: { write: (dir, text) => lines.push(`${dir} ${text}`), close: () => {} } });
    await d.facts({ readiness: true });
    await d.close();
    const text = lines.join('');
    expect(text).toContain('<public-key>-----BEGIN CERTIFICATE-----');
    expect(text).toContain('<private-key>******</private-key>');
    expect(text).not.toContain('lab-placeholder-not-a-key');
  });

  it('reads base images and disk space as PAN-OS prints them', () => {
    expect(baseImage('11.1.4-h7', '10.2.9-h1')).toBe('11.1.0');
    expect(baseImage('10.2.10', '10.2.9-h1')).toBeNull();
    expect(baseImage('12.1.4', '11.2.3')).toBe('12.1.2');
    expect(parseDiskSpace('Filesystem Size Used Avail Use% Mounted on\n/dev/md6  23G  2.2G  20G  11% /opt/panrepo\n')).toEqual({ freeMb: 20_480, totalMb: 23_552 });
  });
});
