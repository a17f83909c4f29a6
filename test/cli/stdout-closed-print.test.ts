// `upshift status | head -3`: the reader closes the pipe before upshift has
// printed everything. The commands that only print (status, plan, export,
// parse, help) end quietly with the exit code they would have had, instead
// of dying on an unhandled EPIPE with a stack trace.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { StateStore } from '../../src/store/state.js';
import { importWorkbook } from '../../src/store/inventory.js';
import { BIN } from '../helpers/cli.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices } from '../helpers/workbooks.js';

/** Runs bin/upshift with its standard output closed by the reader before the first line. */
function withStdoutClosed(args: string[], input = ''): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

async function fleetWithState() {
  const dir = tempDir();
  const workbook = join(dir, 'fleet.xlsx');
  await buildWorkbook(workbook, { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
  const store = new StateStore(openDatabase(join(dir, '.upshift', 'fleet')));
  store.syncInventory(await importWorkbook(workbook));
  for (const h of ['sw-1', 'sw-2', 'fw-a', 'fw-b']) store.updateState(h, { status: 'upgraded' });
  store.db.close();
  return { dir, workbook };
}

describe('a read-only command whose standard output closes early', () => {
  it('status, status --md, status --json, plan and export end with their own exit code and no stack trace', async () => {
    const { dir, workbook } = await fleetWithState();
    const out = join(dir, 'change.xlsx');
    const cases: [string[], number][] = [
      [['status', '--workbook', workbook], 0],
      [['status', '--workbook', workbook, '--md'], 0],
      [['status', '--workbook', workbook, '--json'], 0],
      [['plan', '--workbook', workbook], 0],
      [['export', '--workbook', workbook, '--out', out], 0],
    ];
    for (const [args, code] of cases) {
      const r = await withStdoutClosed(args);
      expect(r.stderr, args.join(' ')).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(code);
    }
    // Export still did its work: the output is a report, the file is the result.
    expect(existsSync(out)).toBe(true);
  }, 60_000);

  it('parse, --help and --version end quietly too', async () => {
    const ver = 'Cisco IOS XE Software, Version 17.09.05\ncisco C9300-48P (X86) processor\nProcessor board ID FOC1\n';
    for (const [args, input] of [[['parse', '--platform', 'iosxe', '--command', 'show version'], ver], [['--help'], ''], [['status', '--help'], ''], [['--version'], '']] as const) {
      const r = await withStdoutClosed([...args], input);
      expect(r.stderr, args.join(' ')).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    }
  }, 60_000);
});
