// The PAN-OS rules without a device: upgrade paths (hops, base images, the
// Paths sheet), HA compatibility, the step sequence per hop, what a gate
// says, and every readiness check failing on its own with its reason.
import { describe, expect, it } from 'vitest';
import { baseImage, haCompatible, hopBases, upgradePath } from '../../../src/drivers/panos/paths.js';
import { readiness } from '../../../src/drivers/panos/checks.js';
import { gateImpact, planUpgrade, sequence, stepHappened } from '../../../src/drivers/panos/rules.js';
import type { PanosFacts, PanosReadiness } from '../../../src/drivers/panos/types.js';
import type { PrecheckContext, UpgradeSettings } from '../../../src/drivers/contract.js';
import { SETTINGS } from '../../helpers/lab-targets.js';

const OFFERED = ['9.1.17', '10.0.0', '10.0.12', '10.1.0', '10.1.14-h9', '10.2.0', '10.2.9-h1', '10.2.13-h5', '11.0.0', '11.0.6', '11.1.0', '11.1.4-h7', '11.2.0', '11.2.5', '12.1.2', '12.1.3'];

const NOW = Date.parse('2026-06-01T00:00:00Z');
const ready = (extra: Partial<PanosReadiness> = {}): PanosReadiness => ({
  pendingChanges: false, fullCommitRequired: false, locks: [], jobs: [{ id: '4', type: 'Downld', status: 'FIN', result: 'OK', progress: '100' }],
  licenses: [{ feature: 'Threat Prevention', expires: '2027-01-01T23:59:59.000Z', expired: false }, { feature: 'Premium', expires: '2027-01-01T23:59:59.000Z', expired: false }],
  support: { expires: '2027-01-01T23:59:59.000Z', level: 'Premium', source: 'update-server', error: null },
  ntp: { synched: '0.pool.ntp.org', servers: [{ name: '0.pool.ntp.org', status: 'synched', reachable: true }] },
  panorama: [], mpCpuPercent: 4, dpCpuPercent: [{ dp: 'dp0', percent: 5.5 }], mpMemoryPercent: 62, clockSkewS: [{ dp: 0, skew: 0 }], clockResolutionS: 1,
  certificates: [{ name: 'web', algorithm: 'EC', keyBits: 256, signatureHash: 'sha256', notAfter: null }], ...extra,
});

function facts(extra: Partial<PanosFacts> = {}): PanosFacts {
  return {
    platform: 'panos', hostname: 'fw-1', model: 'PA-3220', serial: '007054000000001', family: '3200', version: '10.2.9-h1', uptimeSeconds: 86_400, lastReloadReason: null,
    pairRole: null, uncommitted: null, collectedAt: new Date(NOW).toISOString(), ha: null,
    software: OFFERED.map((v) => ({ version: v, sizeMb: v.endsWith('.0') ? 1100 : 650, downloaded: v === '10.2.9-h1', current: v === '10.2.9-h1' })),
    softwareSource: 'check', softwareCheckError: null, diskFreeMb: 20_000, diskTotalMb: 23_552, appVersion: '8962-9233', threatVersion: '8962-9233', avVersion: '4712-5231',
    advancedRouting: false, multiVsys: false, deviceCertificate: 'Valid', readiness: ready(), ...extra,
  };
}

const ha = (local: string, peer: string, peerVersion = '10.2.9-h1', extra = {}) => ({
  local, localVersion: '10.2.9-h1', peer, peerVersion, sync: 'synchronized', syncEnabled: true, peerConnected: true, mode: 'Active-Passive', preemptive: false, peerPreemptive: false, priority: 100, peerPriority: 110, buildCompat: 'Match', peerSerial: null, ...extra,
});

const settings = (extra: Partial<UpgradeSettings> = {}): UpgradeSettings => ({ ...SETTINGS, ...extra });
const ctx = (extra: Partial<PrecheckContext> = {}): PrecheckContext => ({ settings: settings(), peer: null, switchoverDone: false, ...extra });
const want = (targetVersion: string, extra = {}) => ({ targetVersion, image: null, settings: settings(), ...extra });

describe('upgrade paths', () => {
  it.each([
    ['10.2.9-h1', '11.1.4-h7', ['11.1.4-h7'], [['11.1.0']]],
    ['10.2.9-h1', '10.2.13-h5', ['10.2.13-h5'], [[]]],
    // From 10.1 on, up to three feature releases in one install; before, one at a time through each train's newest release.
    ['10.0.12', '11.1.4-h7', ['10.1.14-h9', '11.1.4-h7'], [['10.1.0'], ['11.1.0']]],
    ['9.1.17', '11.1.4-h7', ['10.0.12', '10.1.14-h9', '11.1.4-h7'], [['10.0.0'], ['10.1.0'], ['11.1.0']]],
    // There is no 11.3: 12.1 is four feature releases after 10.2, and its base image is 12.1.2.
    ['10.2.9-h1', '12.1.3', ['11.2.5', '12.1.3'], [['11.2.0'], ['12.1.2']]],
    // A downgrade goes in one install and needs no base image.
    ['11.1.4-h7', '10.2.9-h1', ['10.2.9-h1'], [[]]],
  ])('%s → %s', (from, to, hops, bases) => {
    const p = upgradePath(from, to, OFFERED);
    expect(p).toEqual({ hops, source: 'rules' });
    expect(hopBases(from, p.hops)).toEqual(bases);
  });

  it('a Paths sheet row overrides the rules, matched by release or feature release', () => {
    const rules = [{ from: '10.2', to: '12.1.3', via: ['11.0.6', '11.2.5'] }];
    expect(upgradePath('10.2.9-h1', '12.1.3', OFFERED, rules)).toEqual({ hops: ['11.0.6', '11.2.5', '12.1.3'], source: 'paths-sheet' });
    expect(upgradePath('10.1.14-h9', '12.1.3', OFFERED, rules).source).toBe('rules');
    const plan = planUpgrade(facts(), want('12.1.3', { paths: rules }));
    expect(plan).toMatchObject({ hops: ['11.0.6', '11.2.5', '12.1.3'], baseImages: ['11.0.0', '11.2.0', '12.1.2'], previousVersion: '10.2.9-h1' });
  });

  it('a path through a feature release the update server does not offer is refused with what to do', () => {
    expect(() => planUpgrade(facts({ software: facts().software.filter((s) => !s.version.startsWith('10.1')), version: '10.0.12' }), want('11.1.4-h7')))
      .toThrow("fw-1: plan: 10.0.12 → 11.1.4-h7 goes through a 10.1 release, and the update server offers none: give the path in the workbook's Paths sheet (from, to, via)");
  });

  it('base images: X.Y.0 upward to another train, 12.1.2 for 12.1, none within a train or downward', () => {
    expect(baseImage('11.1.4-h7', '10.2.9-h1')).toBe('11.1.0');
    expect(baseImage('11.1.0', '10.2.9-h1')).toBeNull();
    expect(baseImage('12.1.4', '11.2.3')).toBe('12.1.2');
    expect(baseImage('10.2.13-h5', '10.2.9-h1')).toBeNull();
    expect(baseImage('10.1.14-h9', '10.2.9-h1')).toBeNull();
  });

  it.each([
    ['10.2.9-h1', '11.1.4-h7', true],
    ['10.2.9-h1', '12.1.3', true],
    ['10.1.14-h9', '10.2.9-h1', true],
    ['10.0.12', '10.2.9-h1', false],
    ['9.1.17', '11.0.6', false],
    ['10.1.14-h9', '11.1.4-h7', false],
    ['10.1.14-h9', '11.0.6', true],
  ])('HA members on %s and %s side by side: %s', (a, b, ok) => {
    expect(haCompatible(a, b).ok).toBe(ok);
    expect(haCompatible(b, a).ok).toBe(ok);
  });
});

describe('the sequence', () => {
  it('one hop: plain step ids; the active member is suspended first; snapshot calls follow the routing engine', () => {
    const f = facts({ ha: ha('active', 'passive'), pairRole: 'active', advancedRouting: true });
    const plan = planUpgrade(f, want('11.1.4-h7', { settings: settings({ panosSyncToPeer: true }) }));
    const seq = sequence(plan, f);
    // The install comes before both gates: its busy retries happen while the member still carries the traffic.
    expect(seq.steps.map((s) => s.id)).toEqual(['backup', 'stage', 'verify', 'snapshot', 'install', 'switchover', 'activate', 'wait', 'postcheck', 'commit']);
    expect(seq.steps.find((s) => s.id === 'install')!).toMatchObject({ gate: null, disruptive: false, phase: 'upgrade', commands: ['request system software install version 11.1.4-h7'] });
    expect(seq.steps.find((s) => s.id === 'stage')!.commands).toEqual(['request system software check', 'request system software download sync-to-peer yes version 11.1.0', 'request system software download sync-to-peer yes version 11.1.4-h7']);
    expect(seq.steps.find((s) => s.id === 'snapshot')!.commands).toContain('show advanced-routing route');
    expect(seq.onFailure.map((s) => [s.id, s.gate])).toEqual([['rollback', 'rollback'], ['wait-rollback', null], ['commit-rollback', null], ['postcheck-rollback', null]]);
  });

  it('active first: the passive member is suspended too at its turn (its peer, upgraded first, comes back passive), as the plan shows it', () => {
    const f = facts({ ha: ha('passive', 'active'), pairRole: 'passive' });
    const order = (o: 'passive-first' | 'active-first') => sequence(planUpgrade(f, want('11.1.4-h7', { settings: settings({ panosHaOrder: o }) })), f).steps.map((s) => s.id);
    expect(order('active-first')).toContain('switchover');
    expect(order('passive-first')).not.toContain('switchover');
  });

  it('several hops: stage, verify, install, activate (a reload gate) and wait per hop, each carrying its release', () => {
    const f = facts({ version: '10.0.12' });
    const seq = sequence(planUpgrade(f, want('11.1.4-h7')), f);
    expect(seq.steps.map((s) => s.id)).toEqual([
      'backup', 'stage 10.1.14-h9', 'verify 10.1.14-h9', 'snapshot', 'install 10.1.14-h9', 'activate 10.1.14-h9', 'wait 10.1.14-h9',
      'stage 11.1.4-h7', 'verify 11.1.4-h7', 'install 11.1.4-h7', 'activate 11.1.4-h7', 'wait 11.1.4-h7', 'postcheck', 'commit',
    ]);
    const byId = new Map(seq.steps.map((s) => [s.id, s]));
    expect(byId.get('stage 10.1.14-h9')!).toMatchObject({ phase: 'stage', version: '10.1.14-h9', commands: ['request system software check', 'request system software download version 10.1.0', 'request system software download version 10.1.14-h9'] });
    expect(byId.get('stage 11.1.4-h7')!).toMatchObject({ phase: 'upgrade', commands: ['request system software check', 'request system software download version 11.1.0', 'request system software download version 11.1.4-h7'] });
    expect(byId.get('install 11.1.4-h7')!).toMatchObject({ gate: null, disruptive: false, commands: ['request system software install version 11.1.4-h7'] });
    expect(byId.get('activate 11.1.4-h7')!).toMatchObject({ gate: 'reload', disruptive: true, commands: ['request restart system'] });
    expect(gateImpact(byId.get('activate 10.1.14-h9')!, planUpgrade(f, want('11.1.4-h7')), f, { peer: null, reloadTimeoutMs: 1_800_000 }).impact)
      .toBe('fw-1 restarts onto 10.1.14-h9 (hop 1 of 2): traffic through it stops until it is back (up to 30 min)');
  });

  it('gates tell about preemption, and what an interrupted step did', () => {
    const f = facts({ ha: ha('active', 'passive', '10.2.9-h1', { preemptive: true, peerPreemptive: true }), pairRole: 'active' });
    const plan = planUpgrade(f, want('11.1.4-h7'));
    const sw = sequence(plan, f).steps.find((s) => s.kind === 'switchover')!;
    expect(gateImpact(sw, plan, f, { peer: 'fw-2', reloadTimeoutMs: 60_000 }).impact)
      .toBe('fw-1 suspends its HA role: fw-2 takes over the traffic; preemption is on and fw-1 has the higher priority (100 < 110): when it returns it takes the active role back from fw-2 (a second failover)');
    // Who takes the active role back is the priorities' decision, not a guess.
    const low = facts({ ha: ha('active', 'passive', '10.2.9-h1', { preemptive: true, peerPreemptive: true, priority: 120, peerPriority: 110 }), pairRole: 'active' });
    expect(gateImpact(sw, plan, low, { peer: 'fw-2', reloadTimeoutMs: 60_000 }).impact).toMatch(/preemption is on, but fw-2 has the higher priority \(110 < 120\): it stays active when fw-1 returns$/);
    const tie = facts({ ha: ha('active', 'passive', '10.2.9-h1', { preemptive: true, peerPreemptive: true, priority: 100, peerPriority: 100 }), pairRole: 'active' });
    expect(gateImpact(sw, plan, tie, { peer: 'fw-2', reloadTimeoutMs: 60_000 }).impact).toMatch(/preemption is on with equal priorities \(100\): the member with the lower HA1 MAC address takes the active role when fw-1 returns/);
    const unread = facts({ ha: ha('active', 'passive', '10.2.9-h1', { preemptive: true, peerPreemptive: true, peerPriority: null }), pairRole: 'active' });
    expect(gateImpact(sw, plan, unread, { peer: 'fw-2', reloadTimeoutMs: 60_000 }).impact).toMatch(/it may take the active role back from fw-2 \(a second failover; the priorities could not be read\)$/);
    const none = facts({ ha: ha('active', 'passive', '10.2.9-h1', { preemptive: true, peerPreemptive: false }), pairRole: 'active' });
    expect(gateImpact(sw, plan, none, { peer: 'fw-2', reloadTimeoutMs: 60_000 }).impact).toBe('fw-1 suspends its HA role: fw-2 takes over the traffic');
    // Its restart comes after the switchover: the gate says it is suspended then, and the traffic stays on its peer.
    const act = sequence(plan, f).steps.find((s) => s.kind === 'activate')!;
    expect(gateImpact(act, plan, f, { peer: 'fw-2', reloadTimeoutMs: 60_000 }).impact).toMatch(/^fw-1 \(suspended\) restarts onto 11\.1\.4-h7; traffic stays on fw-2/);
    expect(stepHappened('switchover', facts({ ha: ha('suspended', 'active') }), plan, '11.1.4-h7')).toBe(true);
    expect(stepHappened('activate', facts({ version: '10.1.14-h9' }), plan, '10.1.14-h9')).toBe(true);
    expect(stepHappened('rollback', facts({ version: '11.1.4-h7' }), plan, '11.1.4-h7')).toBe(false);
  });
});

describe('readiness', () => {
  const plan = (f: PanosFacts, target = '11.1.4-h7', extra = {}) => planUpgrade(f, want(target, extra));
  const failing = (f: PanosFacts, c = ctx(), target = '11.1.4-h7') => readiness(f, plan(f, target), c, NOW).filter((x) => !x.ok).map((x) => `${x.name}: ${x.detail}`);

  it('a healthy standalone firewall passes every check', () => {
    const checks = readiness(facts(), plan(facts()), ctx(), NOW);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(['upgrade-path', 'disk', 'pending-changes', 'full-commit', 'config-lock', 'commit-lock', 'jobs', 'licenses', 'support', 'content', 'ntp', 'panorama', 'mp-cpu', 'dp-cpu', 'mp-memory', 'planes-clock', 'device-certificate', 'certificates']);
  });

  it.each([
    ['a downgrade', facts({ version: '11.1.4-h7' }), '10.2.9-h1', ['upgrade-path: 10.2.9-h1 is older than the running 11.1.4-h7: a downgrade is refused unless Settings allow_downgrade is yes']],
    ['a cached list without the target', facts({ software: facts().software.filter((s) => s.version < '11'), softwareSource: 'info', softwareCheckError: 'Failed to check upgrade info due to Unknown error.' }), '11.1.4-h7',
      ["upgrade-path: 11.1.4-h7, 11.1.0 are not offered by the update server (from the firewall's cached list: the update server could not be reached: Failed to check upgrade info due to Unknown error.)"]],
    ['a full disk', facts({ diskFreeMb: 500 }), '11.1.4-h7', ['disk: 500 MB free on /opt/panrepo < 1925 MB needed']],
    ['pending changes', facts({ readiness: ready({ pendingChanges: true }) }), '11.1.4-h7', ['pending-changes: uncommitted configuration changes: commit or revert them first']],
    ['a full commit required', facts({ readiness: ready({ fullCommitRequired: true }) }), '11.1.4-h7', ['full-commit: a full commit is required (check full-commit-required): commit the whole configuration first']],
    ['a config lock', facts({ readiness: ready({ locks: [{ kind: 'config', holder: 'jdoe', created: '2026/01/20 08:14:02', comment: 'CHG0042' }] }) }), '11.1.4-h7', ['config-lock: configuration locked by jdoe since 2026/01/20 08:14:02 ("CHG0042"): ask them to release it']],
    ['a commit lock', facts({ readiness: ready({ locks: [{ kind: 'commit', holder: 'ops', created: null, comment: null }] }) }), '11.1.4-h7', ['commit-lock: commits locked by ops: ask them to release it']],
    ['a running job', facts({ readiness: ready({ jobs: [{ id: '77', type: 'Content', status: 'ACT', result: 'PEND', progress: '40' }] }) }), '11.1.4-h7', ['jobs: jobs not finished: Content 77 (ACT 40%): wait for them']],
    ['an expired licence', facts({ readiness: ready({ licenses: [{ feature: 'Threat Prevention', expires: '2026-05-01T23:59:59.000Z', expired: true }] }) }), '11.1.4-h7', ['licenses: expired: Threat Prevention (2026-05-01)']],
    ['no licence', facts({ readiness: ready({ licenses: [] }) }), '11.1.4-h7', ['licenses: no licence installed (request license info lists none): the firewall cannot download software']],
    ['support expired', facts({ readiness: ready({ support: { expires: '2026-05-01T23:59:59.000Z', level: 'Premium', source: 'update-server', error: null } }) }), '11.1.4-h7', ['support: support expired on 2026-05-01 (Premium)']],
    ['old content', facts({ appVersion: '8650-7911' }), '11.1.4-h7', ['content: content 8650-7911 < 8756, the minimum of 11.1: install newer Applications and Threats content first']],
    ['NTP on the local clock', facts({ readiness: ready({ ntp: { synched: 'LOCAL', servers: [{ name: '0.pool.ntp.org', status: 'available', reachable: false }] } }) }), '11.1.4-h7', ['ntp: not synchronised: on its local clock (0.pool.ntp.org unreachable)']],
    ['Panorama not connected', facts({ readiness: ready({ panorama: [{ address: '192.0.2.9', connected: false }] }) }), '11.1.4-h7', ['panorama: 192.0.2.9 not connected']],
    ['busy management plane', facts({ readiness: ready({ mpCpuPercent: 93, dpCpuPercent: [{ dp: 'dp0', percent: 91.2 }], mpMemoryPercent: 95 }) }), '11.1.4-h7',
      ['mp-cpu: MP CPU 93% ≥ 80%', 'dp-cpu: DP CPU dp0 91.2% (5 min) ≥ 80%', 'mp-memory: MP memory 95% used ≥ 80%']],
    ['skewed data plane clock', facts({ readiness: ready({ clockSkewS: [{ dp: 0, skew: 0 }, { dp: 1, skew: 47 }] }) }), '11.1.4-h7', ['planes-clock: data plane clock apart from the management plane: dp1 +47 s']],
    ['an invalid device certificate', facts({ deviceCertificate: 'Expired' }), '11.1.4-h7', ['device-certificate: device certificate Expired: install a valid device certificate first']],
    ['a weak certificate', facts({ readiness: ready({ certificates: [{ name: 'legacy-vpn', algorithm: 'RSA', keyBits: 1024, signatureHash: 'sha1', notAfter: null }] }) }), '11.1.4-h7',
      ['certificates: weak certificates: legacy-vpn (RSA 1024 bits, sha1): replace them (RSA ≥ 2048, EC ≥ 256, SHA-256 or better)']],
  ])('%s blocks with its reason', (_what, f, target, reasons) => expect(failing(f, ctx(), target)).toEqual(reasons));

  it('support from the support licence when the update server cannot be asked', () => {
    const f = facts({ readiness: ready({ support: { expires: '2027-01-01T23:59:59.000Z', level: 'Premium', source: 'licence', error: 'Failed to check support info' } }) });
    expect(readiness(f, plan(f), ctx(), NOW).find((c) => c.name === 'support')).toEqual({ name: 'support', ok: true, detail: 'support active until 2027-01-01 (Premium) (from the support licence: the update server could not be asked: Failed to check support info)' });
  });

  it('a path found in the cached list passes, and says where the list came from', () => {
    const f = facts({ softwareSource: 'info', softwareCheckError: 'Failed to check upgrade info due to Unknown error.' });
    expect(readiness(f, plan(f), ctx(), NOW)[0]).toEqual({ name: 'upgrade-path', ok: true, detail: "10.2.9-h1 → 11.1.4-h7 through base image 11.1.0 (from the firewall's cached list: the update server could not be reached: Failed to check upgrade info due to Unknown error.)" });
  });

  it('a downgrade is allowed with allow_downgrade', () => {
    const f = facts({ version: '11.1.4-h7' });
    const c = ctx({ settings: settings({ allowDowngrade: true }) });
    expect(readiness(f, plan(f, '10.2.9-h1'), c, NOW).find((x) => x.name === 'upgrade-path')).toEqual({ name: 'upgrade-path', ok: true, detail: '11.1.4-h7 → 10.2.9-h1' });
  });

  it('HA: healthy pair, peer down, out of sync (unless the peer already runs the target), a release apart', () => {
    const pair = (h: ReturnType<typeof ha>) => facts({ ha: h, pairRole: h.local as 'active' });
    expect(failing(pair(ha('active', 'passive')))).toEqual([]);
    expect(failing(pair(ha('active', 'unknown', '10.2.9-h1', { peerConnected: false })))).toEqual(['ha: Active-Passive: local active, peer unknown (not connected)']);
    expect(failing(pair(ha('passive', 'active', '10.2.9-h1', { sync: 'not synchronized' })))).toEqual(['ha-sync: configuration not synchronized']);
    expect(failing(pair(ha('active', 'passive', '11.1.4-h7', { sync: 'not synchronized' })), ctx({ peer: { hostname: 'fw-2', onTarget: true } }))).toEqual([]);
    expect(failing(pair(ha('active', 'passive', '10.1.14-h9')))).toEqual(["ha-compat: 11.1.4-h7 is past the first feature release of the next major release after 10.1.14-h9: while the peer runs 10.1.14-h9, this member cannot go to 11.1.4-h7 without splitting the pair; upgrade the pair in smaller steps"]);
    // Suspended by upshift's own switchover (a resumed run): still healthy.
    expect(failing(pair(ha('suspended', 'active')), ctx({ switchoverDone: true }))).toEqual([]);
    expect(failing(pair(ha('suspended', 'active')))).toEqual(['ha: Active-Passive: local suspended, peer active']);
    // The peer upgraded first and held non-functional by a mismatch: handing it the traffic would be an outage; the reason says so.
    const stuck = failing(pair(ha('active', 'non-functional', '11.1.4-h7', { sync: 'not synchronized' })), ctx({ peer: { hostname: 'fw-2', onTarget: true } }));
    expect(stuck).toEqual(['ha: Active-Passive: local active, peer non-functional: fw-2 already runs 11.1.4-h7 and stays non-functional until this member does (a plugin or version mismatch); suspending this member would leave no member forwarding, so its upgrade is an outage — do it by hand, or make fw-2 functional first']);
  });
});
