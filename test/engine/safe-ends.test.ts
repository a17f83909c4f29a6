// Every device to a safe end, end to end through bin/upshift: the breaker
// does not keep a disrupted device from its rollback, and a read-only check
// looks at every device however many fail.
import { afterEach, describe, expect, it } from 'vitest';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let run: LabRun | null = null;
afterEach(async () => {
  await run?.lab.stop();
  run = null;
});

describe('safe ends', () => {
  it('check looks at every device even when most fail, and says the same on a second try', async () => {
    // Two refuse the login, one is not there at all (its port refuses): under the refusals after which credentials are spared.
    run = await startLabRun([dev('a-1', 'cat9300', { faults: ['auth'] }), dev('a-2', 'cat9300', { faults: ['auth'] }), dev('a-3', 'isr4451'), dev('ok-1', 'cat9300')], { settings: { canary: 1, batch_size: 1 } });
    await run.lab.device('a-3').server.stop();
    for (let i = 0; i < 2; i++) {
      const r = await run.cli(['check']);
      expect(r.code, r.stdout).toBe(1);
      const st = run.statuses();
      expect(['a-1', 'a-2', 'a-3', 'ok-1'].map((h) => st[h].status)).toEqual(['failed', 'failed', 'failed', 'ready']);
      expect(st['a-1'].message).toMatch(/^a-1: facts: authentication to \[127\.0\.0\.1\]:\d+ .*failed/);
    }
  });

  it('a breaker that trips while devices are past their reload does not keep them from their rollbacks; later waves do not start', async () => {
    // Each rolled-back device counts as a failure: the first one trips the breaker (1 of 3 > 20 %)
    // while the others are between their reload and their rollback.
    run = await startLabRun([
      dev('wan-1', 'isr4451', { faults: ['regression'], wave: 1 }), dev('wan-2', 'isr4451', { faults: ['regression'], wave: 1 }), dev('wan-3', 'isr4451', { faults: ['regression'], wave: 1 }),
      dev('later', 'cat9300', { wave: 2 }),
    ], { settings: { concurrency: 3, max_failure_percent: 20 } });
    const r = await run.cli(['run', '--yes']);
    expect(r.stdout).toMatch(/circuit breaker: 1 of 3 devices failed/);
    expect(r.code).toBe(3);
    const st = run.statuses();
    for (const h of ['wan-1', 'wan-2', 'wan-3']) {
      expect(st[h].status, `${h}: ${st[h].message}`).toBe('rolled-back');
      expect(run.lab.device(h).state.version, h).toBe('17.6.5');
      expect(run.lab.device(h).state.count('reload'), h).toBe(2);
    }
    expect(st.later.status).toBe('pending');
    expect(run.lab.device('later').state.count('reload')).toBe(0);
  });
});
