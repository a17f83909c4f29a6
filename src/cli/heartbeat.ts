// A line at least every `everyMs` for each device in a long step, in batch
// output: a reload may keep a device silent for its whole reload_timeout, and
// an operator watching a pane must see that it is being waited for.
import type { Listener, Stamped } from '../engine/events.js';

interface Busy { step: string; since: number; progress: { done: number; total: number | null; rate?: number; note?: string; part?: { index: number; count: number } } | null }

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const span = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
};

/** What a heartbeat says of one device's step. */
export function describeBusy(b: Busy, now: number, reloadTimeoutMs: number): string {
  const elapsed = now - b.since;
  const p = b.progress;
  const part = p?.part && p.part.count > 1 ? `${p.part.index}/${p.part.count} ` : '';
  const label = p?.note || part ? `${part}${p?.note ?? ''}`.trim() + ': ' : '';
  if (p && p.total && p.total > 100) {
    const rate = p.rate ? ` at ${mb(p.rate)}/s` : '';
    return `${label}${Math.round((p.done / p.total) * 100)}% — ${mb(p.done)} of ${mb(p.total)}${rate}, ${span(elapsed)} so far`;
  }
  if (p && p.total === 100) return `${label}${Math.round(p.done)}%, ${span(elapsed)} so far`;
  if (b.step.startsWith('wait')) return `still waiting for it to answer: ${span(elapsed)} of ${span(reloadTimeoutMs)} (reload_timeout)`;
  return `still in ${b.step}: ${span(elapsed)}`;
}

/**
 * Listens for steps and progress; calls `say` for each device whose step has run `everyMs`
 * since it started or since its last heartbeat, so a busy device is never silent longer
 * than that. One timer per busy device, due exactly then: a single fleet-wide timer that
 * also waited for `everyMs` to have passed would leave a gap of up to twice that (a step
 * starting just after a tick is first reported two ticks later). Returns the listener and
 * a `close` that stops the timers.
 */
export function heartbeat(say: (hostname: string, step: string, text: string, at: Date) => void, opts: { everyMs: number; reloadTimeoutMs: number; now?: () => number }): Listener & { close(): void } {
  const now = opts.now ?? Date.now;
  const busy = new Map<string, Busy & { timer?: NodeJS.Timeout }>();
  const arm = (host: string, b: Busy & { timer?: NodeJS.Timeout }, dueInMs: number) => {
    b.timer = setTimeout(() => {
      const t = now();
      say(host, b.step, describeBusy(b, t, opts.reloadTimeoutMs), new Date(t));
      arm(host, b, opts.everyMs);
    }, Math.max(0, dueInMs));
    b.timer.unref();
  };
  const idle = (host: string) => {
    clearTimeout(busy.get(host)?.timer);
    busy.delete(host);
  };
  let closed = false;
  const listener = (e: Stamped) => {
    if (closed) return;
    if (e.type === 'step') {
      idle(e.hostname);
      if (e.phase === 'start') {
        const b = { step: e.step, since: Date.parse(e.at), progress: null };
        busy.set(e.hostname, b);
        arm(e.hostname, b, opts.everyMs - (now() - b.since));
      }
    } else if (e.type === 'progress') {
      const b = busy.get(e.hostname);
      if (b) b.progress = { done: e.done, total: e.total, rate: e.rate, note: e.note, part: e.part };
    } else if (e.type === 'device' && e.status !== 'running') idle(e.hostname);
  };
  return Object.assign(listener, {
    close: () => {
      closed = true;
      for (const host of [...busy.keys()]) idle(host);
    },
  });
}
