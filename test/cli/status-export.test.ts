import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { StateStore } from '../../src/store/state.js';
import { importWorkbook } from '../../src/store/inventory.js';
import { runCli } from '../helpers/cli.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, openpyxlCells, sha256, tempDir, validDevices } from '../helpers/workbooks.js';

async function fleet() {
  const dir = tempDir();
  const workbook = join(dir, 'fleet.xlsx');
  await buildWorkbook(workbook, { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
  return { dir, workbook };
}

describe('upshift status and export', () => {
  it('status says when nothing has run yet (exit 1: nothing is done), and creates nothing', async () => {
    const { dir, workbook } = await fleet();
    const r = await runCli(['status', '--workbook', workbook]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`no state database at ${join(dir, '.upshift', 'fleet', 'upshift.db')} yet`);
    expect(existsSync(join(dir, '.upshift'))).toBe(false);
  });

  it('status counts devices per status and lists those needing a look; export writes them back with an Audit sheet', async () => {
    const { dir, workbook } = await fleet();
    // A state database in the older shared place (.upshift/ beside the workbook), naming this workbook: still used.
    const store = new StateStore(openDatabase(join(dir, '.upshift')));
    store.syncInventory(await importWorkbook(workbook));
    store.updateState('sw-1', { status: 'upgraded', current_version: '17.9.5' });
    store.updateState('sw-2', { status: 'blocked', step: 'precheck', message: 'flash 2.1 GB < 2.6 GB' });
    const run = store.startRun('run', 'alice', {});
    store.endStep(store.beginStep({ runId: run, hostname: 'sw-1', step: 'facts', key: 'k', targetVersion: '17.9.5', disruptive: false }), 'ok', null);
    store.db.close();

    const status = await runCli(['status', '--workbook', workbook]);
    expect(status.code).toBe(1);
    // The Panorama and jump host rows are helpers: they get no status.
    expect(status.stdout).toMatch(/4 devices in .*upshift\.db\n  pending 2  blocked 1  upgraded 1\n/);
    expect(status.stdout).toMatch(/needs a look \(1\):\n\s+sw-2\s+blocked\s+precheck: flash 2\.1 GB < 2\.6 GB/);
    const json = JSON.parse((await runCli(['status', '--workbook', workbook, '--json'])).stdout);
    expect(json.counts).toEqual({ pending: 2, upgraded: 1, blocked: 1 });

    const before = sha256(workbook);
    const out = join(dir, 'change.xlsx');
    const exp = await runCli(['export', '--workbook', workbook, '--out', out]);
    expect(exp.code).toBe(0);
    // One step, then one result row per device.
    expect(exp.stdout).toContain(`wrote ${out}: 4 device rows brought up to date, 5 audit rows`);
    expect(exp.stdout).toContain(`wrote ${join(dir, 'change.md')}: the change summary`);
    expect(readFileSync(join(dir, 'change.md'), 'utf8')).toMatch(/\| sw-2 \| iosxe \| .* \| blocked \|/);
    expect(sha256(workbook)).toBe(before);
    const nowhere = await runCli(['export', '--workbook', workbook, '--out', join(dir, 'no-such-folder', 'c.xlsx')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain(`the folder ${join(dir, 'no-such-folder')} does not exist`);
    const cells = openpyxlCells(out);
    expect(cells.Devices.Q1).toBe('status');
    expect(cells.Devices.Q2).toBe('upgraded');
    expect(cells.Devices.Q3).toBe('blocked');
    expect(cells.Audit.A2).toBe('sw-1');
    expect(cells.Audit.G2).toBe('alice');
  });

  it('status exits 0 when every selected device is done, 1 when any is not, 2 on a bad --only; status and export take a pasted run command line', async () => {
    const { dir, workbook } = await fleet();
    const store = new StateStore(openDatabase(join(dir, '.upshift', 'fleet')));
    store.syncInventory(await importWorkbook(workbook));
    store.updateState('sw-1', { status: 'upgraded' });
    store.updateState('sw-2', { status: 'already-current' });
    store.updateState('fw-a', { status: 'staged' });
    store.updateState('fw-b', { status: 'skipped' });
    const pasted = ['--credentials', join(dir, 'creds.yaml'), '--yes', '--approve', 'reload', '--concurrency', '5', '--known-hosts', join(dir, 'kh'), '--dry-run', '--images', dir, '--accept-new-host-keys'];
    const status = (...args: string[]) => runCli(['status', '--workbook', workbook, ...args]);
    expect((await status()).code).toBe(0);
    expect((await status(...pasted)).code).toBe(0);
    for (const [s, code] of [['ready', 0], ['pending', 1], ['running', 1], ['blocked', 1], ['held', 1], ['failed', 1], ['rolled-back', 1], ['needs-attention', 1], ['cancelled', 1]] as const) {
      store.updateState('fw-b', { status: s });
      const r = await status('--json');
      expect(r.code, s).toBe(code);
      expect(JSON.parse(r.stdout).exitCode, s).toBe(code);
    }
    // Only the selected devices count.
    const only = await status('--only', 'sw-*');
    expect(only.code).toBe(0);
    expect(only.stdout).toMatch(/^2 devices in /);
    const bad = await status('--only', 'site=nowhere');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no enabled device matches --only site=nowhere');
    store.db.close();

    const exp = await runCli(['export', '--workbook', workbook, '--out', join(dir, 'change.xlsx'), ...pasted, '--only', 'sw-1']);
    expect(exp.stderr).toBe('');
    expect(exp.code).toBe(0);
    expect(openpyxlCells(join(dir, 'change.xlsx')).Devices.Q2).toBe('upgraded');
    // Accepted, not advertised: export's help lists only what it uses.
    expect((await runCli(['export', '--help'])).stdout).not.toContain('--credentials');
    expect((await runCli(['status', '--help'])).stdout).toContain('--only');
  }, 60_000);

  it('refuses bad usage with exit 2 and a clear message', async () => {
    const { workbook } = await fleet();
    const cases: [string[], RegExp][] = [
      [['export', '--workbook', workbook], /required option '--out <file>'/],
      [['export', '--workbook', workbook, '--out', workbook], /--out must name a new file/],
      [['run', '--concurrency', '0'], /must be a whole number from 1 to 1000/],
      [['run', '--approve', 'reboot'], /must be a comma-separated list of reload, switchover, rollback, cleanup, promote$/m],
      // Keeping a version that failed its post-checks is a person's call: no policy answers it.
      [['run', '--approve', 'reload,commit'], /must be a comma-separated list of reload, switchover, rollback, cleanup, promote$/m],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('prints help and version with exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['tui', 'check', 'stage', 'run', 'plan', 'status', 'export', 'lab', 'demo', 'parse']) expect(help.stdout).toContain(cmd);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
