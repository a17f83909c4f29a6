// Screens are built from lines of styled segments cut to an exact width:
// one <Text> per line keeps the node count (and so the render time)
// proportional to what is on screen, and nothing ever wraps.
import { Box, Text } from 'ink';
import { color, type Tone } from '../theme.js';

export interface Seg {
  t: string;
  tone?: Tone | null;
  bold?: boolean;
  inverse?: boolean;
  dim?: boolean;
}
export type Line = Seg[];

export const seg = (t: string, tone?: Tone | null, extra: Omit<Seg, 't' | 'tone'> = {}): Seg => ({ t, tone, ...extra });

export function width(line: Line): number {
  let n = 0;
  for (const s of line) n += s.t.length;
  return n;
}

/** Cuts or pads a line to exactly `w` columns. */
export function fitLine(line: Line, w: number): Line {
  const out = cutLine(line, w);
  const left = w - width(out);
  if (left > 0) out.push({ t: ' '.repeat(left) });
  return out;
}

/** Cuts a line to at most `w` columns, marking the cut with `…`. */
export function cutLine(line: Line, w: number): Line {
  const out: Line = [];
  let left = w;
  for (const s of line) {
    if (left <= 0) break;
    if (s.t.length <= left) {
      out.push(s);
      left -= s.t.length;
    } else {
      out.push({ ...s, t: left === 1 ? '…' : `${s.t.slice(0, left - 1)}…` });
      left = 0;
    }
  }
  return out;
}

/**
 * Breaks a line longer than `w` at spaces into several, each continuation
 * starting with `indent` spaces (under a label): a dialog or the help shows
 * all of its text instead of cutting it at the terminal's edge.
 */
export function wrapLine(line: Line, w: number, indent = 0): Line[] {
  if (width(line) <= w || w <= indent + 8) return [line];
  const out: Line[] = [];
  let cur: Line = [];
  let used = 0;
  const newLine = () => {
    const last = cur.at(-1);
    if (last) cur[cur.length - 1] = { ...last, t: last.t.trimEnd() };
    out.push(cur);
    cur = [{ t: ' '.repeat(indent) }];
    used = indent;
  };
  for (const s of line) {
    for (let word of s.t.match(/\S+\s*|\s+/g) ?? []) {
      while (word.length > 0) {
        const room = w - used;
        if (word.trimEnd().length <= room) {
          const t = used === indent && out.length > 0 ? word.trimStart() : word;
          cur.push({ ...s, t: t.length > room ? t.trimEnd() : t });
          used += Math.min(t.length, room);
          word = '';
        } else if (used > indent) newLine();
        else {
          cur.push({ ...s, t: word.slice(0, room) });
          word = word.slice(room);
          newLine();
        }
      }
    }
  }
  if (used > indent || out.length === 0) out.push(cur);
  return out;
}

const sameStyle = (a: Seg, b: Seg) => a.tone === b.tone && !!a.bold === !!b.bold && !!a.inverse === !!b.inverse && !!a.dim === !!b.dim;

/** Adjacent segments of one style become one: fewer nodes for React and Ink to walk every frame. */
export function merge(line: Line): Line {
  const out: Line = [];
  for (const s of line) {
    const last = out.at(-1);
    if (last && sameStyle(last, s)) out[out.length - 1] = { ...last, t: last.t + s.t };
    else out.push(s);
  }
  return out;
}

const ASCII = /^[\x20-\x7e]*$/;

/**
 * Splits segments into runs that are all ASCII or all not. Ink measures each
 * text node with string-width, whose non-ASCII path is several times slower
 * per character: kept to the short runs (borders, marks, bars) that need it,
 * a 160×50 frame takes a few milliseconds instead of thirty.
 */
export function asciiRuns(line: Line): Line {
  const out: Line = [];
  for (const s of merge(line)) {
    if (ASCII.test(s.t)) {
      out.push(s);
      continue;
    }
    for (const part of s.t.match(/[\x20-\x7e]+|[^\x20-\x7e]+/g) ?? []) out.push({ ...s, t: part });
  }
  return out;
}

export function LineView({ line }: { line: Line }) {
  const runs = asciiRuns(line);
  // An empty line still takes its row.
  if (runs.length === 0) return <Text> </Text>;
  return (
    <Box flexDirection="row" flexShrink={0}>
      {runs.map((s, i) => (
        <Text key={i} wrap="truncate" color={color(s.tone)} bold={s.bold} inverse={s.inverse} dimColor={s.dim}>{s.t}</Text>
      ))}
    </Box>
  );
}

/**
 * A bordered box of exactly `w` × (`rows` + 2) cells with a title in the top
 * border. Ink draws the sides and the bottom (one write per side, no text
 * measuring); the top line with its title is ours.
 */
export function Panel({ title, w, rows, lines, focused = false }: { title: Line; w: number; rows: number; lines: Line[]; focused?: boolean }) {
  const edge = focused ? 'accent' : 'muted';
  const inner = w - 2;
  // The focused pane has a double border: visible without colour (NO_COLOR) too.
  const [tl, h, tr] = focused ? ['╔', '═', '╗'] : ['┌', '─', '┐'];
  const head = cutLine([seg(`${tl} `, edge), ...title, seg(' ')], inner + 1);
  const fill = Math.max(0, inner + 1 - width(head));
  const top: Line = [...head, seg(h.repeat(fill), edge), seg(tr, edge)];
  return (
    <Box flexDirection="column" width={w} flexShrink={0}>
      <LineView line={fitLine(top, w)} />
      {/* Keyed by focus: Ink applies only the changed style props, and a changed borderStyle without
          borderTop among them sets a top border again (vadimdemedes/ink#685, open): a blank row at the
          top, the last line pushed into the bottom border. A new box gets every prop at once. */}
      <Box key={focused ? 'focused' : 'plain'} flexDirection="column" width={w} height={rows + 1} borderStyle={focused ? 'double' : 'single'} borderTop={false} borderColor={color(edge)} paddingX={1}>
        {Array.from({ length: Math.min(rows, lines.length) }, (_, i) => <LineView key={i} line={cutLine(lines[i], inner - 2)} />)}
      </Box>
    </Box>
  );
}
