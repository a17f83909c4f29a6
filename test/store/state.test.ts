import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, SCHEMA_VERSION, StateDatabaseError } from '../../src/store/db.js';
import { StateStore } from '../../src/store/state.js';
import { importWorkbook } from '../../src/store/inventory.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices } from '../helpers/workbooks.js';

describe('state database', () => {
  it('creates a WAL database at the current schema version and refuses a newer one', () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'state'));
    expect(existsSync(join(dir, 'state', 'upshift.db'))).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(join(dir, 'state'))).toThrow(StateDatabaseError);
  });

  it('upserts devices by hostname on re-import and keeps the history of changed rows', async () => {
    const dir = tempDir();
    const file = join(dir, 'fleet.xlsx');
    await buildWorkbook(file, { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const store = new StateStore(openDatabase(join(dir, '.upshift')));
    expect(store.syncInventory(await importWorkbook(file))).toMatchObject({ added: 6, changed: 0, removed: 0 });

    const devices = validDevices();
    devices[1][1] = '10.0.0.99'; // sw-1 moved
    devices[2][14] = 'no'; // sw-2 disabled
    devices.splice(6, 1); // jump-1 removed …
    devices[2][10] = null; // … and sw-2 no longer goes through it
    await buildWorkbook(file, { Devices: devices, Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    store.updateState('sw-1', { status: 'upgraded', current_version: '17.9.5' });
    expect(store.syncInventory(await importWorkbook(file))).toMatchObject({ added: 0, changed: 2, removed: 1 });

    expect(store.deviceRows().map((d) => d.hostname)).toEqual(['sw-1', 'sw-2', 'fw-a', 'fw-b', 'pano']);
    expect(store.deviceRows()[0].host).toBe('10.0.0.99');
    const history = store.db.prepare('SELECT row_json FROM device_history WHERE hostname = ? ORDER BY id').all('sw-1') as { row_json: string }[];
    expect(history.map((h) => JSON.parse(h.row_json).host)).toEqual(['10.0.0.1', '10.0.0.99']);
    // Status survives a re-import; disabling a row marks it skipped.
    expect(store.state('sw-1')?.status).toBe('upgraded');
    expect(store.state('sw-2')).toMatchObject({ status: 'skipped', message: 'disabled in the workbook' });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM imports').get()).toEqual({ n: 2 });
  });

  it('journals steps, finds the ones left open by a crash, and lists audit rows in order', () => {
    const dir = tempDir();
    const file = join(dir, '.upshift');
    let store = new StateStore(openDatabase(file));
    const run = store.startRun('run', 'alice', { yes: true });
    const facts = store.beginStep({ runId: run, hostname: 'sw-1', step: 'facts', key: 'sw-1:facts:17.9.5', targetVersion: '17.9.5', disruptive: false });
    store.endStep(facts, 'ok', null);
    store.recordApproval({ runId: run, hostname: 'sw-1', kind: 'reload', step: 'activate', decision: 'approved', operator: 'alice', source: '--yes', commands: ['write memory'] });
    store.beginStep({ runId: run, hostname: 'sw-1', step: 'activate', key: 'sw-1:activate:17.9.5', targetVersion: '17.9.5', disruptive: true });
    store.db.close(); // the process dies here

    store = new StateStore(new Database(join(file, 'upshift.db')));
    const open = store.openSteps();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ hostname: 'sw-1', step: 'activate', disruptive: 1, outcome: 'started', idempotency_key: 'sw-1:activate:17.9.5' });
    expect(store.lastStep('sw-1', 'activate', '17.9.5')?.id).toBe(open[0].id);
    const audit = store.auditRows();
    expect(audit.map((a) => [a.step, a.outcome, a.operator])).toEqual([
      ['facts', 'ok', 'alice'],
      ['approval: reload', 'approved', 'alice'],
      ['activate', 'started', 'alice'],
    ]);
  });

  it('keeps snapshots per phase and target', () => {
    const store = new StateStore(openDatabase(join(tempDir(), 's')));
    store.saveSnapshot('sw-1', 'pre', '17.9.5', null, { routes: 10 });
    store.saveSnapshot('sw-1', 'pre', '17.9.5', null, { routes: 12 });
    store.saveSnapshot('sw-1', 'pre', '17.12.4', null, { routes: 99 });
    expect(store.latestSnapshot('sw-1', 'pre', '17.9.5')).toEqual({ routes: 12 });
    expect(store.latestSnapshot('sw-1', 'post', '17.9.5')).toBeNull();
  });

  it('masks the session secrets in every text it writes, quoted in JSON or not', async () => {
    const dir = tempDir();
    const file = join(dir, 'fleet.xlsx');
    await buildWorkbook(file, { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const store = new StateStore(openDatabase(join(dir, '.upshift')));
    store.syncInventory(await importWorkbook(file));
    const secrets: string[] = [];
    store.maskWith(() => secrets);
    // A secret added after maskWith counts (the console login comes later); one with a quote is escaped in JSON.
    secrets.push('Tr0ub4dor', 'pa"ss\\word');
    const said = 'enable secret Tr0ub4dor and pa"ss\\word';
    store.updateState('sw-1', { status: 'failed', reason: said });
    const run = store.startRun('run', 'op', {});
    const id = store.beginStep({ runId: run, hostname: 'sw-1', step: 'facts', key: 'k', targetVersion: null, disruptive: false, detail: { said } });
    store.endStep(id, 'failed', said, { said }, [said]);
    store.saveFacts('sw-1', { banner: said });
    store.saveSnapshot('sw-1', 'pre', null, run, { said });
    store.appendEvent(run, 'log', 'sw-1', { message: said });
    store.recordApproval({ runId: run, hostname: 'sw-1', kind: 'reload', step: 'activate', decision: 'approved', operator: 'op', source: 'console', commands: [said] });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(join(dir, '.upshift', 'upshift.db')).toString('latin1');
    expect(bytes).not.toContain('Tr0ub4dor');
    expect(bytes).not.toContain('pa"ss');
    expect(bytes).not.toContain('pa\\"ss');
    expect(store.state('sw-1')!.reason).toBe('enable secret ****** and ******');
    expect(store.journal('sw-1').at(-1)!.message).toBe('enable secret ****** and ******');
    expect(store.latestFacts<{ banner: string }>('sw-1')!.facts.banner).toBe('enable secret ****** and ******');
  });
});

