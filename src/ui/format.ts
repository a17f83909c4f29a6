// Text helpers for a fixed-width terminal: truncation with an ellipsis,
// padding, durations, sizes and text progress bars.

/** Cuts to `width` columns, marking the cut with `…`. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text.padEnd(width);
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

export function clip(text: string, width: number): string {
  return text.length <= width ? text : width <= 1 ? '…'.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/** `fine`: below ten seconds, milliseconds or tenths (step durations); otherwise whole seconds (clocks that tick each second). */
export function duration(ms: number, fine = false): string {
  if (fine && ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (fine && ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function clockTime(d: Date | string | number): string {
  const t = new Date(d);
  return `${hhmm(t)}:${String(t.getSeconds()).padStart(2, '0')}`;
}

export function hhmm(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

/** `██████░░` with `cells` cells. */
export function bar(fraction: number, cells: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * cells);
  return '█'.repeat(full) + '░'.repeat(cells - full);
}
