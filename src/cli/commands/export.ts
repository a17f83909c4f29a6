// `upshift export --out FILE`: updated workbook plus an Audit sheet. Reads the
// state (no lock taken, nothing written there); writes only FILE.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { openWithoutSideFiles } from '../../store/ownership.js';
import { StateStore } from '../../store/state.js';
import { exportChangeRecord } from '../../store/export.js';
import { WorkbookFileError } from '../../store/xlsx/package.js';
import { UsageError } from '../errors.js';
import type { CommonOptions } from '../options.js';
import { workbookPath } from '../state-dir.js';
import { ownStateDir } from './status.js';

export async function exportCommand(opts: CommonOptions & { out?: unknown }): Promise<number> {
  const { workbook, stateDb } = await ownStateDir(opts);
  const out = workbookPath(String(opts.out));
  if (out === workbook) throw new UsageError('--out must name a new file, not the workbook itself');
  const dir = dirname(out);
  if (!existsSync(dir)) throw new UsageError(`--out ${out}: the folder ${dir} does not exist`);
  const db = existsSync(stateDb) ? openWithoutSideFiles(stateDb) : null;
  try {
    const store = db ? new StateStore(db) : null;
    const result = await exportChangeRecord(store, workbook, out);
    const summary = { out, summary: result.summary, rowsUpdated: result.rowsUpdated, auditRows: result.auditRows, skipped: result.skipped };
    if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(`wrote ${out}: ${rowsText(result.rowsUpdated)}, ${result.auditRows} audit rows\n`);
      process.stdout.write(`wrote ${result.summary}: the change summary\n`);
      for (const s of result.skipped) process.stdout.write(`  left unchanged: ${s}\n`);
      if (!db) process.stdout.write(`  (no state database at ${stateDb}: nothing has run yet)\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof WorkbookFileError) throw new UsageError(err.message);
    throw err;
  } finally {
    db?.close();
  }
}

/** A run's write-back usually brought the workbook up to date already: say so rather than "0 updated". */
function rowsText(n: number): string {
  if (n === 0) return 'device rows as in the workbook (its status columns were already current)';
  return `${n} device row${n === 1 ? '' : 's'} brought up to date`;
}
