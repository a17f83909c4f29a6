// The optional `Paths` sheet: operator-given PAN-OS upgrade paths that
// override the driver's rules — `from` (a release, or a feature release
// X.Y), `to` (the same), `via` (the releases installed on the way, in
// order). Every problem is reported at its cell, like the other sheets.
import { PANOS_VERSION, normalizeVersion } from './patterns.js';
import { headerKey, type PathRow } from './types.js';
import { cellText, type SheetCells } from './xlsx/sheet-read.js';

const RELEASE_OR_TRAIN = /^\d{1,2}\.\d{1,2}(?:\.\d{1,2}(?:-[hcb]\d{1,3})?)?$/;

export function readPaths(cells: SheetCells, issue: (row: number, col: number | null, field: string, message: string) => void): PathRow[] {
  const rows = [...cells.keys()].sort((a, b) => a - b);
  const headerRow = rows.filter((r) => r <= 10).find((r) => [...cells.get(r)!.values()].some((c) => headerKey(cellText(c.value)) === 'from'));
  if (headerRow === undefined) {
    if (rows.length) issue(rows[0], null, 'from', 'no header row with a "from" column in the first 10 rows');
    return [];
  }
  const cols = new Map<string, number>();
  for (const [col, cell] of cells.get(headerRow)!) {
    const key = headerKey(cellText(cell.value));
    if (['from', 'to', 'via'].includes(key) && !cols.has(key)) cols.set(key, col);
  }
  for (const f of ['to', 'via']) if (!cols.has(f)) issue(headerRow, null, f, 'required column is missing');
  if (cols.size < 3) return [];
  const out: PathRow[] = [];
  for (const r of rows.filter((x) => x > headerRow)) {
    const text = (f: string) => cellText(cells.get(r)!.get(cols.get(f)!)?.value).trim();
    if (!text('from') && !text('to') && !text('via')) continue;
    let bad = false;
    const at = (f: string, message: string) => {
      issue(r, cols.get(f) ?? null, f, message);
      bad = true;
    };
    for (const f of ['from', 'to']) {
      if (!text(f)) at(f, 'is required');
      else if (!RELEASE_OR_TRAIN.test(text(f))) at(f, `${JSON.stringify(text(f))} is not a PAN-OS release (e.g. 10.1.14-h9) or feature release (e.g. 10.1)`);
    }
    const via = text('via').split(/[\s,;]+/).filter(Boolean);
    if (via.length === 0) at('via', 'is required: the releases installed on the way, in order');
    for (const v of via) if (!PANOS_VERSION.test(v)) at('via', `${JSON.stringify(v)} is not a PAN-OS release (e.g. 11.0.6)`);
    if (!bad) out.push({ from: normalizeVersion(text('from')), to: normalizeVersion(text('to')), via: via.map(normalizeVersion), row: r });
  }
  return out;
}
