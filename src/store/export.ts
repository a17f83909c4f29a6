// `upshift export --out FILE`: the operator's workbook with the status columns
// brought up to date, plus an Audit sheet for the change record; beside it
// the change summary FILE.md a reviewer reads in the ticket.
import { writeFileSync } from 'node:fs';
import { upsertSimpleSheet } from './xlsx/add-sheet.js';
import { XlsxPackage } from './xlsx/package.js';
import { applyStatusUpdates, type StatusUpdates, type WriteBackResult } from './writeback.js';
import { changeAuditRows, utcOffset, type ChangeAuditRow } from './records.js';
import type { StateStore } from './state.js';
import { changeSummary } from './summary.js';

export async function exportWorkbook(source: string, out: string, updates: StatusUpdates, audit: ChangeAuditRow[]): Promise<WriteBackResult & { auditRows: number }> {
  const pkg = await XlsxPackage.open(source);
  const result = applyStatusUpdates(pkg, updates);
  upsertSimpleSheet(pkg, {
    name: 'Audit',
    // Dates are real Excel dates in local time; `zone` says which (Excel dates carry no zone).
    header: ['device', 'step', 'start', 'end', 'zone', 'outcome', 'operator', 'message', 'version before', 'version after', 'change', 'run'],
    widths: [22, 22, 20, 20, 8, 15, 14, 80, 14, 14, 16, 36],
    rows: audit.map((a) => [a.device, a.step, a.start, a.end, a.start ? utcOffset(a.start) : null, a.outcome, a.operator, a.message, a.versionBefore, a.versionAfter, a.change, a.run]),
  });
  pkg.save(out, { backup: false });
  return { ...result, auditRows: audit.length };
}

/** `change.xlsx` → `change.md`: the summary lives beside the workbook. */
export function summaryPath(out: string): string {
  return /\.xlsx$/i.test(out) ? out.replace(/\.xlsx$/i, '.md') : `${out}.md`;
}

/** The whole change record: the workbook with its Audit sheet, and the Markdown summary beside it. */
export async function exportChangeRecord(store: StateStore | null, source: string, out: string): Promise<WriteBackResult & { auditRows: number; summary: string }> {
  const result = await exportWorkbook(source, out, store?.statusCells() ?? new Map(), store ? changeAuditRows(store.db) : []);
  const summary = summaryPath(out);
  const text = store ? changeSummary(store, { workbook: source }) : '# Change record\n\nNothing has run yet: there is no state database.\n';
  writeFileSync(summary, text);
  return { ...result, summary };
}
