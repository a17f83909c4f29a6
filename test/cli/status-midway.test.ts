// After a forced quit (double Ctrl+C, SIGKILL) devices stay `running` in the
// state database. When no upshift holds the lock, status says they were left
// mid-way by a run that is gone and lists them under "needs a look" (exit 1);
// while a live upshift holds it, they are simply running.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { StateStore } from '../../src/store/state.js';
import { importWorkbook } from '../../src/store/inventory.js';
import { acquireLock } from '../../src/store/lock.js';
import { stateLockFile } from '../../src/cli/session-lock.js';
import { runCli } from '../helpers/cli.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices } from '../helpers/workbooks.js';

async function fleetMidway() {
  const dir = tempDir();
  const workbook = join(dir, 'fleet.xlsx');
  await buildWorkbook(workbook, { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
  const state = join(dir, '.upshift', 'fleet');
  const store = new StateStore(openDatabase(state));
  store.syncInventory(await importWorkbook(workbook));
  store.updateState('sw-1', { status: 'upgraded' });
  store.updateState('sw-2', { status: 'running', step: 'wait', message: 'waiting for it to come back' });
  store.updateState('fw-a', { status: 'running', step: 'install' });
  store.updateState('fw-b', { status: 'upgraded' });
  store.db.close();
  return { workbook, state };
}

describe('status after a run that is gone', () => {
  it('names the devices it left mid-way under "needs a look", in text, JSON and --md, and exits 1', async () => {
    const { workbook } = await fleetMidway();
    const r = await runCli(['status', '--workbook', workbook]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 left mid-way: no upshift holds this workbook');
    expect(r.stdout).toMatch(/needs a look \(2\):\n\s+sw-2\s+running\s+wait: left mid-way by a run that is gone \(last: waiting for it to come back\)\n\s+fw-a\s+running\s+install: left mid-way by a run that is gone\n/);

    const json = JSON.parse((await runCli(['status', '--workbook', workbook, '--json'])).stdout);
    expect(json.leftMidway.sort()).toEqual(['fw-a', 'sw-2']);
    expect(json.attention.map((a: { hostname: string }) => a.hostname).sort()).toEqual(['fw-a', 'sw-2']);
    expect(json.exitCode).toBe(1);

    const md = await runCli(['status', '--workbook', workbook, '--md']);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/## Left mid-way\n\n2 devices left mid-way by a run that is gone: .*\n\n- \*\*sw-2\*\* running \(wait\): waiting for it to come back\n- \*\*fw-a\*\* running \(install\)\n/);
  }, 60_000);

  it('says nothing of the kind while a live upshift holds the lock: they are running', async () => {
    const { workbook, state } = await fleetMidway();
    const lock = acquireLock(stateLockFile(state), { command: 'upshift run', user: 'tester', what: 'test' });
    try {
      const r = await runCli(['status', '--workbook', workbook]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('in use now by');
      expect(r.stdout).not.toContain('left mid-way');
      expect(r.stdout).not.toContain('needs a look');
      const md = await runCli(['status', '--workbook', workbook, '--md']);
      expect(md.stdout).not.toContain('Left mid-way');
    } finally {
      lock.release();
    }
  }, 60_000);
});
