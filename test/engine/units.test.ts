// The engine's pure parts: waves, the post-check diff, --only, gate policies.
import { describe, expect, it } from 'vitest';
import { planWaves } from '../../src/engine/waves.js';
import { diffSnapshots } from '../../src/engine/checks.js';
import { selectDevices, SelectionError } from '../../src/engine/runner.js';
import { PolicyApprover, QueueApprover, type Gate } from '../../src/engine/gates.js';
import { DEFAULT_SETTINGS } from '../../src/store/settings.js';
import type { DeviceRow } from '../../src/store/types.js';
import type { Snapshot } from '../../src/drivers/contract.js';

const row = (hostname: string, extra: Partial<DeviceRow> = {}): DeviceRow => ({
  hostname, host: '10.0.0.1', port: null, platform: 'iosxe', targetVersion: '17.9.5', image: 'x.bin', site: 'lon', role: null, group: 'access',
  wave: null, haPeer: null, via: null, credential: 'default', windowStart: null, windowEnd: null, enabled: true, notes: null, row: 2, ...extra,
});

describe('waves', () => {
  it('canary first, then batches by percent, explicit waves merged in order, HA pairs together', () => {
    const devices = [row('a'), row('b'), row('c'), row('d'), row('e'), row('f'), row('core', { wave: 9 }), row('fw1', { platform: 'panos', haPeer: 'fw2' }), row('fw2', { platform: 'panos', haPeer: 'fw1' })];
    const waves = planWaves(devices, { ...DEFAULT_SETTINGS, canary: 1, batchSize: { percent: 50 } });
    expect(waves.map((w) => [w.number, w.units.map((u) => u.hostnames.join('+'))])).toEqual([
      [1, ['a']], [2, ['b', 'c', 'd', 'e']], [3, ['f', 'fw1+fw2']], [9, ['core']],
    ]);
  });

  it('batches by count', () => {
    const waves = planWaves(['a', 'b', 'c', 'd', 'e'].map((h) => row(h)), { ...DEFAULT_SETTINGS, canary: 2, batchSize: { count: 2 } });
    expect(waves.map((w) => w.units.length)).toEqual([2, 2, 1]);
  });
});

describe('post-check diff', () => {
  const snap = (extra: Partial<Snapshot>): Snapshot => ({ routes: 1000, routesBySource: {}, arp: 200, bgp: [{ address: '10.0.0.1', state: 'Established', prefixes: 10 }, { address: '10.0.0.2', state: 'Idle', prefixes: null }], ospf: [{ routerId: '1.1.1.1', state: 'FULL/DR' }], interfaces: [{ name: 'Gi1', up: true }, { name: 'Gi2', up: false }], sessions: null, takenAt: '', ...extra });
  const margins = { routePercent: 5, arpPercent: 10, sessionPercent: 20 };

  it('passes within the margins and when nothing that was up went down', () => {
    const d = diffSnapshots(snap({}), snap({ routes: 1049, arp: 181, bgp: [{ address: '10.0.0.1', state: 'Established', prefixes: 9 }], interfaces: [{ name: 'Gi1', up: true }] }), margins);
    expect(d.ok).toBe(true);
    expect(d.summary).toBe('routes 1000 → 1049 ✓; arp 200 → 181 ✓; bgp 1/2 → 1/1 ✓; ospf 1 → 1 ✓; interfaces 1 → 1 ✓');
  });

  it('fails on a route drop beyond the margin, a lost neighbour or a down interface, saying which', () => {
    const d = diffSnapshots(snap({}), snap({ routes: 940, bgp: [{ address: '10.0.0.1', state: 'Active', prefixes: null }], ospf: [], interfaces: [{ name: 'Gi1', up: false }] }), margins);
    expect(d.ok).toBe(false);
    expect(d.items.filter((i) => !i.ok).map((i) => `${i.name}: ${i.detail}`)).toEqual([
      'routes: 1000 → 940 (6.0% > 5%)', 'bgp: down: 10.0.0.1', 'ospf: not FULL: 1.1.1.1', 'interfaces: down: Gi1',
    ]);
  });

  it('compares PAN-OS session counts', () => {
    const d = diffSnapshots(snap({ sessions: 1000, bgp: [], ospf: [], interfaces: [] }), snap({ sessions: 700, bgp: [], ospf: [], interfaces: [] }), margins);
    expect(d.items.find((i) => i.name === 'sessions')).toMatchObject({ ok: false, detail: '1000 → 700 (30.0% > 20%)' });
  });
});

describe('--only', () => {
  const rows = [row('lon-acc-1'), row('lon-acc-2', { site: 'lon', group: 'core' }), row('par-1', { site: 'par', wave: 2 }), row('off', { enabled: false }), row('fw-a', { platform: 'panos', haPeer: 'fw-b' }), row('fw-b', { platform: 'panos', haPeer: 'fw-a' }), row('pano', { platform: 'panorama' })];
  it('selects by glob, group, site and wave; brings an HA peer along; never disabled or helper rows', () => {
    expect(selectDevices(rows, []).map((r) => r.hostname)).toEqual(['lon-acc-1', 'lon-acc-2', 'par-1', 'fw-a', 'fw-b']);
    expect(selectDevices(rows, ['lon-*']).map((r) => r.hostname)).toEqual(['lon-acc-1', 'lon-acc-2']);
    expect(selectDevices(rows, ['group=core', 'wave=2']).map((r) => r.hostname)).toEqual(['lon-acc-2', 'par-1']);
    expect(selectDevices(rows, ['fw-a']).map((r) => r.hostname)).toEqual(['fw-a', 'fw-b']);
    expect(() => selectDevices(rows, ['off'])).toThrow(SelectionError);
    expect(() => selectDevices(rows, ['site=x; rm'])).toThrow('no enabled device matches');
    expect(() => selectDevices(rows, ['a b'])).toThrow('use a hostname glob, group=X, site=X or wave=N');
  });
});

describe('batch approvals', () => {
  const gate = (kind: Gate['kind']): Gate => ({ id: '1', hostname: 'sw', kind, step: 'activate', commands: [], impact: '', blastRadius: [], rollback: null });
  it('--yes approves everything, --approve only its kinds, otherwise held', async () => {
    expect((await new PolicyApprover(true).decide(gate('rollback'))).decision).toBe('approved');
    const some = new PolicyApprover(false, ['reload']);
    expect(await some.decide(gate('reload'))).toMatchObject({ decision: 'approved', source: '--approve reload' });
    expect(await some.decide(gate('switchover'))).toMatchObject({ decision: 'held', source: 'batch (no approval given)' });
  });
});

describe('QueueApprover', () => {
  const gate = (id: string, kind: 'reload' | 'rollback' = 'reload') => ({ id, hostname: `h-${id}`, kind, step: 'activate', commands: ['reload'], impact: '', blastRadius: [], rollback: null });

  it('approves what the policy covers at once and queues the rest until answered', async () => {
    const q = new QueueApprover(new PolicyApprover(false, ['rollback']), 'alice');
    let changes = 0;
    q.onChange(() => changes++);
    await expect(q.decide(gate('r', 'rollback'))).resolves.toMatchObject({ decision: 'approved', source: '--approve rollback' });
    const pending = q.decide(gate('a'));
    expect(q.pending().map((p) => p.gate.id)).toEqual(['a']);
    expect(q.forHost('h-a')?.gate.id).toBe('a');
    expect(q.answer('a', 'refused')).toBe(true);
    await expect(pending).resolves.toMatchObject({ decision: 'refused', by: 'alice', source: 'console' });
    expect(q.answer('a', 'approved')).toBe(false);
    expect(changes).toBe(2);
  });

  it('holdAll leaves every open gate held, so nothing disruptive happens when the console stops', async () => {
    const q = new QueueApprover(new PolicyApprover(false), 'bob');
    const answers = Promise.all([q.decide(gate('1')), q.decide(gate('2'))]);
    expect(q.holdAll('quit')).toBe(2);
    expect((await answers).map((d) => d.decision)).toEqual(['held', 'held']);
    expect(q.pending()).toEqual([]);
  });
});
