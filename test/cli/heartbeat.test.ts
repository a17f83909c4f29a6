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

  it('in a batch run, a device waiting for its reload is reported while it is silent', async () => {
    run = await startLabRun([dev('sw-1', 'cat9300')], { speed: 10 });
    const r = await runCli(['run', '--yes', '--workbook', run.files.workbook, '--credentials', run.files.credentials], { env: { UPSHIFT_HEARTBEAT_MS: '250' }, timeoutMs: 120_000 });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/sw-1\s+wait\s+still waiting for it to answer: \d+ s of \d+ (s|min) .*\(reload_timeout\)/);
  }, 150_000);
});
