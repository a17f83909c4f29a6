// How PAN-OS prints dates, durations and sizes in its API answers.

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Job and update timestamps: "2026/11/21 10:00:00" (UTC in the lab). */
export function panDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${hms(ms)}`;
}

export function hms(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `show clock` and `show clock more`: "Wed May 31 11:50:21 UTC 2023" (day padded with a space, as date(1) does). */
export function clockText(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms(ms)} UTC ${d.getUTCFullYear()}`;
}

/** `show system info` <time>: "Sun Dec  3 18:27:29 2023". */
export function systemTime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms(ms)} ${d.getUTCFullYear()}`;
}

/** Licence and support dates: "March 01, 2028". */
export function longDate(ms: number): string {
  const d = new Date(ms);
  return `${LONG_MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()}`;
}

/** Uptime: "136 days, 4:12:31". */
export function uptimeText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 86_400)} days, ${Math.floor((s % 86_400) / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** A size in MB as `df -h` prints it: 500M, 4.2G, 18G. */
export function dfSize(mb: number): string {
  if (mb < 1024) return `${Math.round(mb)}M`;
  const g = mb / 1024;
  return g < 10 ? `${g.toFixed(1)}G` : `${Math.round(g)}G`;
}

/** Small deterministic numbers from a device's name, so every lab run shows the same device. */
export function seeded(seed: Buffer, i: number, mod: number): number {
  return seed[i % seed.length] % mod;
}
