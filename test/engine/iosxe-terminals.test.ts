// Real terminals, end to end through bin/upshift run --yes: log messages and
// timestamp headers everywhere, ISSU whose switchover drops the session, a
// stack install that drops it early, a command that never answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let run: LabRun;
let stdout = '';
let code: number | null = null;
let journal: { hostname: string; step: string; outcome: string; message: string | null }[] = [];

beforeAll(async () => {
  run = await startLabRun([
    dev('stk-noisy', 'cat9300-stack', { faults: ['syslog-sticky', 'timestamps'] }),
    dev('rtr-noisy', 'asr1001x', { mode: 'bundle', version: '16.12.4', faults: ['syslog', 'timestamps'] }),
    dev('core-svl', 'cat9500-svl'),
    dev('dist-sup', 'cat9400'),
    dev('stk-drop', 'cat9300-stack', { faults: ['drop-early'] }),
    dev('sw-hung', 'cat9300', { faults: ['hung'] }),
  // The hung command's late output comes after 15 s at this speed: well past the 3 s command timeout, however loaded the machine.
  ], { speed: 40, timings: { hungMs: 600_000 }, settings: { canary: 6, concurrency: 6, command_timeout: '3 s' } });
  const state = join(run.dir, 'state');
  const r = await run.cli(['run', '--yes', '--state', state, '--known-hosts', run.files.knownHosts], 240_000);
  stdout = r.stdout;
  code = r.code;
  const db = new Database(join(state, 'upshift.db'), { readonly: true });
  journal = db.prepare('SELECT hostname, step, outcome, message FROM journal ORDER BY id').all() as typeof journal;
  db.close();
}, 300_000);
afterAll(async () => run?.lab.stop());

describe('IOS-XE devices on real terminals, end to end', () => {
  it('every device is upgraded and the run exits 0', () => {
    expect(code, stdout).toBe(0);
    const st = run.statuses();
    for (const h of ['stk-noisy', 'rtr-noisy', 'core-svl', 'dist-sup', 'stk-drop', 'sw-hung']) expect(st[h], `${h}: ${st[h].message}`).toMatchObject({ status: 'upgraded', current: '17.9.5' });
  });

  it('a noisy stack and a noisy 16.x bundle-mode router: right facts in the workbook, one reload each', () => {
    for (const h of ['stk-noisy', 'rtr-noisy']) {
      const d = run.lab.device(h).state;
      expect(d.count('reload'), h).toBe(1);
      expect(d.members.every((m) => m.version === '17.9.5'), h).toBe(true);
    }
    const rows = run.statuses();
    expect(rows['rtr-noisy'].current).toBe('17.9.5');
    // The log messages and headers were there: the session transcripts hold what the devices printed.
    const transcript = (h: string) => readdirSync(join(run.dir, 'state', 'transcripts')).filter((f) => f.startsWith(`${h}-`)).map((f) => readFileSync(join(run.dir, 'state', 'transcripts', f), 'utf8')).join('');
    // The stack's line keeps logging after `terminal no monitor`; the router's stops (its messages may all come before).
    expect(transcript('stk-noisy')).toMatch(/%[A-Z_]+-\d-[A-Z_]+:/);
    expect(transcript('rtr-noisy')).toContain('terminal no monitor');
    for (const h of ['stk-noisy', 'rtr-noisy']) expect(transcript(h), h).toContain('Load for five secs');
  });

  it('ISSU on StackWise Virtual and on dual supervisors: the session drops at the switchover, every member on target, committed, one reload per member', () => {
    for (const h of ['core-svl', 'dist-sup']) {
      const d = run.lab.device(h).state;
      expect([d.count('reload'), d.memberReloads(1), d.memberReloads(2), d.count('switchover')], h).toEqual([0, 1, 1, 1]);
      expect(d.members.map((m) => m.version), h).toEqual(['17.9.5', '17.9.5']);
      expect(d.packages.filter((p) => p.state === 'U'), h).toEqual([]);
      const steps = journal.filter((j) => j.hostname === h).map((j) => `${j.step}:${j.outcome}`);
      expect(steps, h).toContain('activate:ok');
      expect(steps.filter((s) => s.startsWith('switchover')), h).toEqual([]);
    }
  });

  it('a stack whose session drops before the install says SUCCESS: followed until all members run the target', () => {
    const d = run.lab.device('stk-drop').state;
    expect(d.count('reload')).toBe(1);
    expect(d.members.map((m) => [m.version, m.state])).toEqual([['17.9.5', 'Ready'], ['17.9.5', 'Ready'], ['17.9.5', 'Ready']]);
  });

  it('a command that never answers: a clear error after the timeout naming device and step, a fresh session, then the device goes on', () => {
    const facts = journal.filter((j) => j.hostname === 'sw-hung' && j.step === 'facts');
    expect(facts[0]).toMatchObject({ outcome: 'failed' });
    expect(facts[0].message).toMatch(/^sw-hung: facts: "show install summary" .*did not return to the prompt within 3 s; the session was closed \(a new one is opened for the next command\); the device said: /);
    expect(facts.some((j) => j.outcome === 'ok')).toBe(true);
  });
});
