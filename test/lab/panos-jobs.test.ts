// The PAN-OS lab's job list applies a job's effect when its time is up even if
// nobody asks for the job: an HA sync changes what the peer reports.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobList } from '../../src/lab/panos/jobs.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('PAN-OS lab job list', () => {
  it('applies a job whose timer fired a millisecond before Date.now() reached its end, without a query', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let now = 1_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const jobs = new JobList();
    let applied = 0;
    const job = jobs.add('HA-Sync', 'ha', 50, () => {
      applied++;
      return { ok: true, lines: ['synchronized'] };
    });
    now = 1_049; // the timer fires early by the wall clock
    vi.advanceTimersByTime(50);
    expect(applied).toBe(0);
    now = 1_050;
    vi.advanceTimersByTime(1);
    expect(applied).toBe(1);
    expect(job.outcome).toMatchObject({ ok: true });
    vi.advanceTimersByTime(1_000);
    expect(applied).toBe(1);
    jobs.dispose();
  });

  it('a restart (clear) drops the unfinished job and its effect never comes', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let now = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const jobs = new JobList();
    let applied = 0;
    jobs.add('Install', 'software', 100, () => ((applied++), { ok: true, lines: [] }));
    jobs.clear();
    now = 500;
    vi.advanceTimersByTime(500);
    expect(applied).toBe(0);
    expect(jobs.all()).toHaveLength(0);
  });
});
