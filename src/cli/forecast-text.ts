// The forecast in words for `upshift status` (and its JSON): the ETA of the
// run under way against the window end, and the devices that would not fit.
import type { RunForecast } from '../engine/forecast-data.js';
import { clockTime, duration } from '../ui/format.js';

const names = (hosts: string[], max = 10) => `${hosts.slice(0, max).join(', ')}${hosts.length > max ? ` and ${hosts.length - max} more` : ''}`;

export function forecastLines(rf: RunForecast | null, now = Date.now()): string[] {
  if (!rf) return [];
  const { run, forecast: f, windowEnd } = rf;
  const head = `run ${run.id} under way since ${clockTime(run.startedAt)}${run.changeId ? ` (change ${run.changeId})` : ''}`;
  if (f.finishAt === null) {
    const floor = f.atLeast !== null ? `not before ${clockTime(f.atLeast)}; ` : '';
    return [`${head}: no ETA yet (${floor}no duration known for ${names(f.unknown)})`];
  }
  const lines = [`${head}: ETA ${clockTime(f.finishAt)} (in ${duration(f.finishAt - now)})${windowEnd !== null ? `, window closes ${clockTime(windowEnd)}${f.late.length === 0 ? ': fits' : ''}` : ''}`];
  if (f.late.length > 0) {
    lines.push(`warning: the window closes before ${f.late.length} device${f.late.length === 1 ? '' : 's'} would be done: ${names(f.late.map((d) => `${d.hostname} (${clockTime(d.finishAt)})`))}`);
  }
  return lines;
}

export function forecastJson(rf: RunForecast | null): object | null {
  if (!rf) return null;
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    runId: rf.run.id, change: rf.run.changeId, eta: iso(rf.forecast.finishAt), windowEnd: iso(rf.windowEnd),
    late: rf.forecast.late.map((d) => ({ hostname: d.hostname, eta: iso(d.finishAt), windowEnd: iso(d.windowEnd) })), unknown: rf.forecast.unknown,
  };
}
