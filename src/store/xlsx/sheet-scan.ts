// One pass over a worksheet for write-back: finds the header row, each data
// row's key (hostname) and the exact offsets of the cells write-back may touch.
// Only what write-back needs is kept, so a 10,000-row sheet scans quickly.
import { streamTags } from './xml-tokens.js';

export interface CellPos {
  col: number;
  start: number;
  end: number;
  style?: string;
  formula: boolean;
  text: string;
}

export interface RowPos {
  row: number;
  openStart: number;
  openEnd: number;
  closeStart: number; // index of </row>, or openEnd for <row/>
  selfClosing: boolean;
  spans?: string;
  key: string; // the key column's text
  cells: CellPos[]; // cells at or right of `keepFrom`, plus the key cell
}

export interface SheetScan {
  prefix: string;
  headerRow: number;
  keyCol: number;
  header: CellPos[];
  rows: RowPos[];
  lastCol: number;
  dimension: { start: number; end: number; ref: string } | null;
  colsElement: { start: number; end: number; closeStart: number; selfClosing: boolean } | null;
  cols: { min: number; max: number; start: number }[];
  sheetDataStart: number;
}

/** Column number of an A1 reference without a regular expression: "AB12" → 28. */
export function refColumn(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else if (c !== 36) break; // '$'
  }
  return col;
}

const ATTRS = new Set(['row', 'c', 'dimension', 'col']);
const HEADER_SEARCH_ROWS = 10;

/**
 * @param isKeyHeader recognises the key column's header text (e.g. hostname)
 * @param keepFrom given the header cells, the first column whose cells must be located
 */
export function scanSheet(
  xml: string,
  shared: string[],
  isKeyHeader: (text: string) => boolean,
  keepFrom: (header: CellPos[]) => number,
): SheetScan {
  const scan: SheetScan = {
    prefix: '', headerRow: 0, keyCol: 0, header: [], rows: [], lastCol: 0,
    dimension: null, colsElement: null, cols: [], sheetDataStart: -1,
  };
  let keepFromCol = Infinity;
  let rowNum = 0;
  let col = 0;
  let row: RowPos | null = null;
  let candidates: CellPos[] = [];
  let cell: CellPos | null = null;
  let cellType = 'n';
  let capture = false;
  let inInline = false;
  let phonetic = 0;

  streamTags(xml, {
    wantAttributes: ATTRS,
    open(n, start, end, attrs, selfClosing, qname) {
      if (n === 'c') {
        col = attrs!.r ? refColumn(attrs!.r) : col + 1;
        if (col > scan.lastCol) scan.lastCol = col;
        const keep = row !== null && (scan.headerRow === 0 ? rowNum <= HEADER_SEARCH_ROWS : col >= keepFromCol || col === scan.keyCol);
        cell = keep ? { col, start, end, style: attrs!.s, formula: false, text: '' } : null;
        cellType = attrs!.t ?? 'n';
        inInline = false;
      } else if (cell !== null) {
        if (n === 'v') capture = true;
        else if (n === 'f') cell.formula = true;
        else if (n === 'is') inInline = true;
        else if (n === 'rPh') phonetic++;
        else if (n === 't' && inInline && phonetic === 0) capture = true;
      } else if (n === 'row') {
        rowNum = attrs!.r ? Number(attrs!.r) : rowNum + 1;
        col = 0;
        row = { row: rowNum, openStart: start, openEnd: end, closeStart: -1, selfClosing, spans: attrs!.spans, key: '', cells: [] };
      } else if (n === 'sheetData') {
        scan.prefix = qname.includes(':') ? qname.slice(0, qname.indexOf(':') + 1) : '';
        scan.sheetDataStart = start;
      } else if (n === 'dimension' && attrs!.ref) {
        scan.dimension = { start, end, ref: attrs!.ref };
      } else if (n === 'cols') {
        scan.colsElement = { start, end, closeStart: end, selfClosing };
      } else if (n === 'col') {
        scan.cols.push({ min: Number(attrs!.min), max: Number(attrs!.max), start });
      }
    },
    text(t) {
      if (capture && cell) cell.text += t;
    },
    close(n, start, end) {
      if (n === 'c') {
        if (cell && row) {
          cell.end = end;
          if (cellType === 's') cell.text = shared[Number(cell.text)] ?? '';
          if (scan.headerRow === 0) candidates.push(cell);
          else {
            if (col === scan.keyCol) row.key = cell.text;
            row.cells.push(cell);
          }
        }
        cell = null;
        capture = false;
      } else if (n === 'v' || n === 't') {
        capture = false;
      } else if (n === 'rPh') {
        phonetic--;
      } else if (n === 'row' && row) {
        row.closeStart = row.selfClosing ? row.openEnd : start;
        if (scan.headerRow === 0) {
          const key = candidates.find((c) => isKeyHeader(c.text));
          if (key) {
            scan.headerRow = row.row;
            scan.keyCol = key.col;
            scan.header = candidates;
            row.cells = candidates;
            scan.rows.push(row);
            keepFromCol = keepFrom(candidates);
          }
          candidates = [];
        } else if (row.key !== '') {
          scan.rows.push(row);
        }
        row = null;
      } else if (n === 'cols' && scan.colsElement && !scan.colsElement.selfClosing) {
        scan.colsElement.closeStart = start;
      }
    },
  });
  return scan;
}
