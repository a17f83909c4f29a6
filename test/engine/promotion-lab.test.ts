// Canary promotion end to end: bin/upshift against the lab. A manual promotion
// holds the run (batch: held without --approve promote; a later run with it
// goes on); a canary that loses routes while it is watched is rolled back
// (it was never committed) and the rest of the fleet is never touched.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let lab: LabRun | null = null;
afterEach(async () => {
  await lab?.lab.stop();
  lab = null;
});

const logins = (r: LabRun, h: string) => r.lab.device(h).state.count('login');

/** The device's journal as step:outcome; empty while the run has not created its database yet. */
function journal(r: LabRun, host: string): string[] {
  let db: Database.Database | null = null;
  try {
    db = new Database(join(r.state, 'upshift.db'), { readonly: true, fileMustExist: true });
    return (db.prepare('SELECT step, outcome FROM journal WHERE hostname = ? ORDER BY id').all(host) as { step: string; outcome: string }[]).map((j) => `${j.step}:${j.outcome}`);
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

describe('canary promotion against the lab', () => {
  it('promote = manual: batch without --approve promote holds the rest untouched; with it the run goes on', async () => {
    lab = await startLabRun([dev('c-1', 'cat9300'), dev('n-1', 'cat9300'), dev('n-2', 'isr4451')], { settings: { canary: 1, batch_size: 2, promote: 'manual' } });
    const held = await lab.cli(['run', '--approve', 'reload']);
    expect(held.code).toBe(1);
    // A gate that sends nothing says what approving it does.
    expect(held.stdout).toMatch(/wave 1 \(canary\)\s+gate promote\s+the rest of the run starts/);
    expect(held.stdout).toMatch(/wave 1 \(canary\)\s+gate promote\s+held: not approved \(batch \(no approval given\)\)/);
    const st = lab.statuses();
    expect(st['c-1']).toMatchObject({ status: 'upgraded', current: '17.9.5' });
    for (const h of ['n-1', 'n-2']) {
      expect(st[h]).toMatchObject({ status: 'held', message: 'waits for the promotion of the canary wave: not approved (batch (no approval given))' });
      expect(logins(lab, h), h).toBe(0);
    }
    const go = await lab.cli(['run', '--approve', 'reload,promote']);
    expect(go.code).toBe(0);
    expect(go.stdout).toMatch(/wave 1 \(canary\)\s+gate promote\s+approved by \S+ \(--approve promote\)/);
    for (const h of ['c-1', 'n-1', 'n-2']) expect(lab.statuses()[h], h).toMatchObject({ status: 'upgraded', current: '17.9.5' });
    expect(lab.lab.device('c-1').state.count('reload')).toBe(1);
  });

  it('a canary that regresses while monitored is rolled back instead of promoted', async () => {
    lab = await startLabRun([dev('c-1', 'cat9300'), dev('n-1', 'cat9300')], { settings: { canary: 1, monitor_after_canary: '4 s' } });
    const run = lab.cli(['run', '--approve', 'reload,rollback']);
    const until = Date.now() + 60_000;
    while (!journal(lab, 'c-1').includes('monitor:started')) {
      if (Date.now() > until) throw new Error(`the canary was never monitored: ${journal(lab, 'c-1').join(' ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Upgraded, post-checked and not yet committed while it is watched.
    expect(journal(lab, 'c-1')).toContain('postcheck:ok');
    expect(journal(lab, 'c-1')).not.toContain('commit:ok');
    // The new release loses a neighbour after a while: the canary loses half its routes (back on the old one, it has them again).
    const d = lab.lab.device('c-1').state;
    d.faults.add('regression');
    d.routes = Object.fromEntries(Object.entries(d.routes).map(([k, v]) => [k, k === 'connected' ? v : Math.floor(v / 2)]));
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/c-1\s+gate rollback\s+approved by/);
    const st = lab.statuses();
    expect(st['c-1']).toMatchObject({ status: 'rolled-back', current: '17.6.5' });
    expect(st['c-1'].message).toMatch(/^regression during the canary monitoring: routes \d+ → \d+ .*; rolled back to 17\.6\.5 \(after it: routes \d+ → \d+ ✓/);
    expect(journal(lab, 'c-1').slice(-5)).toEqual(['monitor:ok', 'rollback:ok', 'wait-rollback:ok', 'postcheck-rollback:ok', 'rolled-back:ok']);
    expect(journal(lab, 'c-1')).not.toContain('commit:ok');
    expect(lab.lab.device('c-1').state.count('reload')).toBe(2);
    expect(st['n-1']).toMatchObject({ status: 'held', message: 'not started: the canary wave was not promoted (c-1 did not stay healthy)' });
    expect(logins(lab, 'n-1')).toBe(0);
  }, 90_000);
});
