// A line at least every 10 s for a device in a long step: waits say how long
// of the limit, transfers how much and how fast.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { heartbeat } from '../../src/cli/heartbeat.js';
import type { Stamped } from '../../src/engine/events.js';
import { runCli } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let run: LabRun | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await run?.lab.stop();
  run = null;
});

describe('heartbeat', () => {
  it('says every 10 s what each busy device is doing, and stops when its step ends', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const beat = heartbeat((h, step, text) => lines.push(`${h} ${step} ${text}`), { everyMs: 10_000, reloadTimeoutMs: 30 * 60_000 });
    const at = () => new Date().toISOString();
    const feed = (e: Record<string, unknown>) => beat({ ...e, at: at() } as unknown as Stamped);
    feed({ type: 'step', hostname: 'sw-1', step: 'wait', phase: 'start' });
    feed({ type: 'step', hostname: 'sw-2', step: 'stage', phase: 'start' });
    vi.advanceTimersByTime(9_999);
    expect(lines).toEqual([]);
    feed({ type: 'progress', hostname: 'sw-2', step: 'stage', done: 12_300_000, total: 27_100_000, rate: 3_400_000, note: 'base image', part: { index: 1, count: 2 } });
    vi.advanceTimersByTime(1);
    expect(lines).toEqual([
      'sw-1 wait still waiting for it to answer: 10 s of 30 min 00 s (reload_timeout)',
      'sw-2 stage 1/2 base image: 45% — 12.3 MB of 27.1 MB at 3.4 MB/s, 10 s so far',
    ]);
    feed({ type: 'step', hostname: 'sw-2', step: 'stage', phase: 'end', outcome: 'ok' });
    vi.advanceTimersByTime(10_000);
    expect(lines.slice(2)).toEqual(['sw-1 wait still waiting for it to answer: 20 s of 30 min 00 s (reload_timeout)']);
    beat.close();
  });

  it('never leaves a busy device silent for more than 10 s, whenever its step started', () => {
    vi.useFakeTimers();
    const said: Record<string, number[]> = {};
    const beat = heartbeat((h, _step, _text, at) => (said[h] ??= []).push(at.getTime()), { everyMs: 10_000, reloadTimeoutMs: 30 * 60_000 });
    const t0 = Date.now();
    const start = (h: string) => beat({ type: 'step', hostname: h, step: 'wait', phase: 'start', at: new Date().toISOString() } as unknown as Stamped);
    // Steps starting at odd moments: just after the start, and between whole seconds.
    start('sw-1');
    vi.advanceTimersByTime(300);
    start('sw-2');
    vi.advanceTimersByTime(9_450);
    start('sw-3');
    vi.advanceTimersByTime(120_000);
    const end = Date.now();
    const started = { 'sw-1': t0, 'sw-2': t0 + 300, 'sw-3': t0 + 9_750 };
    for (const [h, since] of Object.entries(started)) {
      const times = [since, ...said[h], end];
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      expect(Math.max(...gaps), h).toBeLessThanOrEqual(10_000);
      // And no more often than that: one line per 10 s, not one per check.
      expect(Math.min(...gaps.slice(0, -1)), h).toBe(10_000);
    }
    // A step that ends stops its lines; a new step starts its own 10 s.
    beat({ type: 'step', hostname: 'sw-1', step: 'wait', phase: 'end', outcome: 'ok', at: new Date().toISOString() } as unknown as Stamped);
    const n = said['sw-1'].length;
    vi.advanceTimersByTime(60_000);
    expect(said['sw-1']).toHaveLength(n);
    beat.close();
    const total = Object.values(said).flat().length;
    vi.advanceTimersByTime(60_000);
    expect(Object.values(said).flat()).toHaveLength(total);
  });

  it('in a batch run, a device waiting for its reload is reported while it is silent', async () => {
    run = await startLabRun([dev('sw-1', 'cat9300')], { speed: 10 });
    const r = await runCli(['run', '--yes', '--workbook', run.files.workbook, '--credentials', run.files.credentials], { env: { UPSHIFT_HEARTBEAT_MS: '250' }, timeoutMs: 120_000 });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/sw-1\s+wait\s+still waiting for it to answer: \d+ s of \d+ (s|min) .*\(reload_timeout\)/);
  }, 150_000);
});
