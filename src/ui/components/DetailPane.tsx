// The selected device: facts, pre-checks with their reasons, the pre/post
// diff, the step timeline with durations (from the journal) and the tail of
// its live log. Compact under the table, full height on Enter.
import type { Check, JournalEntry } from '../../engine/views.js';
import type { DeviceView } from '../views.js';
import { STATUS_TONE } from '../theme.js';
import { bytes, clockTime, duration } from '../format.js';
import { Panel, seg, width, wrapLine, type Line } from './lines.js';

export interface DetailProps {
  device: DeviceView | null;
  journal: JournalEntry[];
  /** The tail of the device's session transcript. */
  transcript: string[];
  w: number;
  rows: number;
  full: boolean;
  focused: boolean;
  now: number;
}

function factsLine(d: DeviceView): Line {
  const f = d.facts;
  if (!f) return [seg('facts       ', 'muted'), seg('not collected yet', 'muted')];
  const st = f.storage;
  const parts = [
    f.version && `running ${f.version}`,
    f.mode,
    f.redundancy,
    st && st.free !== null && `${st.label} ${bytes(st.free)} free${st.total ? ` of ${bytes(st.total)}` : ''}`,
    f.cpu !== null && `cpu ${f.cpu}%`,
  ].filter(Boolean) as string[];
  return [seg('facts       ', 'muted'), seg(parts.join(' · ')), ...f.notes.map((n) => seg(` · ${n}`, 'wait'))];
}

function checksLine(label: string, checks: Check[] | null, fallback: string | null): Line {
  const l: Line = [seg(label.padEnd(12), 'muted')];
  if (!checks) return [...l, seg(fallback ?? 'not run yet', fallback ? null : 'muted')];
  for (const c of checks) l.push(seg(c.ok ? '✓ ' : '✗ ', c.ok ? 'ok' : 'bad'), seg(c.ok ? `${c.name}  ` : `${c.name}: ${c.detail}  `, c.ok ? null : 'bad'));
  return l;
}

/** The name column of a list of checks: the longest name and a space, so a name never runs into its text. */
const nameWidth = (names: string[]) => Math.max(0, ...names.map((n) => n.length)) + 1;

/** Continuation rows of a wrapped line start under its text: the label, the mark and the name column. */
const wrapIndent = new WeakMap<Line, number>();
const indented = (line: Line, indent: number): Line => (wrapIndent.set(line, indent), line);

function checkLines(label: string, checks: Check[] | null, nameW: number): Line[] {
  if (!checks) return [];
  return checks.map((c, i) => indented([seg((i === 0 ? label : '').padEnd(12), 'muted'), seg(c.ok ? '✓ ' : '✗ ', c.ok ? 'ok' : 'bad'), seg(c.name.padEnd(nameW)), seg(c.detail, c.ok ? 'muted' : 'bad')], 14 + nameW));
}

/**
 * Lines cut at the pane's edge would lose their end (a failure's reason): while rows are free,
 * the longest ones wrap into them, first lines first.
 */
export function wrapIntoFreeRows(lines: Line[], rows: number, w: number): Line[] {
  let free = rows - lines.length;
  return lines.flatMap((l) => {
    if (free <= 0 || width(l) <= w) return [l];
    const wrapped = wrapLine(l, w, wrapIndent.get(l) ?? 12);
    if (wrapped.length - 1 > free) return [l];
    free -= wrapped.length - 1;
    return wrapped;
  });
}

function timelineLine(journal: JournalEntry[], now: number): Line {
  const l: Line = [seg('timeline    ', 'muted')];
  if (journal.length === 0) return [...l, seg('no step yet', 'muted')];
  journal.forEach((j, i) => {
    const ms = (j.ended_at ? Date.parse(j.ended_at) : now) - Date.parse(j.started_at);
    const tone = j.outcome === 'failed' ? 'bad' : j.outcome === 'started' ? 'busy' : j.outcome === 'skipped' ? 'muted' : null;
    l.push(seg(`${i > 0 ? ' · ' : ''}${j.step} ${duration(ms, true)}${j.outcome === 'failed' ? ' ✗' : j.outcome === 'started' ? '…' : ''}`, tone));
  });
  return l;
}

function diffLine(d: DeviceView): Line {
  const l: Line = [seg('diff        ', 'muted')];
  if (!d.diff) return [...l, seg('no post-upgrade snapshot yet', 'muted')];
  for (const it of d.diff.items) l.push(seg(`${it.name} ${it.pre} → ${it.post}   `, it.ok ? null : 'bad'));
  return l;
}

function logLines(d: DeviceView, n: number): Line[] {
  return d.log.slice(-n).map((e, i) => [seg(i === 0 ? 'log         ' : '            ', 'muted'), seg(`${clockTime(e.at)} `, 'muted'), seg(e.text, e.level === 'error' ? 'bad' : e.level === 'warn' ? 'wait' : null)]);
}

function sessionLines(transcript: string[], n: number): Line[] {
  return transcript.slice(-n).map((t, i) => [seg(i === 0 ? 'session     ' : '            ', 'muted'), t.startsWith('>>> ') ? seg(t.slice(4), 'accent') : seg(t, 'muted')]);
}

export function DetailPane({ device: d, journal, transcript, w, rows, full, focused, now }: DetailProps) {
  if (!d) return <Panel title={[seg('no device selected')]} w={w} rows={rows} lines={[]} />;
  const f = d.facts;
  const title: Line = [seg(d.row.hostname, 'accent', { bold: true }), seg(` ─ ${[f?.model, f?.serial, f?.mode].filter(Boolean).join(' · ') || d.row.platform} ─ `), seg(d.status, STATUS_TONE[d.status], { bold: true })];
  const message: Line = [seg('status      ', 'muted'), seg(`${d.status}${d.step && d.status === 'running' ? ` (${d.step})` : ''}${d.message ? `: ${d.message}` : ''}`, STATUS_TONE[d.status])];
  let lines: Line[];
  if (!full) {
    // The device's own lines wrap first (a failure's reason), leaving two rows for the log when there is one.
    const own = [message, checksLine('pre-checks', d.pre, d.readiness ? `${d.readiness.fresh ? '' : 'from an earlier check: '}${d.readiness.text}` : null), timelineLine(journal, now), diffLine(d)];
    lines = wrapIntoFreeRows(own, rows - Math.min(2, d.log.length + transcript.length), w - 4);
    const room = Math.max(0, rows - lines.length);
    const events = logLines(d, Math.min(2, room));
    lines.push(...events, ...sessionLines(transcript, room - events.length));
  } else {
    const j = journal.map((e): Line => {
      const ms = (e.ended_at ? Date.parse(e.ended_at) : now) - Date.parse(e.started_at);
      return [seg('            '), seg(`${clockTime(e.started_at)} `, 'muted'), seg(e.step.padEnd(12)), seg(duration(ms, true).padEnd(8)), seg(e.outcome.padEnd(11), e.outcome === 'failed' ? 'bad' : e.outcome === 'ok' ? 'ok' : 'muted'), seg(e.message ?? '', 'muted')];
    });
    if (j.length) j[0][0] = seg('timeline    ', 'muted');
    const row = d.row;
    const nameW = nameWidth([...(d.pre ?? []), ...(d.post ?? []), ...(d.diff?.items ?? [])].map((c) => c.name));
    const preCompact = checksLine('pre-checks', d.pre, d.readiness ? `${d.readiness.fresh ? '' : 'from an earlier check: '}${d.readiness.text}` : null);
    const head = (pre: Line[], timeline: Line[]): Line[] => [
      message,
      [seg('workbook    ', 'muted'), seg([d.port === null ? row.host : `${row.host}:${d.port}`, `target ${row.targetVersion ?? '–'}`, row.image && `image ${row.image}`, row.site && `site ${row.site}`, row.group && `group ${row.group}`, row.haPeer && `HA peer ${row.haPeer}`, row.via && `via ${row.via}`].filter(Boolean).join(' · '))],
      factsLine(d),
      ...pre,
      ...checkLines('post-checks', d.post, nameW),
      ...(d.diff ? d.diff.items.map((it, i): Line => indented([seg((i === 0 ? 'diff' : '').padEnd(12), 'muted'), seg(it.ok ? '✓ ' : '✗ ', it.ok ? 'ok' : 'bad'), seg(it.name.padEnd(nameW)), seg(it.detail, it.ok ? 'muted' : 'bad')], 14 + nameW)) : [diffLine(d)]),
      ...timeline,
    ];
    const timeline = j.length ? j : [timelineLine([], now)];
    // The log and the session tail keep a few rows; the rest goes to the device's own record. When that
    // is too tall, passed pre-checks fold into one line, then the timeline's oldest steps give way.
    const tailRows = Math.min(4, d.log.length + transcript.length);
    const room = Math.max(1, rows - tailRows);
    const allPassed = !!d.pre && d.pre.every((c) => c.ok);
    let pre = d.pre ? checkLines('pre-checks', d.pre, nameW) : [preCompact];
    if (head(pre, timeline).length > room && allPassed) pre = [preCompact];
    const over = head(pre, timeline).length - room;
    const shownTimeline = over > 0 && timeline.length > 1 ? timeline.slice(Math.min(timeline.length - 1, over)) : timeline;
    if (shownTimeline !== timeline) shownTimeline[0] = [seg(`timeline    `, 'muted'), ...shownTimeline[0].slice(1)];
    lines = wrapIntoFreeRows(head(pre, shownTimeline).slice(0, room), room, w - 4);
    const free = rows - lines.length;
    const events = logLines(d, Math.min(4, free));
    lines = [...lines, ...events, ...sessionLines(transcript, free - events.length)];
  }
  return <Panel title={title} w={w} rows={rows} lines={lines} focused={focused} />;
}
