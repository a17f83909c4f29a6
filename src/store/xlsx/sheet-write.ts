// Changes a few cells of a worksheet part by splicing the XML text at the
// exact offsets of the affected <c>/<row> elements. Everything else in the
// part keeps its bytes: styles, validations, conditional formats, panes...
import { cellRef, columnLetters, parseCellRef } from './cellref.js';
import { escapeXml, stripInvalidXmlChars } from './package.js';
import type { RowPos, SheetScan } from './sheet-scan.js';

export interface CellWrite {
  row: number;
  col: number;
  /** null clears the value (the cell's style is kept). */
  text: string | null;
  /** Style index for a cell that does not exist yet. */
  style?: string;
}

export interface SkippedWrite {
  row: number;
  col: number;
  reason: string;
}

interface Edit { start: number; end: number; text: string; order: number }

/** Applies cell writes to rows located by scanSheet (sheet-scan.ts). */
export function spliceCells(
  xml: string,
  scan: SheetScan,
  writes: CellWrite[],
  newColumnWidths: Map<number, number> = new Map(),
): { xml: string; skipped: SkippedWrite[] } {
  if (scan.sheetDataStart < 0) throw new Error('worksheet has no <sheetData>');
  const rows = new Map<number, RowPos>(scan.rows.map((r) => [r.row, r]));
  const p = scan.prefix;
  const edits: Edit[] = [];
  const skipped: SkippedWrite[] = [];
  let order = 0;
  let maxCol = 0;

  const byRow = new Map<number, CellWrite[]>();
  for (const w of writes) {
    const list = byRow.get(w.row) ?? [];
    list.push(w);
    byRow.set(w.row, list);
  }

  for (const [rowNum, rowWrites] of [...byRow].sort((a, b) => a[0] - b[0])) {
    rowWrites.sort((a, b) => a.col - b.col);
    const row = rows.get(rowNum);
    if (!row) throw new Error(`row ${rowNum} was not located by the scan`);
    let inserted = false;
    for (const w of rowWrites) {
      const existing = row.cells.find((c) => c.col === w.col);
      if (existing) {
        if (existing.formula) {
          skipped.push({ row: w.row, col: w.col, reason: 'the cell holds a formula; left unchanged' });
          continue;
        }
        const text = w.text === null
          ? existing.style ? `<${p}c r="${cellRef(w.row, w.col)}" s="${existing.style}"/>` : ''
          : cellXml(p, w.row, w.col, w.text, existing.style);
        edits.push({ start: existing.start, end: existing.end, text, order: order++ });
      } else if (w.text !== null) {
        const next = row.cells.find((c) => c.col > w.col);
        const at = next ? next.start : row.closeStart;
        edits.push({ start: at, end: at, text: cellXml(p, w.row, w.col, w.text, w.style), order: order++ });
        inserted = true;
        maxCol = Math.max(maxCol, w.col);
      }
    }
    if (row.selfClosing && inserted) {
      // <row r="5"/> becomes <row r="5">…</row>: rewrite the tag itself.
      const tag = xml.slice(row.openStart, row.openEnd).replace(/\s*\/>$/, '>');
      edits.push({ start: row.openStart, end: row.openEnd, text: tag, order: -1 });
      edits.push({ start: row.openEnd, end: row.openEnd, text: `</${p}row>`, order: order + 1_000_000 });
    }
    if (inserted && row.spans) {
      const nums = row.spans.split(/[\s:]+/).map(Number).filter(Number.isFinite);
      const hi = Math.max(...nums, ...rowWrites.map((w) => w.col));
      const lo = Math.min(...nums);
      const tag = xml.slice(row.openStart, row.openEnd);
      const newTag = tag.replace(/\bspans="[^"]*"/, `spans="${lo}:${hi}"`);
      if (newTag !== tag) {
        if (row.selfClosing) {
          const fixed = edits.find((e) => e.start === row.openStart && e.order === -1);
          if (fixed) fixed.text = newTag.replace(/\s*\/>$/, '>');
        } else {
          edits.push({ start: row.openStart, end: row.openEnd, text: newTag, order: -1 });
        }
      }
    }
  }

  if (maxCol > 0 && scan.dimension) {
    const { start, end, ref } = scan.dimension;
    const updated = widenDimension(ref, maxCol);
    if (updated !== ref) edits.push({ start, end, text: xml.slice(start, end).replace(ref, updated), order: order++ });
  }
  if (newColumnWidths.size > 0) addColumnWidths(xml, scan, newColumnWidths, edits, p);

  return { xml: applyEdits(xml, edits), skipped };
}

function cellXml(p: string, row: number, col: number, text: string | null, style?: string): string {
  const s = style ? ` s="${style}"` : '';
  if (text === null) return `<${p}c r="${cellRef(row, col)}"${s}/>`;
  const clean = escapeXml(stripInvalidXmlChars(text));
  return `<${p}c r="${cellRef(row, col)}"${s} t="inlineStr"><${p}is><${p}t xml:space="preserve">${clean}</${p}t></${p}is></${p}c>`;
}

function widenDimension(ref: string, maxCol: number): string {
  const [a, b = a] = ref.split(':');
  const start = parseCellRef(a);
  const end = parseCellRef(b);
  if (!start || !end) return ref;
  return `${a}:${columnLetters(Math.max(end.col, maxCol))}${end.row}`;
}

function addColumnWidths(xml: string, scan: SheetScan, widths: Map<number, number>, edits: Edit[], p: string) {
  const covered = (col: number) => scan.cols.some((c) => c.min <= col && col <= c.max);
  const add = [...widths].filter(([col]) => !covered(col)).sort((a, b) => a[0] - b[0]);
  if (add.length === 0) return;
  const colXml = (col: number, w: number) => `<${p}col min="${col}" max="${col}" width="${w}" customWidth="1"/>`;
  if (scan.colsElement?.selfClosing) {
    const { start, end } = scan.colsElement;
    edits.push({ start, end, text: `<${p}cols>${add.map(([c, w]) => colXml(c, w)).join('')}</${p}cols>`, order: -2 });
  } else if (scan.colsElement) {
    for (const [col, w] of add) {
      const next = scan.cols.find((c) => c.min > col);
      const at = next ? next.start : scan.colsElement.closeStart;
      edits.push({ start: at, end: at, text: colXml(col, w), order: col });
    }
  } else {
    const at = scan.sheetDataStart;
    edits.push({ start: at, end: at, text: `<${p}cols>${add.map(([c, w]) => colXml(c, w)).join('')}</${p}cols>`, order: -2 });
  }
}

function applyEdits(xml: string, edits: Edit[]): string {
  if (edits.length === 0) return xml;
  edits.sort((a, b) => a.start - b.start || a.order - b.order);
  const out: string[] = [];
  let pos = 0;
  for (const e of edits) {
    if (e.start < pos) throw new Error('overlapping worksheet edits');
    out.push(xml.slice(pos, e.start), e.text);
    pos = e.end;
  }
  out.push(xml.slice(pos));
  return out.join('');
}
