// The console's model: events applied as they come, subscribers told at most
// once a frame, counts kept per status, and the filter; what the console reads
// comes from it and the engine, not from the drivers or the store.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FleetModel } from '../../src/ui/model.js';
import type { Stamped } from '../../src/engine/events.js';
import type { DeviceRow } from '../../src/store/types.js';
import { colorEnabled, color, setColor } from '../../src/ui/theme.js';
import { columnWidths, deviceLine, progressText } from '../../src/ui/components/DeviceTable.js';
import { fit } from '../../src/ui/format.js';
import { quitDialog } from '../../src/ui/components/Dialogs.js';

const row = (i: number): DeviceRow => ({
  hostname: `sw-${i}`, host: '127.0.0.1', port: 22, platform: 'iosxe', targetVersion: '17.9.5', image: null, site: i % 2 ? 'lon' : 'par', role: null, group: i % 3 ? 'access' : 'core',
  wave: null, haPeer: null, via: null, credential: 'default', windowStart: null, windowEnd: null, enabled: true, notes: null, row: i + 2,
});
const at = () => new Date().toISOString();
const status = (h: string, s: 'running' | 'upgraded' | 'held', step: string | null = null): Stamped => ({ type: 'device', hostname: h, status: s, step, message: null, reason: null, at: at() });

describe('FleetModel', () => {
  afterEach(() => void vi.useRealTimers());

  it('applies a burst of events with one notification per frame and keeps the counts right', () => {
    vi.useFakeTimers();
    const m = new FleetModel(Array.from({ length: 1000 }, (_, i) => ({ row: row(i) })), 30);
    let told = 0;
    m.subscribe(() => told++);
    for (let i = 0; i < 1000; i++) m.apply(status(`sw-${i}`, 'running', 'stage'));
    for (let i = 0; i < 400; i++) m.apply(status(`sw-${i}`, 'upgraded'));
    // Told once for the whole burst, on the next timer turn.
    expect(told).toBe(0);
    vi.advanceTimersByTime(0);
    expect(told).toBe(1);
    // A change within the frame waits for the frame to end.
    m.apply(status('sw-999', 'upgraded'));
    vi.advanceTimersByTime(29);
    expect(told).toBe(1);
    vi.advanceTimersByTime(1);
    expect(told).toBe(2);
    expect(m.counts.get('running')).toBe(599);
    expect(m.counts.get('upgraded')).toBe(401);
    expect(m.counts.get('pending')).toBe(0);
    expect(m.inFlight()).toBe(599);
    m.dispose();
  });

  it('filters by words anywhere and by key=value exactly; every term must match', () => {
    const m = new FleetModel(Array.from({ length: 12 }, (_, i) => ({ row: row(i) })), 0);
    m.apply(status('sw-3', 'held'));
    expect(m.filtered('site=lon').map((d) => d.row.hostname)).toEqual(['sw-1', 'sw-3', 'sw-5', 'sw-7', 'sw-9', 'sw-11']);
    expect(m.filtered('site=lon group=core').map((d) => d.row.hostname)).toEqual(['sw-3', 'sw-9']);
    expect(m.filtered('sw-1').map((d) => d.row.hostname)).toEqual(['sw-1', 'sw-10', 'sw-11']);
    expect(m.filtered('status=held').map((d) => d.row.hostname)).toEqual(['sw-3']);
    expect(m.filtered('')).toHaveLength(12);
    m.dispose();
  });

  it('tracks gates and logs each answer as one line', () => {
    const m = new FleetModel([{ row: row(1) }], 0);
    const gate = { id: 'g1', hostname: 'sw-1', kind: 'reload' as const, step: 'activate', commands: ['reload'], impact: 'x', blastRadius: [], rollback: null };
    m.apply({ type: 'gate', hostname: 'sw-1', gate, phase: 'opened', at: at() });
    expect(m.device('sw-1')!.gate?.id).toBe('g1');
    expect(m.inFlight()).toBe(1);
    m.apply({ type: 'gate', hostname: 'sw-1', gate, phase: 'answered', decision: { decision: 'refused', by: 'alice', source: 'console', at: '2026-11-21T02:03:04Z' }, at: at() });
    expect(m.gates.size).toBe(0);
    expect(m.answered[0].text).toMatch(/^✗ reload sw-1 alice \d\d:\d\d:\d\d \(console\)$/);
    m.dispose();
  });
});

describe('readiness on screen', () => {
  it('an earlier session\'s readiness shows its age and no ✓; this session\'s check shows ✓ or why not', () => {
    const now = Date.now();
    const m = new FleetModel([{ row: row(1), readiness: { text: 'ready', at: now - 2 * 3_600_000 } }], 0);
    const text = () => deviceLine(m.devices[0], columnWidths(150), false, { now, reloadTimeoutMs: 60_000 }).map((x) => x.t).join('');
    expect(text()).toMatch(/2h00m ago: ready/);
    expect(text()).not.toContain('✓');
    m.apply({ type: 'checks', hostname: 'sw-1', phase: 'pre', checks: [{ name: 'flash', ok: true, detail: 'ok' }], at: at() });
    expect(text()).toMatch(/\s✓\s/);
    m.apply({ type: 'checks', hostname: 'sw-1', phase: 'pre', checks: [{ name: 'cpu', ok: false, detail: '5-minute CPU 95% > 80%' }], at: at() });
    expect(text()).toContain('✗ cpu: 5-minute CPU 95% >');
    m.dispose();
  });

  it('a device this session could not reach is not ready, whatever an earlier check said', () => {
    const m = new FleetModel([{ row: row(1), readiness: { text: 'ready', at: Date.now() - 60_000 } }], 0);
    m.apply({ type: 'device', hostname: 'sw-1', status: 'failed', step: 'facts', message: 'sw-1: facts: connection refused', reason: 'device-error', at: at() });
    expect(m.devices[0].readiness).toMatchObject({ fresh: true, tone: 'bad', text: '✗ facts: connection refused' });
    m.dispose();
  });

  it('a device whose earlier result a check kept (it could not read it) is not ready, and says why; nothing is ready to start', () => {
    const m = new FleetModel([{ row: row(1), readiness: null }], 0);
    m.apply({ type: 'run', phase: 'started', command: 'check', runId: 1, at: at() });
    m.apply({ type: 'device', hostname: 'sw-1', status: 'upgraded', step: null, message: 'earlier result kept (not read by check: sw-1: facts: login refused): upgraded to 17.9.5', reason: 'done', kept: { readiness: 'not read by check: sw-1: facts: login refused' }, at: at() });
    expect(m.devices[0].status).toBe('upgraded');
    expect(m.devices[0].readiness).toMatchObject({ fresh: true, tone: 'bad', text: '✗ not read by check: sw-1: facts: login refused' });
    expect(m.startable()).toBe(0);
    m.dispose();
  });

  it('every status the status table counts as a failure marks a device not ready, not only failed and needs-attention', () => {
    const m = new FleetModel([{ row: row(1), readiness: { text: 'ready', at: Date.now() - 60_000 } }, { row: row(2), readiness: { text: 'ready', at: Date.now() - 60_000 } }], 0);
    // Resumed after a crash: this session rolled the device back without checking it first.
    m.apply({ type: 'device', hostname: 'sw-1', status: 'rolled-back', step: null, message: 'rolled back to 17.6.5', reason: 'rolled-back', at: at() });
    expect(m.devices[0].readiness).toMatchObject({ fresh: true, tone: 'bad', text: '✗ rolled back to 17.6.5' });
    // Not a failure: an earlier check's readiness stays as it was.
    m.apply({ type: 'device', hostname: 'sw-2', status: 'cancelled', step: null, message: 'cancelled', reason: null, at: at() });
    expect(m.devices[1].readiness).toMatchObject({ fresh: false, text: 'ready' });
    m.dispose();
  });
});

describe('progress on screen', () => {
  it('one of several transfers says which, so a bar starting again reads as the next file', () => {
    const m = new FleetModel([{ row: row(1) }], 0);
    m.apply(status('sw-1', 'running', 'stage'));
    m.apply({ type: 'progress', hostname: 'sw-1', step: 'stage', done: 86, total: 100, part: { index: 2, count: 2 }, at: at() });
    const p = progressText(m.devices[0], 24, { now: Date.now(), reloadTimeoutMs: 60_000 });
    expect(p.text).toMatch(/^2\/2 █+░* +86%$/);
    m.dispose();
  });
});

describe('presentation helpers', () => {
  it('the quit dialog names devices still waiting for a rollback decision and what quitting leaves them in', () => {
    const text = (lines: { t: string }[][]) => lines.map((l) => l.map((x) => x.t).join('')).join('\n');
    expect(text(quitDialog(2, 1).lines)).not.toContain('rollback decision');
    expect(text(quitDialog(2, 2, ['wan-1']).lines)).toContain('wan-1: waits for a rollback decision. Quitting leaves it on the version that failed its post-checks');
  });

  it('NO_COLOR turns every colour off', () => {
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({})).toBe(true);
    setColor(false);
    expect(color('bad')).toBeUndefined();
    setColor(true);
    expect(color('bad')).toBe('red');
  });

  it('table columns fill the width exactly and never go below their base', () => {
    for (const inner of [36, 56, 76, 96, 116, 196]) {
      const w = columnWidths(inner);
      const used = [...w.values()].reduce((a, b) => a + b, 0) + 1 + (w.size - 1);
      expect(used).toBeLessThanOrEqual(inner);
      if (inner >= 56 && inner < 150) expect(used).toBe(inner);
      expect(w.get('status')).toBe(15);
      expect(w.has('host')).toBe(true);
      if (inner >= 56) expect(w.has('ready') && w.has('progress')).toBe(true);
    }
    expect([...columnWidths(76).keys()]).toEqual(['host', 'version', 'ready', 'status', 'progress']);
    // At 100 columns PLATFORM gives way so that VERSION holds a PAN-OS hop and STEP a whole gate label.
    expect([...columnWidths(96).keys()]).toEqual(['host', 'site', 'version', 'ready', 'status', 'step', 'progress']);
    expect(columnWidths(96).get('version')).toBe('10.2.9-h1 → 11.1.4-h7'.length);
    expect(columnWidths(96).get('step')).toBe('switchover (gate)'.length);
    expect(columnWidths(116).size).toBe(8);
    expect(fit('needs-attention!', 15)).toBe('needs-attentio…');
    expect(fit('ok', 4)).toBe('ok  ');
  });
});

describe('what the console reads', () => {
  it('src/ui imports no values from the drivers or the store (types only): the engine and the model give it what it shows', () => {
    const root = join(import.meta.dirname, '../../src/ui');
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const offending = files(root).flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').filter((l) => /^import (?!type )[^;]*from '(\.\.\/)+(drivers|store)\//.test(l)).map((l) => `${f.slice(root.length + 1)}: ${l}`));
    expect(offending).toEqual([]);
  });

  it('a device carries its effective port: the one its row names, else the one the session worked out', () => {
    const m = new FleetModel([{ row: { ...row(1), port: null }, port: 22 }, { row: { ...row(2), platform: 'panos', port: 8443 }, port: 443 }], 0);
    expect(m.device('sw-1')!.port).toBe(22);
    expect(m.device('sw-2')!.port).toBe(8443);
    m.dispose();
  });

  it('a device carries an uncommitted install and its auto-abort time from the facts, and drops it once committed', () => {
    const m = new FleetModel([{ row: row(1) }], 0);
    const summary = { model: null, serial: null, version: '17.9.5', mode: 'install mode', redundancy: 'standalone', storage: null, cpu: null, notes: [] };
    const facts = (uncommitted: unknown): Stamped => ({ type: 'facts', hostname: 'sw-1', facts: { uncommitted } as never, summary, at: at() });
    m.apply(facts({ detail: 'an activated, uncommitted install', autoAbort: '01:59:58', abortsAt: '2026-11-21T03:30:00.000Z' }));
    expect(m.device('sw-1')!.uncommitted).toEqual({ autoAbort: '01:59:58', abortsAt: '2026-11-21T03:30:00.000Z' });
    m.apply(facts(null));
    expect(m.device('sw-1')!.uncommitted).toBeNull();
    m.dispose();
  });
});
