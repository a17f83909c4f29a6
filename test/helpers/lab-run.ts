// End-to-end fixtures: a lab in this process, its files in a temp folder,
// and the real CLI run against it as a child process.
import { join } from 'node:path';
import { Lab, type LabOptions } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { writeLabFiles, type LabFiles } from '../../src/cli/lab-files.js';
import { runCli, type CliResult } from './cli.js';
import { openpyxlCells, tempDir } from './workbooks.js';

export const dev = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({
  hostname, kind, version: kind === 'panos' ? '10.2.9-h1' : '17.6.5', target: kind === 'panos' ? '11.1.4-h7' : '17.9.5', faults: [], site: 'lab', role: 't', group: 'g', ...extra,
});

export interface LabRun { lab: Lab; files: LabFiles; dir: string; /** The workbook's default state directory. */ state: string; cli(args: string[], timeoutMs?: number): Promise<CliResult>; statuses(): Record<string, { status: string; message: string; current: string }> }

export async function startLabRun(fleet: LabDeviceSpec[], opts: Partial<LabOptions> & { settings?: Record<string, string | number>; windowStart?: Date; windowEnd?: Date } = {}): Promise<LabRun> {
  const lab = await Lab.start({ speed: 40, imageSize: 256 * 1024, ...opts, fleet });
  const dir = tempDir('upshift-e2e-');
  const files = await writeLabFiles(lab, join(dir, 'fleet.xlsx'), { settings: opts.settings, windowStart: opts.windowStart, windowEnd: opts.windowEnd });
  return {
    lab, files, dir, state: join(dir, '.upshift', 'fleet'),
    cli: (args, timeoutMs = 120_000) => runCli([...args, '--workbook', files.workbook, ...(['export', 'status'].includes(args[0]) ? [] : ['--credentials', files.credentials])], { timeoutMs }),
    statuses: () => {
      const cells = openpyxlCells(files.workbook).Devices;
      const header = Object.entries(cells).filter(([ref]) => /^[A-Z]+1$/.test(ref)).map(([ref, v]) => [v, ref.replace(/1$/, '')]);
      const col = (name: string) => header.find(([v]) => v === name)?.[1];
      const out: Record<string, { status: string; message: string; current: string }> = {};
      for (const [ref, host] of Object.entries(cells)) {
        const m = /^A(\d+)$/.exec(ref);
        if (!m || m[1] === '1') continue;
        out[host] = { status: cells[`${col('status')}${m[1]}`] ?? '', message: cells[`${col('message')}${m[1]}`] ?? '', current: cells[`${col('current_version')}${m[1]}`] ?? '' };
      }
      return out;
    },
  };
}
