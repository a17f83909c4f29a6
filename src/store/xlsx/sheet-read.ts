// Reads cell values straight from a worksheet part. exceljs is not used for
// the operator's workbook: it crashes on some charts and comments and reads
// whole-column validations slowly; here only sheetData is looked at.
import { Parser } from 'htmlparser2';
import { refColumn } from './sheet-scan.js';
import { streamTags } from './xml-tokens.js';
import { localName, type XlsxPackage } from './package.js';

export type CellValue =
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'error'; v: string }
  | { t: 'date'; v: string }; // ISO text from t="d" cells

export interface Cell {
  value: CellValue;
  formula: boolean;
  /** Index into styles.xml cellXfs, when the cell has one. */
  style?: string;
}

/** rows → columns → cell, all 1-based. */
export type SheetCells = Map<number, Map<number, Cell>>;

export function readSharedStrings(pkg: XlsxPackage): string[] {
  const part = pkg.sharedStringsPart();
  if (!part || !pkg.has(part)) return [];
  const strings: string[] = [];
  let current = '';
  let inSi = false;
  let inT = false;
  let phonetic = 0;
  streamTags(pkg.text(part), {
    wantAttributes: NONE,
    open(n) {
      if (n === 'si') {
        inSi = true;
        current = '';
      } else if (n === 'rPh') phonetic++;
      else if (n === 't' && phonetic === 0) inT = true;
    },
    text(t) {
      if (inT && inSi) current += t;
    },
    close(n) {
      if (n === 't') inT = false;
      else if (n === 'rPh') phonetic--;
      else if (n === 'si') {
        strings.push(current);
        inSi = false;
      }
    },
  });
  return strings;
}

const NONE = new Set<string>();
const CELL_ATTRS = new Set(['row', 'c']);

export function readSheetCells(xml: string, shared: string[]): SheetCells {
  const rows: SheetCells = new Map();
  let rowNum = 0;
  let row: Map<number, Cell> | null = null;
  let col = 0;
  let cellType = '';
  let inCell = false;
  let hasFormula = false;
  let cellStyle: string | undefined;
  let capture = false;
  let text = '';
  let inInline = false;
  let phonetic = 0;

  streamTags(xml, {
    wantAttributes: CELL_ATTRS,
    open(n, _start, _end, attrs) {
      if (n === 'c') {
        col = attrs!.r ? refColumn(attrs!.r) : col + 1;
        cellType = attrs!.t ?? 'n';
        cellStyle = attrs!.s;
        inCell = true;
        hasFormula = false;
        inInline = false;
        text = '';
      } else if (!inCell) {
        if (n === 'row') {
          rowNum = attrs!.r ? Number(attrs!.r) : rowNum + 1;
          col = 0;
          row = rows.get(rowNum) ?? new Map();
          rows.set(rowNum, row);
        }
      } else if (n === 'v') capture = true;
      else if (n === 'f') hasFormula = true;
      else if (n === 'is') inInline = true;
      else if (n === 'rPh') phonetic++;
      else if (n === 't' && inInline && phonetic === 0) capture = true;
    },
    text(t) {
      if (capture) text += t;
    },
    close(n) {
      if (n === 'v' || n === 't') capture = false;
      else if (n === 'rPh') phonetic--;
      else if (n === 'c') {
        if (inCell && row) {
          const value = toValue(cellType, text, inInline, shared);
          if (value) row.set(col, { value, formula: hasFormula, style: cellStyle });
        }
        inCell = false;
        capture = false;
      } else if (n === 'row') row = null;
    },
  });
  return rows;
}

function toValue(type: string, text: string, inline: boolean, shared: string[]): CellValue | null {
  if (inline || type === 'inlineStr') return text === '' ? null : { t: 'string', v: text };
  if (text === '') return null;
  switch (type) {
    case 's': {
      const s = shared[Number(text)];
      return s === undefined || s === '' ? null : { t: 'string', v: s };
    }
    case 'str':
      return { t: 'string', v: text };
    case 'b':
      return { t: 'bool', v: text === '1' || text === 'true' };
    case 'e':
      return { t: 'error', v: text };
    case 'd':
      return { t: 'date', v: text };
    default: {
      const n = Number(text);
      return Number.isFinite(n) ? { t: 'number', v: n } : { t: 'string', v: text };
    }
  }
}

/** The text an operator sees for a cell, for messages and free-text fields. */
export function cellText(value: CellValue | undefined): string {
  if (!value) return '';
  switch (value.t) {
    case 'string':
    case 'date':
    case 'error':
      return value.v;
    case 'number':
      return String(value.v);
    case 'bool':
      return value.v ? 'TRUE' : 'FALSE';
  }
}

/** Style indexes whose number format shows a percentage (0.2 displayed as 20%). */
export function percentStyles(pkg: XlsxPackage): Set<string> {
  const part = 'xl/styles.xml';
  const out = new Set<string>();
  if (!pkg.has(part)) return out;
  const custom = new Map<string, string>();
  let inCellXfs = false;
  let index = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const n = localName(name);
        if (n === 'numFmt' && attrs.numFmtId) custom.set(attrs.numFmtId, attrs.formatCode ?? '');
        else if (n === 'cellXfs') inCellXfs = true;
        else if (n === 'xf' && inCellXfs) {
          const id = attrs.numFmtId ?? '0';
          if (id === '9' || id === '10' || (custom.get(id) ?? '').includes('%')) out.add(String(index));
          index++;
        }
      },
      onclosetag(name) {
        if (localName(name) === 'cellXfs') inCellXfs = false;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(pkg.text(part));
  parser.end();
  return out;
}
