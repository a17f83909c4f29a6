// A1-style cell references. Columns and rows are 1-based, as in Excel.

export function columnLetters(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const rem = (n - 1) % 26;
    s = String.fromCharCode(65 + rem) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function cellRef(row: number, col: number): string {
  return `${columnLetters(col)}${row}`;
}

const REF = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

export function parseCellRef(ref: string): { row: number; col: number } | null {
  const m = REF.exec(ref);
  if (!m) return null;
  return { col: columnNumber(m[1]), row: Number(m[2]) };
}
