// A sheet read as a table: its header row found by name, data rows below it, and
// every problem collected with sheet, row and column (docs/workbook.md).
import type { z } from 'zod';
import { cellRef } from './xlsx/cellref.js';
import { cellText, type SheetCells } from './xlsx/sheet-read.js';
import { STATUS_COLUMNS, headerKey } from './types.js';

export class Issues {
  readonly list: string[] = [];
  at(sheet: string, row: number, col: number | null, field: string, message: string) {
    const where = col === null ? `${row}:${row}` : cellRef(row, col);
    this.list.push(`${sheet}!${where} ${field}: ${message}`);
  }
  sheet(sheet: string, message: string) {
    this.list.push(`${sheet}: ${message}`);
  }
}

export interface Table {
  sheet: string;
  headerRow: number;
  columns: Map<string, number>;
  cells: SheetCells;
}

/** The header row is the first of the first ten rows naming a required column. */
export function findHeader(
  sheet: string, cells: SheetCells, fields: readonly string[], issues: Issues, required: readonly string[],
): Table | null {
  const known = new Map(fields.map((f) => [headerKey(f), f]));
  const ours = new Set<string>(STATUS_COLUMNS.map(headerKey));
  const firstRequired = headerKey(required[0]);
  let headerRow = 0;
  for (const r of [...cells.keys()].sort((a, b) => a - b)) {
    if (r > 10) break;
    const row = cells.get(r)!;
    if ([...row.values()].some((c) => headerKey(cellText(c.value)) === firstRequired)) {
      headerRow = r;
      break;
    }
  }
  if (headerRow === 0) {
    issues.sheet(sheet, `no header row with a "${required[0]}" column in the first 10 rows`);
    return null;
  }
  const columns = new Map<string, number>();
  const seen = new Map<string, number>();
  let ok = true;
  for (const [col, cell] of [...cells.get(headerRow)!].sort((a, b) => a[0] - b[0])) {
    const key = headerKey(cellText(cell.value));
    if (!key) continue;
    const field = known.get(key);
    if (seen.has(key) && (field || ours.has(key))) {
      issues.at(sheet, headerRow, col, field ?? cellText(cell.value), `duplicate column (also ${cellRef(headerRow, seen.get(key)!)})`);
      ok = false;
    }
    seen.set(key, col);
    if (field && !columns.has(field)) columns.set(field, col);
  }
  for (const field of required) {
    if (!columns.has(field)) {
      issues.at(sheet, headerRow, null, field, 'required column is missing');
      ok = false;
    }
  }
  return ok ? { sheet, headerRow, columns, cells } : null;
}

export function dataRows(table: Table): number[] {
  return [...table.cells.keys()].filter((r) => r > table.headerRow).sort((a, b) => a - b);
}

/** Where a field's cell is, and its text parsed by a schema (a failure is reported at that cell). */
export function rowReader<F extends string>(table: Table, r: number, text: (f: F) => string, issues: Issues) {
  const at = (f: F) => table.columns.get(f) ?? null;
  const field = <T>(f: F, schema: z.ZodType<T>): T | undefined => {
    const value = text(f);
    if (value === '') return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    issues.at(table.sheet, r, at(f), f, parsed.error.issues[0]?.message ?? 'is not valid');
    return undefined;
  };
  return { at, field };
}
