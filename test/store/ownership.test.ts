// Which workbook a state database belongs to, read without creating anything
// beside it; and the workbook identity that survives upshift's own writes.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { readOwner } from '../../src/store/ownership.js';
import { StateStore } from '../../src/store/state.js';
import { importWorkbook } from '../../src/store/inventory.js';
import { writeBack } from '../../src/store/writeback.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices } from '../helpers/workbooks.js';

describe('state ownership', () => {
  it('reads the owner a run claimed, or else the latest import of an older database, or none', async () => {
    const dir = tempDir();
    const store = new StateStore(openDatabase(join(dir, 's')));
    const db = join(dir, 's', 'upshift.db');
    expect(readOwner(db)).toBeNull();
    store.db.prepare('INSERT INTO imports (at, workbook, devices) VALUES (?, ?, ?)').run('2026-12-05', '/fleets/a.xlsx', 3);
    store.db.prepare('INSERT INTO imports (at, workbook, devices) VALUES (?, ?, ?)').run('2026-12-06', '/fleets/b.xlsx', 3);
    expect(readOwner(db)).toEqual({ workbook: '/fleets/b.xlsx', identity: null, source: 'imports' });
    store.claimOwner('/fleets/a.xlsx', 'abc');
    expect(readOwner(db)).toEqual({ workbook: '/fleets/a.xlsx', identity: 'abc', source: 'owner' });
    store.db.close();
    expect(readOwner(join(dir, 'none', 'upshift.db'))).toBeNull();
  });

  it('creates no -wal or -shm file to read a database, closed by upshift or left in WAL mode by an older one', () => {
    const dir = tempDir();
    const store = new StateStore(openDatabase(dir));
    store.claimOwner('/fleets/a.xlsx', null);
    store.db.close();
    expect(readdirSync(dir)).toEqual(['upshift.db']);
    expect(readOwner(join(dir, 'upshift.db'))?.workbook).toBe('/fleets/a.xlsx');
    expect(readdirSync(dir)).toEqual(['upshift.db']);

    // As an older upshift closed it: still in WAL mode.
    const old = new Database(join(dir, 'upshift.db'));
    old.pragma('journal_mode = WAL');
    old.prepare('UPDATE owner SET workbook = ?').run('/fleets/c.xlsx');
    old.close();
    expect([...readFileSync(join(dir, 'upshift.db')).subarray(18, 20)]).toEqual([2, 2]);
    expect(readOwner(join(dir, 'upshift.db'))?.workbook).toBe('/fleets/c.xlsx');
    expect(readdirSync(dir)).toEqual(['upshift.db']);
  });

  it('a workbook keeps its identity through upshift\'s writes; another fleet has another', async () => {
    const dir = tempDir();
    const file = await buildWorkbook(join(dir, 'fleet.xlsx'), { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const before = (await importWorkbook(file)).identity;
    expect(before).toMatch(/^[0-9a-f]{32}$/);
    await writeBack(file, new Map([['sw-1', { status: 'upgraded', message: 'done' }]]));
    expect((await importWorkbook(file)).identity).toBe(before);
    const rows = validDevices();
    rows[1][0] = 'sw-9';
    const other = await buildWorkbook(join(dir, 'other.xlsx'), { Devices: rows, Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    expect((await importWorkbook(other)).identity).not.toBe(before);
  });
});
