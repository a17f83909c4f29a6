// The forecast on its own: waves, concurrency, steps done and under way, the
// monitoring after the canary, pauses, HA pairs, windows, unknown platforms.
import { describe, expect, it } from 'vitest';
import { forecast, remainingMs, type DeviceProgress, type History, type RunPlan } from '../../src/engine/forecast.js';

const S = 1000;
const NOW = Date.parse('2026-11-22T01:00:00Z');

/** iosxe/install: six steps of 10 s each (60 s a device); panos/panos: 100 s. */
function history(): History {
  const iosxe = ['facts', 'precheck', 'stage', 'activate', 'wait', 'commit'];
  return {
    means: new Map([
      ['iosxe/install', new Map(iosxe.map((s) => [s, { ms: 10 * S, samples: 3 }]))],
      ['panos/panos', new Map([['facts', { ms: 20 * S, samples: 1 }], ['activate', { ms: 80 * S, samples: 1 }]])],
    ]),
    sequences: new Map([['iosxe/install', iosxe], ['panos/panos', ['facts', 'activate']]]),
  };
}

const dev = (hostname: string, extra: Partial<DeviceProgress> = {}): DeviceProgress => ({ hostname, platform: 'iosxe', kind: 'install', ended: false, done: [], current: null, windowEnd: null, ...extra });
const devices = (...ds: DeviceProgress[]) => new Map(ds.map((d) => [d.hostname.toLowerCase(), d]));
const plan = (waves: string[][][], extra: Partial<RunPlan> = {}): RunPlan => ({ waves, concurrency: 10, pauseBetweenWavesMs: 0, monitorAfterCanaryMs: 0, ...extra });

describe('forecast', () => {
  it('runs waves one after the other: canary, then a wave of two side by side', () => {
    const f = forecast({ now: NOW, plan: plan([[['a']], [['b'], ['c']]]), devices: devices(dev('a'), dev('b'), dev('c')), history: history() });
    expect(f.finishAt).toBe(NOW + 120 * S);
    expect(f.devices.map((d) => [d.hostname, (d.finishAt - NOW) / S])).toEqual([['a', 60], ['b', 120], ['c', 120]]);
    expect(f.late).toEqual([]);
  });

  it('puts units on the first free slot when a wave has more than the concurrency', () => {
    const f = forecast({ now: NOW, plan: plan([[['a'], ['b'], ['c'], ['d'], ['e']]], { concurrency: 2 }), devices: devices(...['a', 'b', 'c', 'd', 'e'].map((h) => dev(h))), history: history() });
    expect(f.finishAt).toBe(NOW + 180 * S);
  });

  it('counts only what is left of a device under way, and nothing for one that ended', () => {
    const a = dev('a', { done: ['facts', 'precheck'], current: { step: 'stage', startedAt: NOW - 4 * S } });
    expect(remainingMs(a, history(), NOW)).toBe(6 * S + 30 * S);
    // A step that already took longer than usual is counted as about to end, not as negative.
    expect(remainingMs(dev('b', { current: { step: 'facts', startedAt: NOW - 99 * S } }), history(), NOW)).toBe(50 * S);
    expect(remainingMs(dev('c', { ended: true }), history(), NOW)).toBe(0);
    const f = forecast({ now: NOW, plan: plan([[['a'], ['c']], [['d']]]), devices: devices(a, dev('c', { ended: true }), dev('d')), history: history() });
    expect(f.finishAt).toBe(NOW + 36 * S + 60 * S);
  });

  it('starts from the first wave with work left: earlier waves are over', () => {
    const f = forecast({ now: NOW, plan: plan([[['a']], [['b']]], { monitorAfterCanaryMs: 300 * S }), devices: devices(dev('a', { ended: true }), dev('b')), history: history() });
    expect(f.finishAt).toBe(NOW + 60 * S);
  });

  it('adds the monitoring after the canary wave, and only what is left of it once it began', () => {
    const p = plan([[['a']], [['b']]], { monitorAfterCanaryMs: 300 * S, pauseBetweenWavesMs: 30 * S });
    const before = forecast({ now: NOW, plan: p, devices: devices(dev('a'), dev('b')), history: history() });
    expect(before.finishAt).toBe(NOW + (60 + 300 + 30 + 60) * S);
    const a = dev('a', { done: ['facts', 'precheck', 'stage', 'activate', 'wait'], current: { step: 'monitor', startedAt: NOW - 100 * S } });
    const during = forecast({ now: NOW, plan: p, devices: devices(a, dev('b')), history: history() });
    // The commit after the monitoring (10 s), 200 s of monitoring left, the pause, then b.
    expect(during.finishAt).toBe(NOW + (10 + 200 + 30 + 60) * S);
  });

  it('between two waves, counts what is left of the pause', () => {
    const p = plan([[['a']], [['b']]], { pauseBetweenWavesMs: 30 * S });
    const f = forecast({ now: NOW, plan: p, devices: devices(dev('a', { ended: true, finishedAt: NOW - 10 * S }), dev('b')), history: history() });
    expect(f.finishAt).toBe(NOW + (20 + 60) * S);
  });

  it('runs the members of an HA pair one after the other', () => {
    const f = forecast({ now: NOW, plan: plan([[['fw-a', 'fw-b'], ['sw']]]), devices: devices(dev('fw-a', { platform: 'panos', kind: 'panos' }), dev('fw-b', { platform: 'panos', kind: null }), dev('sw')), history: history() });
    expect(f.devices.find((d) => d.hostname === 'fw-b')!.finishAt).toBe(NOW + 200 * S);
    expect(f.finishAt).toBe(NOW + 200 * S);
  });

  it('names the devices that would finish after their window closes', () => {
    const end = NOW + 100 * S;
    const f = forecast({ now: NOW, plan: plan([[['a']], [['b'], ['c']]]), devices: devices(dev('a', { windowEnd: end }), dev('b', { windowEnd: end }), dev('c', { windowEnd: NOW + 3600 * S })), history: history() });
    expect(f.late.map((d) => d.hostname)).toEqual(['b']);
  });

  it('times a device not planned yet by its platform, and gives no ETA for a platform never seen', () => {
    expect(remainingMs(dev('a', { kind: null }), history(), NOW)).toBe(60 * S);
    const f = forecast({ now: NOW, plan: plan([[['a'], ['x']]]), devices: devices(dev('a'), dev('x', { platform: 'nxos', kind: null })), history: history() });
    expect(f.finishAt).toBeNull();
    expect(f.unknown).toEqual(['x']);
    // The timed devices still give a time the run cannot end before: a wave of 'a' then one of 'b' (60 s each), 'x' untimed.
    const g = forecast({ now: NOW, plan: plan([[['a'], ['x']], [['b']]]), devices: devices(dev('a'), dev('b'), dev('x', { platform: 'nxos', kind: null })), history: history() });
    expect(g.finishAt).toBeNull();
    expect(g.atLeast).toBe(NOW + 120 * S);
    // Nothing timed at all: no floor either.
    expect(forecast({ now: NOW, plan: plan([[['x']]]), devices: devices(dev('x', { platform: 'nxos', kind: null })), history: history() }).atLeast).toBeNull();
  });

  it('has nothing left when every device ended', () => {
    const f = forecast({ now: NOW, plan: plan([[['a']]]), devices: devices(dev('a', { ended: true })), history: history() });
    expect(f).toEqual({ finishAt: NOW, devices: [], late: [], unknown: [], atLeast: null });
  });
});
