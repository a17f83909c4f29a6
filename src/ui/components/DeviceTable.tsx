// The device table: only the rows on screen are built (virtualized), each as
// one line; the selected row is drawn inverse, colours follow the status.
import type { DeviceView } from '../views.js';
import { STATUS_TONE } from '../theme.js';
import { bar, bytes, clip, duration, fit } from '../format.js';
import { binding } from '../keymap.js';
import { Panel, seg, type Line, type Seg } from './lines.js';

/** `grow`: how many cells a column takes per round when there is room to share. */
interface Col { key: 'host' | 'platform' | 'site' | 'version' | 'ready' | 'status' | 'step' | 'progress'; title: string; base: number; max: number; grow: number }

const COLS: Col[] = [
  { key: 'host', title: 'HOST', base: 11, max: 24, grow: 1 },
  { key: 'platform', title: 'PLATFORM', base: 8, max: 8, grow: 0 },
  { key: 'site', title: 'SITE', base: 4, max: 6, grow: 1 },
  // Wide enough for a PAN-OS hop ("10.2.9-h1 → 11.1.4-h7") and a whole gate label ("switchover (gate)"):
  // below that the version or the step read as another one; on a narrower terminal the column goes whole.
  { key: 'version', title: 'VERSION → TARGET', base: 21, max: 21, grow: 0 },
  { key: 'ready', title: 'READY', base: 8, max: 40, grow: 2 },
  { key: 'status', title: 'STATUS', base: 15, max: 15, grow: 0 },
  { key: 'step', title: 'STEP', base: 17, max: 17, grow: 0 },
  { key: 'progress', title: 'PROGRESS', base: 10, max: 30, grow: 2 },
];

/** On a narrow terminal these columns give way first, in this order. */
const DROP: Col['key'][] = ['platform', 'site', 'step', 'version', 'progress', 'ready'];

/**
 * Column widths for an inner width: the columns that fit get their base,
 * the rest is shared out up to each maximum. Map order is display order.
 */
export function columnWidths(inner: number): Map<Col['key'], number> {
  let cols = COLS;
  const need = (cs: Col[]) => 1 + (cs.length - 1) + cs.reduce((n, c) => n + c.base, 0);
  for (const key of DROP) if (need(cols) > inner) cols = cols.filter((c) => c.key !== key);
  const w = new Map(cols.map((c) => [c.key, c.base]));
  let spare = inner - need(cols);
  while (spare > 0) {
    let grew = false;
    for (const c of cols) {
      const add = Math.min(c.grow, spare, c.max - w.get(c.key)!);
      if (add > 0) {
        w.set(c.key, w.get(c.key)! + add);
        spare -= add;
        grew = true;
      }
    }
    if (!grew) break;
  }
  return w;
}

export interface RowClock { now: number; reloadTimeoutMs: number }

/** The PROGRESS cell: transfer bytes and rate, reload countdown, percent of a job, else time in the step. */
export function progressText(d: DeviceView, w: number, clock: RowClock): { text: string; tone: Seg['tone'] } {
  // A gate in a narrow column says so in fewer words rather than being cut ("waiting for…").
  if (d.status !== 'running') return { text: d.gate ? ['waiting for approval', 'needs approval', 'to approve'].find((t) => t.length <= w) ?? 'to approve' : '', tone: d.gate ? 'wait' : null };
  if (d.reason === 'paused') return { text: d.message ?? 'paused', tone: 'wait' };
  const p = d.progress;
  const elapsed = d.stepStartedAt ? clock.now - d.stepStartedAt : 0;
  if (p && p.total) {
    const pct = Math.floor((p.done / p.total) * 100);
    const rate = p.rate ? ` ${bytes(p.rate)}/s` : p.total > 100 ? ` ${bytes(p.done)}` : '';
    const tail = ` ${String(pct).padStart(3)}%${rate}`;
    // One of several transfers says which: a bar starting again is the next file, not a step back.
    const part = p.part && p.part.count > 1 ? `${p.part.index}/${p.part.count} ` : '';
    const cells = Math.max(3, w - tail.length - part.length);
    return { text: clip(part + bar(p.done / p.total, cells) + tail, w), tone: 'busy' };
  }
  if (d.step === 'wait' || d.step === 'activate') {
    const label = ` ${duration(elapsed)}/${duration(clock.reloadTimeoutMs)}`;
    const cells = Math.max(3, w - label.length);
    return { text: clip(bar(elapsed / clock.reloadTimeoutMs, cells) + label, w), tone: elapsed > clock.reloadTimeoutMs * 0.8 ? 'wait' : 'busy' };
  }
  return { text: d.stepStartedAt ? `${duration(elapsed)} in ${d.step ?? 'step'}` : '', tone: 'muted' };
}

function readyCell(d: DeviceView, now: number): Seg {
  const r = d.readiness;
  if (!r) return seg('–', 'muted');
  // Read from an earlier session: its age, never a ✓ (the device may have changed since).
  if (!r.fresh) return seg(`${r.at ? `${duration(now - r.at)} ago: ` : 'earlier: '}${r.text}`, 'muted');
  return seg(r.text, r.tone);
}

export function deviceLine(d: DeviceView, w: Map<Col['key'], number>, selected: boolean, clock: RowClock): Line {
  const cell = (key: Col['key'], text: string, tone?: Seg['tone']): Seg => seg(fit(text, w.get(key)!), tone);
  const version = d.row.targetVersion ? `${d.current ?? '?'} → ${d.row.targetVersion}` : d.current ?? '';
  const step = d.gate ? `${d.gate.kind} (gate)` : d.status === 'running' ? d.step ?? '' : '';
  const progress = progressText(d, w.get('progress') ?? 0, clock);
  const ready = readyCell(d, clock.now);
  const all: Record<Col['key'], () => Seg> = {
    host: () => cell('host', d.row.hostname),
    platform: () => cell('platform', d.row.platform),
    site: () => cell('site', d.row.site ?? ''),
    version: () => cell('version', version, d.current && d.current === d.row.targetVersion ? 'ok' : null),
    ready: () => ({ ...ready, t: fit(ready.t, w.get('ready')!) }),
    status: () => cell('status', d.status, STATUS_TONE[d.status]),
    step: () => cell('step', step, d.gate ? 'wait' : null),
    progress: () => cell('progress', progress.text, progress.tone),
  };
  const cells = [...w.keys()].map((k) => all[k]());
  const line: Line = [seg(selected ? '>' : ' ', 'accent', { bold: selected })];
  cells.forEach((c, i) => {
    if (i > 0) line.push(seg(' '));
    line.push(c);
  });
  return selected ? line.map((s) => ({ ...s, inverse: true })) : line;
}

export interface TableProps {
  rows: DeviceView[];
  offset: number;
  selected: number;
  total: number;
  filter: string;
  filtering: boolean;
  focused: boolean;
  w: number;
  height: number;
  clock: RowClock;
}

/** `height` is the whole box: borders, the column header and the rows. */
export function DeviceTable({ rows, offset, selected, total, filter, filtering, focused, w, height, clock }: TableProps) {
  const inner = w - 4;
  const widths = columnWidths(inner);
  const header: Line = [seg(' '), ...COLS.filter((c) => widths.has(c.key)).flatMap((c, i) => [...(i > 0 ? [seg(' ')] : []), seg(fit(c.title, widths.get(c.key)!), null, { bold: true })])];
  const visible = Math.max(0, height - 3);
  const lines: Line[] = [header];
  for (let i = 0; i < visible && offset + i < rows.length; i++) {
    lines.push(deviceLine(rows[offset + i], widths, offset + i === selected, clock));
  }
  if (rows.length === 0) lines.push([seg(total === 0 ? ' no enabled IOS-XE or PAN-OS device in the workbook' : ` no device matches the filter (${binding('filterClear').keys} clears it)`, 'muted')]);
  const title: Line = [seg(`Devices[${rows.length === total ? total : `${rows.length}/${total}`}]`, focused ? 'accent' : null, { bold: true })];
  if (filter || filtering) title.push(seg(' </'), seg(filter, 'wait'), seg(filtering ? '▏' : ''), seg('>'));
  if (rows.length > visible && visible > 0) title.push(seg(` ${offset + 1}–${Math.min(rows.length, offset + visible)}`, 'muted'));
  return <Panel title={title} w={w} rows={height - 2} lines={lines} focused={focused} />;
}
