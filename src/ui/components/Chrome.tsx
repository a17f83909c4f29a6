// Header (workbook, window, counts, run state, badges), the flash line and
// the hint bar generated from the key table.
import { basename } from 'node:path';
import type { ConsoleInfo } from '../controller.js';
import type { FleetModel } from '../model.js';
import { STATUSES } from '../views.js';
import { binding, HELP_SECTIONS, hints, KEYMAP, type KeyState, type Scope } from '../keymap.js';
import { STATUS_TONE } from '../theme.js';
import { duration, hhmm } from '../format.js';
import { cutLine, fitLine, LineView, seg, width, wrapLine, type Line } from './lines.js';

/** The run state as the header names it, with the key that starts a run (from the key table). */
const phaseText = (phase: string): string => {
  const start = binding('startPause').keys;
  const text: Record<string, string> = {
    credentials: 'CREDENTIALS NEEDED', checking: 'CHECKING', idle: `READY – ${start} starts the run`, running: 'RUNNING', paused: 'PAUSED', stopping: 'STOPPING', finished: `FINISHED – ${start} runs again`,
  };
  return text[phase] ?? phase;
};

/** `queueHiddenBelow`: the size that shows the approvals queue when this terminal has no room for it. */
export function headerLines(model: FleetModel, info: ConsoleInfo, now: number, w: number, queueHiddenBelow: string | null = null): Line[] {
  const r = model.run;
  const l1: Line = [seg(' upshift ', 'accent', { bold: true, inverse: true }), seg(`  ${basename(info.workbook)}`)];
  const tone = r.phase === 'running' || r.phase === 'checking' ? 'busy' : r.phase === 'paused' || r.phase === 'stopping' || r.phase === 'credentials' ? 'wait' : r.phase === 'finished' ? (r.outcome === 'ok' ? 'ok' : 'wait') : null;
  // Ready to start only when the check found something to start; otherwise what can be done.
  const nothing = r.phase === 'idle' && model.startable() === 0;
  l1.push(seg('  '), seg(nothing ? `nothing ready – ${binding('login').keys} logs in again and re-checks` : phaseText(r.phase), nothing ? 'bad' : tone, { bold: true }));
  if (r.waves > 0 && r.command !== 'check' && (r.phase === 'running' || r.phase === 'paused' || r.phase === 'stopping')) {
    l1.push(seg(` wave ${r.wave}/${r.waves}`), seg(r.waveSize ? ` (${Math.min(r.waveDone, r.waveSize)}/${r.waveSize} done)` : '', 'muted'));
  }
  if (r.phase === 'finished' && r.reason) l1.push(seg(` (stopped: ${r.reason})`, 'wait'));
  // The window after the run state: on a narrow terminal what to press next is not the part cut off.
  const { start, end } = info.window;
  // What follows the run state goes whole or not at all, the least needed first: the concurrency,
  // the time left, the ETA (a late one last), the window.
  const extras: { segs: Line; rank: number }[] = [];
  if (start || end) {
    const left = end ? end.getTime() - now : null;
    extras.push({ segs: [seg(`  window ${start ? hhmm(start) : '…'}–${end ? hhmm(end) : '…'}`)], rank: 1 });
    if (left !== null) extras.push({ segs: [seg(left > 0 ? ` (${duration(left)} left)` : ' (closed)', left > 0 ? (left < 15 * 60_000 ? 'wait' : 'muted') : 'bad')], rank: left > 0 && left >= 15 * 60_000 ? 3 : 1 });
  }
  const eta = etaSegments(model, now);
  extras.push({ segs: eta, rank: eta.some((x) => x.tone === 'bad') ? 1 : 2 }, { segs: [seg(`  conc ${info.concurrency}`, 'muted')], rank: 4 });
  const badges: Line = [];
  if (info.dryRun) badges.push(seg(' DRY-RUN ', 'wait', { inverse: true, bold: true }), seg(' '));
  if (r.command === null || r.command === 'check') badges.push(seg(' READ-ONLY ', 'info', { inverse: true, bold: true }));
  const room = Math.max(0, w - badges.reduce((n, s) => n + s.t.length, 0));
  let kept = extras;
  for (const rank of [4, 3, 2, 1]) if (width([...l1, ...kept.flatMap((e) => e.segs)]) > room) kept = kept.filter((e) => e.rank < rank);
  const head = fitLine([...l1, ...kept.flatMap((e) => e.segs)], room);
  const counts = STATUSES.map((s) => ({ s, n: model.counts.get(s) ?? 0 })).filter(({ s, n }) => n > 0 || ['ready', 'running', 'held', 'upgraded', 'failed'].includes(s));
  const countLine = (cs: typeof counts): Line => [seg(' '), ...cs.flatMap(({ s, n }, i) => [seg(`${s} `, n ? STATUS_TONE[s] : 'muted'), seg(i < cs.length - 1 ? `${n}  ` : `${n}`, n ? null : 'muted', { bold: n > 0 })])];
  // Too narrow for every count: the zeros give way, so no count is cut from its name.
  const l2 = width(countLine(counts)) > w ? countLine(counts.filter(({ n }) => n > 0)) : countLine(counts);
  const out = [[...head, ...badges], fitLine(l2, w)];
  if (info.banner) out.push(fitLine([seg(` ${info.banner}`, 'muted')], w));
  const waiting = model.gates.size;
  // No queue on screen: the header says that gates wait and how to answer them from the table.
  if (queueHiddenBelow && waiting > 0) {
    const how = ` ${waiting} gate${waiting === 1 ? '' : 's'} waiting: ${binding('approve').keys} on a held device answers it, ${binding('filter').keys}held lists them`;
    const more = `; the queue shows at ${queueHiddenBelow}`;
    out.push(fitLine([seg(how, 'wait', { bold: true }), seg(how.length + more.length <= w ? more : '', 'muted')], w));
  }
  return out;
}

/** The run's ETA against the window end: "ETA 03:12 (1h05m)", or which devices would not fit. */
export function etaSegments(model: FleetModel, now: number): Line {
  const f = model.forecast;
  const r = model.run;
  if (!f || r.command !== 'run' || !['running', 'paused', 'stopping'].includes(r.phase)) return [];
  if (f.finishAt === null) {
    const n = f.untimed ?? 0;
    // Some devices not timed yet (the first of their platform has not run): the others give a time it cannot end before.
    // Rounded up to the minute: "not before" must never name a minute already under way.
    if (f.atLeast) return [seg(`  ETA not before ${hhmm(new Date(Math.ceil(f.atLeast / 60_000) * 60_000))} (${n} device${n === 1 ? '' : 's'} not timed yet)`, 'muted')];
    return [seg('  ETA after the first device', 'muted')];
  }
  const eta = `  ETA ${hhmm(new Date(f.finishAt))} (${duration(Math.max(0, f.finishAt - now))})`;
  if (f.late.length === 0) return [seg(eta, f.windowEnd !== null ? 'ok' : 'muted')];
  const who = f.late.length === 1 ? f.late[0] : `${f.late.length} devices`;
  return [seg(eta, 'bad', { bold: true }), seg(` ${f.windowEnd !== null && f.finishAt > f.windowEnd ? 'after the window closes' : 'late'}: ${who} would not fit`, 'bad')];
}

export function Header({ lines }: { lines: Line[] }) {
  return <>{lines.map((l, i) => <LineView key={i} line={l} />)}</>;
}

/**
 * The flash message as lines of `w`: one when it fits, else wrapped (a path breaks where it must)
 * into at most `max`, the last cut with `…`. The layout gives it the rows it takes.
 */
export function flashLines(model: FleetModel, now: number, w: number, max: number): Line[] {
  const f = model.flash;
  // A message stays a minute; warnings and errors stay until replaced.
  const show = f && (f.tone !== 'info' || now - f.at < 60_000);
  if (!show) return [fitLine([], w)];
  const lines = wrapLine([seg(` ${f.text}`, f.tone === 'error' ? 'bad' : f.tone === 'warn' ? 'wait' : 'info')], w, 1);
  const kept = lines.slice(0, Math.max(1, max));
  const last = kept[kept.length - 1];
  if (lines.length > kept.length) kept[kept.length - 1] = width(last) < w ? [...last, { ...last[last.length - 1], t: '…' }] : cutLine(last, w - 1);
  return kept.map((l) => fitLine(l, w));
}

export function FlashLines({ lines }: { lines: Line[] }) {
  return <>{lines.map((l, i) => <LineView key={i} line={l} />)}</>;
}

export function HintBar({ scope, state, w }: { scope: Scope; state: KeyState; w: number }) {
  // The available keys in table order; when they do not fit, the ones before `? help` and `q quit` give way from the end.
  const items: Line[] = hints(scope, state).filter((h) => h.enabled).map((h) => [seg(h.keys, 'accent', { bold: true }), seg(` ${h.label}  `)]);
  const tail = items.filter((_, i) => i >= items.length - 2 && scope !== 'gate' && scope !== 'approveAll');
  const head = items.slice(0, items.length - tail.length);
  const size = (l: Line[]) => l.reduce((n, it) => n + width(it), 1);
  while (head.length > 0 && size([...head, ...tail]) > w) head.pop();
  return <LineView line={fitLine([seg(' '), ...[...head, ...tail].flat()], w)} />;
}

/** `?`: every key, generated from the key table; two columns when the terminal is wide enough. */
export function helpLines(state: KeyState, w: number): Line[] {
  const [first, ...others] = HELP_SECTIONS;
  const block = ({ title, scopes }: { title: string; scopes: Scope[] }): Line[] => [
    [seg(title, 'accent', { bold: true })],
    ...KEYMAP.filter((k) => k.scopes.some((s) => scopes.includes(s)) && (title === first.title || !k.scopes.includes('main'))).map((b): Line => {
      const why = b.disabled?.(state);
      return [seg(`  ${b.keys.padEnd(10)} `, 'accent', { bold: true }), seg(b.description, why ? 'muted' : null), seg(why ? ` (now: ${why})` : '', 'muted'), seg(b.dangerous ? ' [approves]' : '', 'wait')];
    }),
  ];
  // Every description is whole: it wraps under itself instead of being cut.
  const wrap = (lines: Line[], cw: number) => lines.flatMap((l) => wrapLine(l, cw, 13));
  if (w < 150) return wrap([...block(first), [], ...others.flatMap((section) => [...block(section), []])], w - 4);
  const half = Math.floor((w - 4) / 2);
  const left = wrap(block(first), half - 1);
  const right = wrap(others.flatMap((section) => [...block(section), []]), half - 1);
  return Array.from({ length: Math.max(left.length, right.length) }, (_, i) => [...fitLine(left[i] ?? [], half), seg(' '), ...(right[i] ?? [])]);
}
/**
 * The help cut to `rows` from line `top`: when it does not fit, the last row says how many lines
 * are below and which keys scroll (from the key table), the title how many are above.
 */
export function scrolledHelp(all: Line[], rows: number, top: number): { lines: Line[]; title: Line; total: number } {
  if (all.length <= rows) return { lines: all, title: [], total: all.length };
  const shown = Math.max(1, rows - 1);
  const from = Math.max(0, Math.min(top, all.length - shown));
  const below = all.length - from - shown;
  const down = binding('helpPageDown').keys;
  const up = binding('helpPageUp').keys;
  const marker: Line = below > 0 ? [seg(`↓ ${below} more`, 'accent', { bold: true }), seg(` – ${binding('helpDown').keys} or ${down}`, 'muted')] : [seg(`end of the keys – ${binding('helpUp').keys} or ${up} back`, 'muted')];
  return { lines: [...all.slice(from, from + shown), marker], title: from > 0 ? [seg(` ↑ ${from} above`, 'muted')] : [], total: all.length };
}
