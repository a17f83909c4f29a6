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

export function LineView({ line }: { line: Line }) {
  return (
    <Text wrap="truncate">
      {line.map((s, i) => (
        <Text key={i} color={color(s.tone)} bold={s.bold} inverse={s.inverse} dimColor={s.dim}>{s.t}</Text>
      ))}
    </Text>
  );
}

/** A bordered box of exactly `w` × (`rows` + 2) cells with a title in the top border. */
export function Panel({ title, w, rows, lines, focused = false }: { title: Line; w: number; rows: number; lines: Line[]; focused?: boolean }) {
  const edge = focused ? 'accent' : 'muted';
  const inner = w - 2;
  const head = cutLine([seg('┌ ', edge), ...title, seg(' ')], inner + 1);
  const fill = Math.max(0, inner + 1 - width(head));
  const top: Line = [...head, seg('─'.repeat(fill), edge), seg('┐', edge)];
  const body = Array.from({ length: rows }, (_, i) => [seg('│ ', edge), ...fitLine(lines[i] ?? [], inner - 2), seg(' │', edge)]);
  const bottom: Line = [seg(`└${'─'.repeat(inner)}┘`, edge)];
  return (
    <Box flexDirection="column" width={w}>
      <LineView line={fitLine(top, w)} />
      {body.map((l, i) => <LineView key={i} line={l} />)}
      <LineView line={bottom} />
    </Box>
  );
}
