// The write-back of a session, as runs use it: written in the worker thread,
// the .bak.xlsx is the workbook as it was before the session's first write
// (never overwritten by its later writes; the next session makes its own),
// the cells can come from the state database itself, and a workbook that
// cannot be written leaves the status in SQLite with an error saying so.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { DebouncedWriteBack, type StatusUpdates } from '../../src/store/writeback.js';
import { backupPath } from '../../src/store/xlsx/package.js';
import { openDatabase } from '../../src/store/db.js';
import { StateStore } from '../../src/store/state.js';
import { importWorkbook } from '../../src/store/inventory.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, openpyxlCells, sha256, tempDir, validDevices } from '../helpers/workbooks.js';

async function fleet(dir: string): Promise<string> {
  return buildWorkbook(join(dir, 'fleet.xlsx'), { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
}

describe('write-back of a session', () => {
  it('keeps the workbook as it was before the first write as .bak.xlsx, once per session', async () => {
    const dir = tempDir();
    const file = await fleet(dir);
    const original = sha256(file);
    let cells: StatusUpdates = new Map([['sw-1', { status: 'running', step: 'stage' }]]);
    const errors: string[] = [];
    const first = new DebouncedWriteBack(file, () => cells, (m) => errors.push(m), 10);
    first.request();
    expect(await first.flush()).toBe(true);
    expect(sha256(backupPath(file))).toBe(original);
    const afterFirst = sha256(file);
    expect(afterFirst).not.toBe(original);

    cells = new Map([['sw-1', { status: 'upgraded', step: null }]]);
    first.request();
    expect(await first.close()).toBe(true);
    expect(openpyxlCells(file).Devices.Q2).toBe('upgraded');
    // The session's later write left the backup alone.
    expect(sha256(backupPath(file))).toBe(original);

    // The next session's backup is the workbook as that session found it.
    const before = sha256(file);
    const next = new DebouncedWriteBack(file, () => new Map([['sw-2', { status: 'blocked' }]]), (m) => errors.push(m), 10);
    next.request();
    expect(await next.close()).toBe(true);
    expect(sha256(backupPath(file))).toBe(before);
    expect(errors).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a session that has nothing new to write leaves the workbook and the previous backup as they are', async () => {
    const dir = tempDir();
    const file = await fleet(dir);
    const cells = () => new Map([['sw-1', { status: 'ready' }]]);
    const first = new DebouncedWriteBack(file, cells, () => undefined, 10);
    first.request();
    expect(await first.close()).toBe(true);
    const hash = sha256(file);
    const bak = sha256(backupPath(file));
    const second = new DebouncedWriteBack(file, cells, () => undefined, 10);
    second.request();
    expect(await second.close()).toBe(true);
    expect(sha256(file)).toBe(hash);
    expect(sha256(backupPath(file))).toBe(bak);
  });

  it('reads the cells from the state database in the worker thread, and exports from it there too', async () => {
    const dir = tempDir();
    const file = await fleet(dir);
    const store = new StateStore(openDatabase(join(dir, 'state')));
    store.syncInventory(await importWorkbook(file));
    store.updateState('sw-2', { status: 'held', message: 'waiting for approval: reload' });
    const wb = new DebouncedWriteBack(file, { stateDb: join(dir, 'state', 'upshift.db') }, () => undefined, 10);
    wb.request();
    expect(await wb.flush()).toBe(true);
    // A change committed after the first write reaches the next one.
    store.updateState('sw-2', { status: 'upgraded', message: null });
    wb.request();
    // The console's export runs in the same thread, from the same database.
    const run = store.startRun('run', 'alice', {});
    store.endStep(store.beginStep({ runId: run, hostname: 'sw-2', step: 'activate', key: 'k', targetVersion: '17.9.5', disruptive: true }), 'ok', 'reloaded');
    const exported = await wb.exportTo(join(dir, 'change.xlsx'));
    // The activate step, then one result row per device of the workbook.
    expect(exported.auditRows).toBe(1 + store.states().length);
    expect(await wb.close()).toBe(true);
    store.db.close();
    const cells = openpyxlCells(file).Devices;
    expect(cells.Q3).toBe('upgraded');
    expect(cells.Q2).toBe('pending');
    expect(cells.AA3).toBeUndefined();
    const change = openpyxlCells(join(dir, 'change.xlsx'));
    // device, step, start, end, zone, outcome, operator, message …
    expect(change.Audit).toMatchObject({ A2: 'sw-2', B2: 'activate', F2: 'ok', G2: 'alice', H2: 'reloaded' });
    expect(change.Devices.Q3).toBe('upgraded');
  });

  it('a workbook that cannot be written: false, an error saying the status is kept in the state database, a retry later', async () => {
    const dir = tempDir();
    const file = await fleet(dir);
    const hash = sha256(file);
    // The temporary file the atomic replace writes first is in the way (a folder of that name).
    const blocker = join(dir, `.fleet.xlsx.upshift-${process.pid}.tmp`);
    mkdirSync(blocker);
    const errors: string[] = [];
    const wb = new DebouncedWriteBack(file, () => new Map([['sw-1', { status: 'upgraded' }]]), (m) => errors.push(m), 10);
    wb.request();
    expect(await wb.flush()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^workbook not updated \(cannot write workbook .*fleet\.(bak\.)?xlsx: EISDIR\); the status is kept in the state database and will be written at the next chance$/);
    expect(sha256(file)).toBe(hash);
    expect(wb.lastError).toContain('EISDIR');
    // Once the way is clear, the next flush writes what is still owed.
    rmdirSync(blocker);
    expect(await wb.close()).toBe(true);
    expect(openpyxlCells(file).Devices.Q2).toBe('upgraded');
    expect(readFileSync(backupPath(file)).length).toBeGreaterThan(0);
  });
});
