// `upshift run … | head -1`: standard output closes after the first line.
// upshift stops as on Ctrl+C (no new steps, devices in flight reach a safe
// point, state and workbook saved, exit 3) instead of dying on EPIPE, and the
// next run finishes the job without repeating a reload.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { importWorkbook } from '../../src/store/inventory.js';

let run: LabRun;
afterAll(async () => run?.lab.stop());

describe('standard output closed early', () => {
  it('stops safely with exit 3 and the state saved; the next run resumes', async () => {
    run = await startLabRun([dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300'), dev('acc-3', 'isr4451')], { speed: 10, settings: { canary: 1, batch_size: 2 } });
    const child = spawn(process.execPath, [BIN, 'run', '--yes', '--workbook', run.files.workbook, '--credentials', run.files.credentials], { stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // As `head -1` does: read the first line, then close the pipe.
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString().split('\n')[0];
      child.stdout.destroy();
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
    expect(first).toMatch(/upshift run: 3 devices in 2 waves/);
    expect(signal).toBeNull();
    expect(code, stderr).toBe(3);
    expect(stderr).toContain('standard output closed (EPIPE): stopping safely');
    expect(stderr).not.toMatch(/Error|at .*\.js:\d+/);

    const db = new Database(join(run.dir, '.upshift', 'fleet', 'upshift.db'), { readonly: true });
    try {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM journal WHERE outcome = 'started'`).get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT command, outcome FROM runs ORDER BY id DESC LIMIT 1').get()).toEqual({ command: 'run', outcome: 'stopped' });
    } finally {
      db.close();
    }
    // The workbook was written and is still a valid inventory; no lock is left behind.
    expect((await importWorkbook(run.files.workbook)).devices).toHaveLength(3);
    const st = run.statuses();
    expect(Object.values(st).some((s) => s.message.startsWith('not started: stopped: standard output closed'))).toBe(true);
    expect(existsSync(join(run.dir, '.upshift', 'fleet', 'upshift.lock'))).toBe(false);

    const again = await run.cli(['run', '--yes']);
    expect(again.code, again.stdout).toBe(0);
    for (const h of ['acc-1', 'acc-2', 'acc-3']) {
      expect(run.statuses()[h].status, h).toBe('upgraded');
      expect(run.lab.device(h).state.count('reload'), h).toBe(1);
    }
  }, 120_000);
});
