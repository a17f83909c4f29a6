// One upshift at a time, through the real executable: a second run on the
// same workbook refuses with exit 3 naming the first; a lock left by a
// process that is gone is taken over; the console holds the lock too.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/workbooks.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { openState, validate } from '../../src/cli/run-setup.js';
import type { CommonOptions } from '../../src/cli/options.js';

let run: LabRun;
afterAll(async () => run?.lab.stop());

const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('one upshift at a time', () => {
  it('a second run on the same workbook exits 3 naming the first; status reads meanwhile; the first upgrades each device once', async () => {
    run = await startLabRun([dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300')], { speed: 10, settings: { canary: 1 } });
    const pristine = sha256(run.files.workbook);
    const first = spawn(process.execPath, [BIN, 'run', '--yes', '--json', '--workbook', run.files.workbook, '--credentials', run.files.credentials], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    first.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const firstDone = new Promise<number | null>((r) => first.on('close', r));
    // The run has started (and so holds the lock) once it emits its first event.
    const until = Date.now() + 30_000;
    while (!out.includes('"phase":"started"') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(out).toContain('"phase":"started"');

    const second = await run.cli(['run', '--yes']);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`is in use by another upshift: "upshift run" (pid ${first.pid} on host ${hostname()}`);
    expect(second.stdout).toBe('');

    const status = await run.cli(['status']);
    expect(status.stdout).toContain(`in use now by "upshift run" (pid ${first.pid}`);

    expect(await firstDone).toBe(0);
    expect(run.statuses()['acc-1'].status).toBe('upgraded');
    expect(run.statuses()['acc-2'].status).toBe('upgraded');
    for (const h of ['acc-1', 'acc-2']) expect(run.lab.device(h).state.count('reload'), h).toBe(1);
    // The run wrote the workbook many times; its backup is the workbook from before the first of them.
    expect(sha256(join(run.dir, 'fleet.bak.xlsx'))).toBe(pristine);
    // Released at the end: nothing is left behind.
    expect(existsSync(join(run.dir, '.upshift', 'fleet', 'upshift.lock'))).toBe(false);
    expect(existsSync(join(run.dir, '.fleet.xlsx.upshift-lock'))).toBe(false);
  }, 90_000);

  it('takes over the locks of an upshift that is gone, and says so on stderr and in the log', async () => {
    const stale = { pid: deadPid(), host: hostname(), user: 'bob', command: 'upshift run', since: '2026-12-05T01:00:00.000Z', what: 'x', started: null };
    const stateLock = join(run.dir, '.upshift', 'fleet', 'upshift.lock');
    writeFileSync(stateLock, JSON.stringify(stale));
    writeFileSync(join(run.dir, '.fleet.xlsx.upshift-lock'), JSON.stringify(stale));
    const r = await run.cli(['check']);
    // The check ran (its outcome on these upgraded devices is the engine's business, not the lock's).
    expect(r.stdout).toContain('check finished');
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toContain(`took over the lock ${stateLock}: its holder "upshift run" (pid ${stale.pid} on host ${hostname()}, user bob`);
    expect(r.stderr).toContain(`took over the lock ${join(run.dir, '.fleet.xlsx.upshift-lock')}`);
    const log = readFileSync(join(run.dir, '.upshift', 'fleet', 'logs', 'upshift.jsonl'), 'utf8');
    expect(log).toContain(`took over the lock ${stateLock}`);
    expect(existsSync(stateLock)).toBe(false);
  }, 60_000);

  it('the console holds the lock for its whole session', async () => {
    const opts = { workbook: run.files.workbook, credentials: run.files.credentials, only: [], logLevel: 'info' } as CommonOptions;
    const state = openState(await validate(opts, true));
    try {
      const r = await run.cli(['check']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`"upshift console" (pid ${process.pid} on host ${hostname()}`);
    } finally {
      await state.close();
    }
    expect(existsSync(join(run.dir, '.upshift', 'fleet', 'upshift.lock'))).toBe(false);
    expect((await run.cli(['status'])).stdout).not.toContain('in use now');
  }, 60_000);

  it('plan --refresh takes the lock for its check; plan, status and export run beside a holder', async () => {
    const opts = { workbook: run.files.workbook, credentials: run.files.credentials, only: [], logLevel: 'info' } as CommonOptions;
    const state = openState(await validate(opts, true), 'run');
    try {
      expect((await run.cli(['plan', '--refresh'])).code).toBe(3);
      expect((await run.cli(['plan'])).code).toBe(0);
      expect((await runCli(['export', '--workbook', run.files.workbook, '--out', join(run.dir, 'change.xlsx')])).code).toBe(0);
    } finally {
      await state.close();
    }
  }, 60_000);
});
