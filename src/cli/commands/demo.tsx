// `upshift demo` (what `npm start` runs): the example lab in a temporary
// folder and the console on it, in one process.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLab, fleetCount, writeLabFiles } from '../lab-files.js';
import { validate } from '../run-setup.js';
import type { CommonOptions } from '../options.js';
import { batchCommand } from './batch.js';
import { startLab, type LabCommandOptions } from './lab.js';
import { runConsole } from './tui.js';

/** One device whose routes drop after its reload, so the demo shows a failed post-check and its rollback gate. */
export const DEMO_FAULTS = 'lon-wan-1=regression';

export async function demoCommand(opts: LabCommandOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'upshift-demo-'));
  const lab = await startLab({ ...opts, devices: undefined, faults: opts.faults ?? DEMO_FAULTS });
  try {
    const files = await writeLabFiles(lab, join(dir, 'lab.xlsx'));
    const common: CommonOptions = { ...opts, workbook: files.workbook, credentials: files.credentials, only: opts.only ?? [], logLevel: opts.logLevel ?? 'info' };
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      process.stdout.write(`${describeLab(lab, files)}\n\nupshift demo: not a terminal, so no console: running "upshift check" on the lab with line output instead\n`);
      return await batchCommand('check')(common);
    }
    const v = await validate(common, true);
    // The folder first: a narrow terminal cuts the end of the line, and the folder is where the export lands.
    const banner = `demo in ${dir} · ${fleetCount(lab.fleet, { short: true })} on ${lab.host} (speed ×${lab.clock.speed}; lon-wan-1 loses routes after its reload)`;
    return await runConsole(v, common, banner);
  } finally {
    await lab.stop();
    cleanUp(dir);
  }
}

/**
 * The demo's folder holds a credentials file for the lab: it never outlives the demo. The rest
 * goes too, unless the operator exported a change record there — then the folder stays, and says so.
 */
function cleanUp(dir: string): void {
  const exported = readdirSync(dir).filter((f) => /-upshift-.*\.xlsx$/.test(f));
  if (exported.length === 0) {
    rmSync(dir, { recursive: true, force: true });
    // The lines above name files in it: say they are gone (`e` exports a change record the demo keeps).
    process.stdout.write(`upshift demo: removed ${dir} (lab workbook, state and credentials); export with e to keep a change record\n`);
    return;
  }
  rmSync(join(dir, 'lab-credentials.yaml'), { force: true });
  process.stdout.write(`upshift demo: kept ${dir} for its export (${exported.join(', ')}); the lab's credentials file was removed\n`);
}
