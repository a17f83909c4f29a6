// `upshift export --out FILE`: the operator's workbook with the status columns
// brought up to date, plus an Audit sheet for the change record.
import { formatLocal } from './dates.js';
import { upsertSimpleSheet } from './xlsx/add-sheet.js';
import { XlsxPackage } from './xlsx/package.js';
import { applyStatusUpdates, type StatusUpdates, type WriteBackResult } from './writeback.js';
import type { AuditRow } from './state.js';

export async function exportWorkbook(source: string, out: string, updates: StatusUpdates, audit: AuditRow[]): Promise<WriteBackResult & { auditRows: number }> {
  const pkg = await XlsxPackage.open(source);
  const result = applyStatusUpdates(pkg, updates);
  const stamp = (iso: string | null) => (iso ? formatLocal(new Date(iso)) : null);
  upsertSimpleSheet(pkg, {
    name: 'Audit',
    header: ['device', 'step', 'start', 'end', 'outcome', 'operator', 'message'],
    widths: [22, 22, 20, 20, 13, 14, 80],
    rows: audit.map((a) => [a.device, a.step, stamp(a.start), stamp(a.end), a.outcome, a.operator, a.message]),
  });
  pkg.save(out, { backup: false });
  return { ...result, auditRows: audit.length };
}
