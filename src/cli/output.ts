// Listeners on the engine's event stream for batch runs: plain lines or JSON
// lines on stdout, the structured log file, and the events table.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Listener, Stamped } from '../engine/events.js';
import type { StateStore } from '../store/state.js';

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
export type Level = keyof typeof LEVELS;

// toLocaleTimeString goes through ICU: far too slow for every event of a 1,000-device run.
const two = (n: number) => (n < 10 ? `0${n}` : String(n));
const time = (iso: string) => {
  const d = new Date(iso);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
};
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/**
 * A device error names its device first (`sw-1: facts: …`), as it must where it stands alone;
 * on a line that starts with the hostname already, once is enough.
 */
export function withoutHost(message: string, hostname: string): string {
  return message.startsWith(`${hostname}: `) ? message.slice(hostname.length + 2) : message;
}

/** The line an event prints in batch output, or null for events below the level. */
export function formatEvent(e: Stamped, level: Level): string | null {
  const lv = LEVELS[level];
  const t = time(e.at);
  switch (e.type) {
    case 'run':
      if (e.phase === 'started') return `${t} upshift ${e.command}: ${e.devices} devices in ${e.waves} wave${e.waves === 1 ? '' : 's'}`;
      if (e.phase === 'wave') return `${t} wave ${e.wave}/${e.waves}: ${e.devices} device${e.devices === 1 ? '' : 's'}`;
      if (e.phase === 'finished') return `${t} ${e.command} finished${e.reason ? `: stopped (${e.reason})` : ''}`;
      if (e.phase === 'paused') return `${t} paused: no new step starts until resumed`;
      if (e.phase === 'resumed') return `${t} resumed`;
      // The error line that follows says it in full.
      if (e.phase === 'breaker') return null;
      return `${t} stopping: ${e.reason ?? 'requested'}`;
    case 'device':
      // While a gate is open the device shows "waiting for approval: <kind>"; the gate lines say it already.
      if (e.status === 'running' || e.reason === 'waiting-approval') return null;
      return `${t} ${pad(e.hostname, 18)} ${pad(e.status.toUpperCase(), 15)} ${withoutHost(e.message ?? '', e.hostname)}`;
    case 'step':
      if (e.phase === 'start') return lv >= 3 ? `${t} ${pad(e.hostname, 18)} ${pad(e.step, 15)} started${e.attempt && e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}` : null;
      if (lv < 2) return null;
      return `${t} ${pad(e.hostname, 18)} ${pad(e.step, 15)} ${e.outcome}${e.durationMs !== undefined ? ` (${(e.durationMs / 1000).toFixed(1)} s)` : ''}${e.message ? ` ${e.message}` : ''}`;
    case 'gate':
      // A gate that sends nothing (promote) says what approving it does instead.
      if (e.phase === 'opened') return lv >= 2 ? `${t} ${pad(e.hostname, 18)} ${pad(`gate ${e.gate.kind}`, 15)} ${e.gate.commands.length ? e.gate.commands.join('; ') : e.gate.impact}` : null;
      // Held is nobody's answer: the gate stays open because this run cannot approve it.
      return e.decision!.decision === 'held'
        ? `${t} ${pad(e.hostname, 18)} ${pad(`gate ${e.gate.kind}`, 15)} held: not approved (${e.decision!.source})`
        : `${t} ${pad(e.hostname, 18)} ${pad(`gate ${e.gate.kind}`, 15)} ${e.decision!.decision} by ${e.decision!.by} (${e.decision!.source})`;
    case 'checks':
      return lv >= 3 ? `${t} ${pad(e.hostname, 18)} ${pad('checks', 15)} ${e.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`).join('; ')}` : null;
    case 'diff':
      return lv >= 2 ? `${t} ${pad(e.hostname, 18)} ${pad('diff', 15)} ${e.diff.summary}` : null;
    case 'progress':
      return lv >= 3 ? `${t} ${pad(e.hostname, 18)} ${pad(e.step, 15)} ${e.total ? `${Math.round((e.done / e.total) * 100)}%` : e.done}` : null;
    case 'facts':
      return lv >= 3 ? `${t} ${pad(e.hostname, 18)} ${pad('facts', 15)} ${e.summary.model ?? '?'} ${e.summary.version} ${e.summary.mode ?? ''}` : null;
    case 'log':
      return LEVELS[e.level] <= lv ? `${t} ${e.hostname ? `${pad(e.hostname, 18)} ` : ''}${e.level}: ${e.text}` : null;
  }
}

/** A heartbeat in the batch line format. */
export function heartbeatLine(hostname: string, step: string, text: string, at: Date): string {
  return `${time(at.toISOString())} ${pad(hostname, 18)} ${pad(step, 15)} ${text}`;
}

export function batchPrinter(write: (line: string) => void, opts: { json: boolean; level: Level }): Listener {
  return (e) => {
    if (opts.json) {
      if (e.type === 'progress' && LEVELS[opts.level] < 3) return;
      if (e.type === 'log' && LEVELS[e.level] > LEVELS[opts.level]) return;
      write(JSON.stringify(e));
      return;
    }
    const line = formatEvent(e, opts.level);
    if (line !== null) write(line);
  };
}

/** <state>/logs/upshift.jsonl: every event but progress (at most one per device and 5 s). */
export function logFile(stateDir: string): Listener & { close(): void } {
  const dir = join(stateDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'upshift.jsonl');
  const lastProgress = new Map<string, number>();
  // One descriptor for the session (opening the file per event cost more than writing it); synchronous writes survive a crash.
  let fd: number | null = openSync(file, 'a', 0o600);
  const listener = (e: Stamped) => {
    if (fd === null) return;
    if (e.type === 'progress') {
      const last = lastProgress.get(e.hostname) ?? 0;
      if (Date.now() - last < 5000 && e.done !== e.total) return;
      lastProgress.set(e.hostname, Date.now());
    }
    writeSync(fd, `${JSON.stringify(e)}\n`);
  };
  return Object.assign(listener, {
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  });
}

/** The events table keeps what the Audit and a later look need (not progress nor facts). */
export function eventRecorder(store: StateStore, runId: number): Listener & { flush(): void } {
  // Written in batches, one transaction every 200 ms: the journal of steps (written at once, elsewhere)
  // is what resuming relies on; these rows are the record of what was shown.
  let queue: Stamped[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queue;
    queue = [];
    if (batch.length) store.appendEvents(runId, batch.map((e) => ({ type: e.type, hostname: 'hostname' in e ? (e.hostname ?? null) : null, data: e })));
  };
  const listener = (e: Stamped) => {
    if (e.type === 'progress' || e.type === 'facts' || (e.type === 'log' && e.level === 'debug')) return;
    queue.push(e);
    timer ??= setTimeout(flush, 200);
  };
  return Object.assign(listener, { flush });
}
