// What every frame must be, whatever it shows: no line wider than the
// terminal (it would wrap and push the rest down), one row short of the
// terminal's height (a taller frame makes Ink clear and scroll), and boxes
// that hold together: the row under a box's top border is its first line,
// never a blank one, and a bottom border is only border.
import stringWidth from 'string-width';

export interface Size { columns: number; rows: number }

const TOP_LEFT = /[┌╔]/g;
const RIGHT = /[┐╗]/;
const SIDE = /[│║]/;

/** What is wrong with `frame` at `size`; empty when nothing is. */
export function frameProblems(frame: string, size: Size): string[] {
  const lines = frame.split('\n');
  const out: string[] = [];
  if (lines.length > size.rows - 1) out.push(`${lines.length} lines on a terminal of ${size.rows} rows (at most ${size.rows - 1})`);
  lines.forEach((line, i) => {
    const w = stringWidth(line);
    if (w > size.columns) out.push(`line ${i + 1} is ${w} columns wide on a terminal of ${size.columns}: ${line}`);
    const cells = Array.from(line);
    // A bottom border: from its corner to the next, nothing but the border.
    cells.forEach((c, x) => {
      if (c !== '└' && c !== '╚') return;
      const end = cells.findIndex((d, y) => y > x && (d === '┘' || d === '╝'));
      const run = cells.slice(x + 1, end < 0 ? cells.length : end).join('');
      if (end < 0 || !/^[─═]*$/.test(run)) out.push(`line ${i + 1}: a bottom border with text in it: ${line}`);
    });
    // A top border: the next row, between the box's sides, is not blank.
    const below = Array.from(lines[i + 1] ?? '');
    for (const m of line.matchAll(TOP_LEFT)) {
      const x = Array.from(line.slice(0, m.index)).length;
      const right = cells.findIndex((d, y) => y > x && RIGHT.test(d));
      if (right < 0 || !SIDE.test(below[x] ?? '')) continue;
      if (below.slice(x + 1, right).join('').trim() === '') out.push(`line ${i + 2}: a blank row under the top border of the box at column ${x + 1}:\n${line}\n${lines[i + 1]}`);
    }
  });
  return out;
}

/** Collects the problems of every frame it is shown; `first` keeps the first bad frame whole. */
export function frameWatch(size: Size) {
  const seen: { problems: string[]; frame: string }[] = [];
  return {
    check(frame: string): void {
      const problems = frameProblems(frame, size);
      if (problems.length) seen.push({ problems, frame });
    },
    get report(): string {
      return seen.length ? `${seen.length} bad frame(s); the first:\n${seen[0].problems.join('\n')}\n${seen[0].frame}` : '';
    },
  };
}
