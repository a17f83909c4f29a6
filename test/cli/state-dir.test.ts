// State tied to its workbook, through the real executable: two workbooks in
// one folder never see each other's devices; a state of another workbook is
// refused untouched; a missing workbook creates nothing; the older shared
// state stays with the workbook it names; a moved workbook keeps its state.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, sha256, tempDir, validDevices } from '../helpers/workbooks.js';
import { openState, validate } from '../../src/cli/run-setup.js';
import type { CommonOptions } from '../../src/cli/options.js';
import { MIGRATIONS, openDatabase } from '../../src/store/db.js';
import { StateStore } from '../../src/store/state.js';
import { importWorkbook } from '../../src/store/inventory.js';

let run: LabRun;
afterAll(async () => run?.lab.stop());

/** Everything under a folder, as relative paths. */
const tree = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

/** Claims a state directory for a workbook as a run would (no device is contacted). */
async function claim(workbook: string, state?: string): Promise<void> {
  const s = openState(await validate({ workbook, state, only: [], logLevel: 'info' } as CommonOptions, false), 'check');
  await s.close();
}

async function plainFleet(dir: string, name: string, rows = validDevices()): Promise<string> {
  return buildWorkbook(join(dir, name), { Devices: rows, Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
}

describe('state per workbook', () => {
  it('two workbooks in one folder: each has its own state, status and check see only its devices', async () => {
    run = await startLabRun([dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300', { version: '17.9.5' })]);
    // The second workbook: the same folder, only acc-2 (a copy with acc-1's row deleted).
    const other = join(run.dir, 'other.xlsx');
    execFileSync('/usr/bin/python3', ['-c', `import openpyxl, sys\nwb = openpyxl.load_workbook(sys.argv[1])\nws = wb['Devices']\nfor r in range(ws.max_row, 1, -1):\n    if ws.cell(r, 1).value == 'acc-1': ws.delete_rows(r)\nwb.save(sys.argv[2])`, run.files.workbook, other]);
    expect((await run.cli(['check'])).stdout).toMatch(/check: ready 1 {2}already-current 1|check: already-current 1 {2}ready 1/);

    const before = await runCli(['status', '--workbook', other]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`no state database at ${join(run.dir, '.upshift', 'other', 'upshift.db')} yet`);

    // Host keys live in each workbook's state: the lab recorded them in the first one's.
    const check = await runCli(['check', '--workbook', other, '--credentials', run.files.credentials, '--known-hosts', run.files.knownHosts]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).not.toContain('acc-1');
    expect(check.stdout).toContain('check: already-current 1');
    const otherStatus = await runCli(['status', '--workbook', other, '--json']);
    expect(JSON.parse(otherStatus.stdout)).toMatchObject({ devices: 1, counts: { 'already-current': 1 }, exitCode: 0 });
    expect(otherStatus.code).toBe(0);
    // The first workbook's state still holds its two devices, the first as checked.
    const first = JSON.parse((await run.cli(['status', '--json'])).stdout);
    expect(first).toMatchObject({ devices: 2, counts: { ready: 1, 'already-current': 1 } });
    expect(tree(join(run.dir, '.upshift'))).toEqual(expect.arrayContaining(['fleet/upshift.db', 'other/upshift.db']));
  }, 90_000);

  it('refuses, with exit 2, a --state that belongs to another workbook, and neither reads nor writes there', async () => {
    const other = join(run.dir, 'other.xlsx');
    const state = join(run.dir, '.upshift', 'fleet');
    const db = join(state, 'upshift.db');
    const hash = sha256(db);
    const mtime = statSync(db).mtimeMs;
    const files = tree(state);
    for (const args of [['check', '--credentials', run.files.credentials], ['run', '--yes', '--credentials', run.files.credentials], ['status'], ['plan'], ['export', '--out', join(run.dir, 'x.xlsx')]]) {
      const r = await runCli([...args, '--workbook', other, '--state', state]);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toContain(`the state directory ${state} belongs to the workbook ${run.files.workbook}, not to ${other}; nothing was read or written there`);
    }
    expect(sha256(db)).toBe(hash);
    expect(statSync(db).mtimeMs).toBe(mtime);
    expect(tree(state)).toEqual(files);
    expect(existsSync(join(run.dir, 'x.xlsx'))).toBe(false);
  }, 60_000);

  it('a workbook that does not exist is exit 2 for every command, and nothing is created', async () => {
    const dir = tempDir();
    for (const args of [['status'], ['export', '--out', 'out.xlsx'], ['plan'], ['plan', '--refresh'], ['check'], ['stage'], ['run', '--yes'], ['tui'], []]) {
      const r = await runCli([...args, '--workbook', 'nope.xlsx'], { cwd: dir, env: { UPSHIFT_USERNAME: 'u', UPSHIFT_PASSWORD: 'p' } });
      expect(r.code, args.join(' ') || '(default)').toBe(2);
      expect(r.stderr).toContain(`workbook ${join(dir, 'nope.xlsx')} does not exist`);
    }
    expect(tree(dir)).toEqual([]);
  }, 60_000);

  it('keeps using an older shared .upshift/upshift.db for the workbook it names; another workbook there gets its own', async () => {
    const dir = tempDir();
    const a = await plainFleet(dir, 'a.xlsx');
    const b = await plainFleet(dir, 'b.xlsx', validDevices().slice(0, 3));
    // As an older upshift left it: one database beside the workbooks, schema 1, naming a.xlsx.
    mkdirSync(join(dir, '.upshift'));
    const old = new Database(join(dir, '.upshift', 'upshift.db'));
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    const legacy = new StateStore(old);
    legacy.syncInventory(await importWorkbook(a));
    legacy.updateState('sw-1', { status: 'upgraded' });
    legacy.db.close();

    const sa = JSON.parse((await runCli(['status', '--workbook', a, '--json'])).stdout);
    expect(sa).toMatchObject({ database: join(dir, '.upshift', 'upshift.db'), counts: { upgraded: 1, pending: 3 } });
    const sb = await runCli(['status', '--workbook', b]);
    expect(sb.stdout).toContain(`no state database at ${join(dir, '.upshift', 'b', 'upshift.db')} yet`);
    // A run claims it for a.xlsx (the schema now records the owner), and status still finds it.
    await claim(a);
    expect(JSON.parse((await runCli(['status', '--workbook', a, '--json'])).stdout).database).toBe(join(dir, '.upshift', 'upshift.db'));
    const refused = await runCli(['status', '--workbook', b, '--state', join(dir, '.upshift')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`belongs to the workbook ${a}`);
  });

  it('a moved workbook keeps its state (same identity, old path gone); a copy beside the original does not', async () => {
    const dir = tempDir();
    const wb = await plainFleet(dir, 'fleet.xlsx');
    const state = join(dir, 'state');
    await claim(wb, state);
    copyFileSync(wb, join(dir, 'copy.xlsx'));
    const copy = await runCli(['status', '--workbook', join(dir, 'copy.xlsx'), '--state', state]);
    expect(copy.code).toBe(2);
    renameSync(wb, join(dir, 'renamed.xlsx'));
    const moved = await runCli(['status', '--workbook', join(dir, 'renamed.xlsx'), '--state', state, '--json']);
    expect(moved.stderr).toBe('');
    expect(JSON.parse(moved.stdout)).toMatchObject({ devices: 4, counts: { pending: 4 } });
  });
});
