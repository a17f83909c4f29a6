// PAN-OS end to end: `upshift run --yes` against the lab's firewalls — HA
// pairs in both orders, firewalls behind one Panorama within its rate, a
// post-check that loses BGP peers (rolled back on a standalone; on an HA pair
// seen on the member carrying the traffic), a refused downgrade.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { startLabRun, type LabRun } from '../helpers/lab-run.js';
import { count, editWorkbook, events, fw, journal, pano, peakPerSecond, setSetting } from './panos-e2e.js';

let current: LabRun | null = null;
afterEach(async () => {
  await current?.lab.stop();
  current = null;
});

const firstIndex = (list: string[], re: RegExp) => list.findIndex((e) => re.test(e));
const commitMessage = (run: LabRun, host: string) => journal(run, host).filter((e) => e.step === 'commit' && e.outcome === 'ok').at(-1)?.message;

describe('PAN-OS HA pairs', () => {
  it('stage pre-stages both members (downloads, nothing restarted) and exits 0 with both staged', async () => {
    const run = (current = await startLabRun([fw('ha-a', { haPeer: 'ha-b', haRole: 'active' }), fw('ha-b', { haPeer: 'ha-a', haRole: 'passive' })]));
    const r = await run.cli(['stage']);
    expect(r.code, r.stdout).toBe(0);
    expect(run.statuses()['ha-a'].status).toBe('staged');
    expect(run.statuses()['ha-b'].status).toBe('staged');
    for (const h of ['ha-a', 'ha-b']) {
      expect(count(run, h, 'reboot'), h).toBe(0);
      expect(run.lab.panos.firewall(h).software.isDownloaded('11.1.4-h7'), h).toBe(true);
    }
    // Nothing disruptive: no member was suspended.
    expect([run.lab.panos.firewall('ha-a').haState, run.lab.panos.firewall('ha-b').haState].sort()).toEqual(['active', 'passive']);
  }, 120_000);

  it('a run whose approvals cover reloads but not switchovers holds the pair before touching it (never split at the switchover gate)', async () => {
    const run = (current = await startLabRun([fw('ha-a', { haPeer: 'ha-b', haRole: 'active' }), fw('ha-b', { haPeer: 'ha-a', haRole: 'passive' })]));
    const r = await run.cli(['run', '--approve', 'reload']);
    expect(r.code, r.stdout).toBe(1);
    for (const h of ['ha-a', 'ha-b']) {
      expect(run.statuses()[h], h).toMatchObject({ status: 'held', current: '10.2.9-h1' });
      expect(run.statuses()[h].message, h).toMatch(/the pair needs a switchover gate, which this run's approvals do not cover/);
      expect(count(run, h, 'reboot'), h).toBe(0);
    }
    expect([run.lab.panos.firewall('ha-a').haState, run.lab.panos.firewall('ha-b').haState].sort()).toEqual(['active', 'passive']);
    // With the switchover covered too, the same pair upgrades.
    const again = await run.cli(['run', '--approve', 'reload,switchover']);
    expect(again.code, again.stdout).toBe(0);
    for (const h of ['ha-a', 'ha-b']) expect(run.statuses()[h], h).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
  }, 120_000);

  it('passive first: the passive member, then the active one suspended before its restart; both functional, the pair verified, one restart each; sync-to-peer downloads once', async () => {
    const run = (current = await startLabRun([fw('ha-a', { haPeer: 'ha-b', haRole: 'active' }), fw('ha-b', { haPeer: 'ha-a', haRole: 'passive' })], { settings: { panos_sync_to_peer: 'yes' } }));
    const r = await run.cli(['run', '--yes']);
    expect(r.code, r.stdout).toBe(0);
    expect(run.statuses()['ha-a']).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    expect(run.statuses()['ha-b']).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    const a = events(run, 'ha-a');
    const b = events(run, 'ha-b');
    expect(count(run, 'ha-a', 'reboot')).toBe(1);
    expect(count(run, 'ha-b', 'reboot')).toBe(1);
    // The passive member restarted first; the active one was suspended before its own restart, and made functional after.
    const at = (host: string, re: RegExp) => run.lab.panos.firewall(host).journal.find((e) => re.test(`${e.kind} ${e.detail}`))!.at;
    expect(at('ha-b', /^reboot/) < at('ha-a', /^ha suspended/)).toBe(true);
    expect(firstIndex(a, /^ha suspended/)).toBeLessThan(firstIndex(a, /^reboot/));
    expect(firstIndex(a, /^reboot/)).toBeLessThan(a.lastIndexOf('ha passive'));
    expect(b.filter((e) => e.startsWith('ha '))).toEqual([]);
    expect([run.lab.panos.firewall('ha-a').haState, run.lab.panos.firewall('ha-b').haState].sort()).toEqual(['active', 'passive']);
    expect(commitMessage(run, 'ha-b')).toBe('pair verified: this member passive on 11.1.4-h7, peer active on 10.2.9-h1 (the pair is verified in full once the peer runs the same release)');
    expect(commitMessage(run, 'ha-a')).toBe('HA made functional again; pair verified: this member passive, peer active, configuration synchronized, both on 11.1.4-h7');
    // The change record reports no loss for a clean pair upgrade: the suspended member's "after" is the traffic on its peer.
    const md = (await run.cli(['status', '--md'])).stdout;
    expect(md).toContain('Nothing moved between the pre- and post-upgrade snapshots.');
    // Staged together: ha-a downloaded with sync-to-peer, ha-b got both images from it and downloaded nothing.
    expect(a.filter((e) => e.startsWith('download'))).toEqual(['download 11.1.0', 'download 11.1.4-h7']);
    expect(b.filter((e) => e.startsWith('download'))).toEqual([]);
    expect(b.filter((e) => e.startsWith('image-synced'))).toEqual(['image-synced 11.1.0', 'image-synced 11.1.4-h7']);
    expect(journal(run, 'ha-a').find((e) => e.step === 'stage' && e.outcome === 'ok')!.sent).toEqual([
      'request system software check', 'request system software download sync-to-peer yes version 11.1.0', 'request system software download sync-to-peer yes version 11.1.4-h7',
    ]);
    // The backup is the configuration as the firewall printed it, and reads again as XML.
    const dir = join(run.state, 'backups', 'ha-a');
    const file = readdirSync(dir).find((f) => f.endsWith('.xml'))!;
    const cfg = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(join(dir, file), 'utf8'));
    expect(cfg.config['@_version']).toBe('10.2.0');
    expect(cfg.config.devices.entry.deviceconfig.system.hostname).toBe('ha-a');
  }, 120_000);

  it('active first (panos_ha_order): the active member suspended and upgraded first, then its peer, now active, the same way', async () => {
    const run = (current = await startLabRun([fw('ha-a', { haPeer: 'ha-b', haRole: 'active' }), fw('ha-b', { haPeer: 'ha-a', haRole: 'passive' })], { settings: { panos_ha_order: 'active-first' } }));
    const r = await run.cli(['run', '--yes']);
    expect(r.code, r.stdout).toBe(0);
    for (const h of ['ha-a', 'ha-b']) {
      expect(run.statuses()[h], h).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
      expect(count(run, h, 'reboot'), h).toBe(1);
      const e = events(run, h);
      // Each was active when its turn came: suspended before its restart, functional after.
      expect(firstIndex(e, /^ha suspended/), h).toBeGreaterThanOrEqual(0);
      expect(firstIndex(e, /^ha suspended/), h).toBeLessThan(firstIndex(e, /^reboot/));
    }
    const at = (host: string) => run.lab.panos.firewall(host).journal.find((e) => e.kind === 'reboot')!.at;
    expect(at('ha-a') < at('ha-b')).toBe(true);
    expect(run.lab.panos.firewall('ha-a').haState).toBe('active');
    expect(run.lab.panos.firewall('ha-b').haState).toBe('passive');
    expect(commitMessage(run, 'ha-b')).toBe('HA made functional again; pair verified: this member passive, peer active, configuration synchronized, both on 11.1.4-h7');
  }, 120_000);

  it('a standalone firewall whose post-check loses the BGP peers rolls back, naming each peer', async () => {
    const run = (current = await startLabRun([fw('solo', { faults: ['bgp-down-after-reboot'] })]));
    const r = await run.cli(['run', '--yes']);
    expect(r.code).toBe(1);
    const st = run.statuses().solo;
    expect(st).toMatchObject({ status: 'rolled-back', current: '10.2.9-h1' });
    const peers = run.lab.panos.firewall('solo').net.peers.map((p) => `default ${p.name} ${p.address}`);
    expect(peers.length).toBeGreaterThan(0);
    expect(st.message).toMatch(/^post-check failed: .*bgp \d+ of \d+ missing: /);
    for (const p of peers) expect(st.message).toContain(`${p} (Active, was Established)`);
    expect(count(run, 'solo', 'reboot')).toBe(2);
    // Back on 10.2.9-h1 its peers are up again: the check after the rollback says so.
    expect(journal(run, 'solo').map((e) => `${e.step} ${e.outcome}`).slice(-5)).toEqual(['postcheck failed', 'rollback ok', 'wait-rollback ok', 'postcheck-rollback ok', 'rolled-back ok']);
    expect(st.message).toMatch(/; rolled back to 10\.2\.9-h1 \(after it: .*bgp (\d+) → \1 ✓/);
  }, 120_000);

  it('an HA member standby after its upgrade is post-checked on the member carrying the traffic: a loss there is named, and HA is left functional', async () => {
    // ha-b, upgraded first, comes back without its BGP sessions; it shows nothing while it is passive.
    // Once ha-a is suspended the traffic is on ha-b: ha-a's post-check compares ha-a before with ha-b now.
    const run = (current = await startLabRun([fw('ha-a', { haPeer: 'ha-b', haRole: 'active' }), fw('ha-b', { haPeer: 'ha-a', haRole: 'passive', faults: ['bgp-down-after-reboot'] })]));
    const r = await run.cli(['run', '--yes']);
    expect(r.code).toBe(1);
    // ha-b's own post-check compared it passive with itself passive: nothing to lose there.
    expect(run.statuses()['ha-b']).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    const a = run.statuses()['ha-a'];
    expect(a).toMatchObject({ status: 'needs-attention', current: '11.1.4-h7' });
    const peers = run.lab.panos.firewall('ha-b').net.peers.map((p) => `default ${p.name} ${p.address}`);
    expect(peers.length).toBeGreaterThan(0);
    expect(a.message).toMatch(/^post-check failed: .*bgp \d+ of \d+ missing: /);
    for (const p of peers) expect(a.message).toContain(`${p} (Active, was Established)`);
    expect(a.message).toMatch(/ on ha-b, which carries the traffic now; ha-a runs 11\.1\.4-h7, made functional again as the pair's standby; not rolled back/);
    // Not rolled back (one restart), made functional: the pair has its standby again.
    expect(count(run, 'ha-a', 'reboot')).toBe(1);
    expect(run.lab.panos.firewall('ha-a').haState).toBe('passive');
    expect(run.lab.panos.firewall('ha-b').haState).toBe('active');
    expect(journal(run, 'ha-a').map((e) => `${e.step} ${e.outcome}`).slice(-3)).toEqual(['postcheck failed', 'commit ok', 'facts ok']);
  }, 120_000);

  it('an HA member whose own forwarding breaks after its upgrade is not blamed while it is the standby', async () => {
    // ha-a, suspended for its upgrade, comes back without BGP; as the passive member it forwards nothing, so the traffic
    // (on ha-b, upgraded and healthy) is what its post-check compares: the pair upgrades.
    const run = (current = await startLabRun([fw('ha-a', { haPeer: 'ha-b', haRole: 'active', faults: ['bgp-down-after-reboot'] }), fw('ha-b', { haPeer: 'ha-a', haRole: 'passive' })]));
    const r = await run.cli(['run', '--yes']);
    expect(r.code, r.stdout).toBe(0);
    expect(run.statuses()['ha-a']).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    expect(journal(run, 'ha-a').find((e) => e.step === 'postcheck' && e.outcome === 'ok')!.message).toMatch(/\(traffic now on ha-b, compared with ha-a before\)$/);
  }, 120_000);
});

describe('PAN-OS through Panorama', () => {
  it('two firewalls: every call carries target=<serial>, and Panorama never sees more than panorama_rps a second', async () => {
    const rps = 8;
    const run = (current = await startLabRun([fw('fw-1', { via: 'pano' }), fw('fw-2', { via: 'pano' }), pano()], { settings: { panorama_rps: rps, canary: 2 } }));
    const r = await run.cli(['run', '--yes']);
    expect(r.code, r.stdout).toBe(0);
    for (const h of ['fw-1', 'fw-2']) expect(run.statuses()[h], h).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    const serials = new Set(['fw-1', 'fw-2'].map((h) => run.lab.panos.firewall(h).serial));
    const seen = run.lab.panos.requests('pano');
    // Panorama's own calls: one keygen and one listing of its firewalls for the whole run.
    const own = seen.filter((q) => !q.target);
    expect(own.map((q) => (q.type === 'keygen' ? 'keygen' : q.cmd))).toEqual(['keygen', '<show><devices><all></all></devices></show>']);
    expect(seen.filter((q) => q.target && !serials.has(q.target))).toEqual([]);
    expect(new Set(seen.filter((q) => q.target).map((q) => q.target))).toEqual(serials);
    // The firewalls themselves were never called directly.
    expect(run.lab.panos.requests('fw-1')).toEqual([]);
    expect(seen.length).toBeGreaterThan(60);
    expect(peakPerSecond(seen.map((q) => q.at))).toBeLessThanOrEqual(rps);
  }, 180_000);
});

describe('PAN-OS restarts', () => {
  it('a management plane that refuses every key while it warms up is waited for, with a fresh keygen', async () => {
    // A slower lab, so the warm-up lasts several polls.
    const run = (current = await startLabRun([fw('warm', { faults: ['warmup-403'] })], { speed: 8 }));
    const r = await run.cli(['run', '--yes']);
    expect(r.code, r.stdout).toBe(0);
    expect(run.statuses().warm).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    expect(count(run, 'warm', 'reboot')).toBe(1);
    const seen = run.lab.panos.requests('warm');
    const refused = seen.filter((q) => q.status === 403);
    expect(refused.length).toBeGreaterThan(1);
    // Keygens were tried while refused; one worked after, then the release was read and the chassis found ready.
    expect(refused.some((q) => q.type === 'keygen')).toBe(true);
    const after = seen.slice(seen.lastIndexOf(refused.at(-1)!) + 1);
    expect(after[0]).toMatchObject({ type: 'keygen', status: 200 });
    expect(journal(run, 'warm').find((e) => e.step === 'wait')).toMatchObject({ outcome: 'ok', message: 'back on 11.1.4-h7, chassis ready', sent: ['show system info', 'show chassis-ready'] });
  }, 120_000);
});

describe('PAN-OS downgrades', () => {
  it('are refused unless allow_downgrade, then carried out', async () => {
    const run = (current = await startLabRun([fw('dg', { version: '11.1.4-h7', target: '10.2.9-h1' })]));
    const refused = await run.cli(['run', '--yes']);
    expect(refused.code).toBe(1);
    expect(run.statuses().dg).toMatchObject({ status: 'blocked', message: 'upgrade-path: 10.2.9-h1 is older than the running 11.1.4-h7: a downgrade is refused unless Settings allow_downgrade is yes' });
    expect(count(run, 'dg', 'reboot')).toBe(0);
    await editWorkbook(run, (wb) => setSetting(wb, 'allow_downgrade', 'yes'));
    const done = await run.cli(['run', '--yes']);
    expect(done.code, done.stdout).toBe(0);
    expect(run.statuses().dg).toMatchObject({ status: 'upgraded', current: '10.2.9-h1' });
    expect(count(run, 'dg', 'reboot')).toBe(1);
  }, 120_000);
});
