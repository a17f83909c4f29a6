// Dates as Excel stores them: serial day numbers (1900 or 1904 system), date
// cells (t="d", ISO text) or text typed by the operator.
import type { CellValue } from './xlsx/sheet-read.js';

const MS_PER_DAY = 86_400_000;

/**
 * Serial → local wall-clock time. Excel serials carry no zone: they mean the
 * console's local time (docs/workbook.md).
 */
export function serialToDate(serial: number, date1904 = false): Date {
  // 1900 system: day 1 = 1900-01-01, and Excel counts a fictitious 1900-02-29
  // (serial 60), so for serials after it the epoch is 1899-12-30.
  const days = Math.floor(serial);
  const ms = Math.round((serial - days) * MS_PER_DAY);
  const base = date1904 ? Date.UTC(1904, 0, 1) : days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const utc = new Date(base + days * MS_PER_DAY + ms);
  return new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds());
}

const TEXT_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export type DateResult = { ok: true; date: Date } | { ok: false; message: string };

export function parseDateText(text: string): DateResult {
  const m = TEXT_DATE.exec(text.trim());
  if (!m) return { ok: false, message: `"${text}" is not a date-time (use 2026-11-22 01:00, optionally with an offset like +01:00)` };
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  let date: Date;
  if (zone) {
    const utc = Date.UTC(...parts);
    const offsetMin = zone.toUpperCase() === 'Z' ? 0 : offsetMinutes(zone);
    date = new Date(utc - offsetMin * 60_000);
  } else {
    date = new Date(...parts);
  }
  const check = zone ? new Date(Date.UTC(...parts)) : date;
  const [cy, cm, cd] = zone ? [check.getUTCFullYear(), check.getUTCMonth(), check.getUTCDate()] : [check.getFullYear(), check.getMonth(), check.getDate()];
  if (cy !== parts[0] || cm !== parts[1] || cd !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) {
    return { ok: false, message: `"${text}" is not a valid calendar date-time` };
  }
  return { ok: true, date };
}

function offsetMinutes(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[+:-]/g, '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

export function cellToDate(value: CellValue, date1904: boolean): DateResult {
  switch (value.t) {
    case 'number':
      if (value.v < 1 || value.v > 2_958_465) return { ok: false, message: `${value.v} is not a date-time` };
      return { ok: true, date: serialToDate(value.v, date1904) };
    case 'date':
    case 'string':
      return parseDateText(value.v);
    default:
      return { ok: false, message: 'is not a date-time' };
  }
}

/** Local time as 2026-11-22 01:00:05, for cells and messages. */
export function formatLocal(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}
