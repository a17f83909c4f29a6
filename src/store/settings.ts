// The Settings sheet: key/value in columns A/B (docs/workbook.md).
import type { Settings } from './types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface SettingInput {
  text: string;
  number: number | null;
  /** The cell is formatted as a percentage (Excel stores 20% as 0.2). */
  percentFormat: boolean;
}

type SettingDef = { key: keyof Settings; parse: (input: SettingInput) => Parsed<unknown> };

export const DEFAULT_SETTINGS: Settings = {
  concurrency: 10,
  canary: 1,
  batchSize: { percent: 20 },
  pauseBetweenWavesMs: 0,
  maxFailurePercent: 20,
  flashMargin: 2.5,
  cpuMaxPercent: 80,
  routeMarginPercent: 5,
  arpMarginPercent: 10,
  sessionMarginPercent: 20,
  reloadTimeoutMs: 30 * 60_000,
  commandTimeoutMs: 60_000,
  transfer: 'http',
  commitAfterPostcheck: true,
  convertToInstall: false,
  issu: 'auto',
  panosSyncToPeer: false,
  panosHaOrder: 'passive-first',
  panosCpuMaxPercent: 80,
  panoramaRps: 10,
  allowDowngrade: false,
  promote: 'auto',
  monitorAfterCanaryMs: 0,
  changeId: null,
  webhookUrl: null,
};

const UNITS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
};

export function parseDuration(input: SettingInput): Parsed<number> {
  if (input.number !== null) {
    return input.number >= 0 ? { ok: true, value: Math.round(input.number * 1000) } : { ok: false, message: `"${input.text}" must not be negative` };
  }
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(input.text.trim());
  const factor = m ? (m[2] === '' ? 1 : UNITS[m[2].toLowerCase()]) : undefined;
  if (!m || factor === undefined) return { ok: false, message: `"${input.text}" is not a duration (use 40, 40 s, 3 min or 1 h)` };
  return { ok: true, value: Math.round(Number(m[1]) * factor * 1000) };
}

export function parsePercent(input: SettingInput): Parsed<number> {
  let value: number | null = null;
  if (input.number !== null) value = input.percentFormat ? input.number * 100 : input.number;
  else {
    const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(input.text.trim());
    if (m) value = Number(m[1]);
  }
  if (value === null || value < 0 || value > 100) return { ok: false, message: `"${input.text}" is not a percentage from 0 to 100 (use 20 or 20%)` };
  return { ok: true, value: Math.round(value * 1000) / 1000 };
}

function positiveInt(max: number) {
  return (input: SettingInput): Parsed<number> => {
    const n = input.number ?? (/^\d+$/.test(input.text.trim()) ? Number(input.text) : NaN);
    return Number.isInteger(n) && n >= 1 && n <= max ? { ok: true, value: n } : { ok: false, message: `"${input.text}" is not a whole number from 1 to ${max}` };
  };
}

function parseBool(input: SettingInput): Parsed<boolean> {
  const t = input.text.trim().toLowerCase();
  if (['yes', 'y', 'true', '1'].includes(t)) return { ok: true, value: true };
  if (['no', 'n', 'false', '0'].includes(t)) return { ok: true, value: false };
  return { ok: false, message: `"${input.text}" is not yes or no` };
}

function oneOf<T extends string>(...values: T[]) {
  return (input: SettingInput): Parsed<T> => {
    const t = input.text.trim().toLowerCase() as T;
    return values.includes(t) ? { ok: true, value: t } : { ok: false, message: `"${input.text}" is not one of ${values.join(', ')}` };
  };
}

function batchSize(input: SettingInput): Parsed<Settings['batchSize']> {
  const text = input.text.trim();
  if (text.endsWith('%') || input.percentFormat) {
    const p = parsePercent(input);
    return p.ok && p.value > 0 ? { ok: true, value: { percent: p.value } } : { ok: false, message: `"${input.text}" is not a count or a percentage above 0` };
  }
  const c = positiveInt(100_000)(input);
  return c.ok ? { ok: true, value: { count: c.value } } : { ok: false, message: `"${input.text}" is not a count or a percentage (use 5 or 20%)` };
}

function flashMargin(input: SettingInput): Parsed<number> {
  const n = input.number ?? Number(input.text.trim());
  return Number.isFinite(n) && n >= 1 && n <= 10 ? { ok: true, value: n } : { ok: false, message: `"${input.text}" is not a factor from 1 to 10` };
}

function rate(input: SettingInput): Parsed<number> {
  const n = input.number ?? Number(input.text.trim());
  return Number.isFinite(n) && n > 0 && n <= 1000 ? { ok: true, value: n } : { ok: false, message: `"${input.text}" is not a number of requests per second from 0.1 to 1000` };
}

/** A change ticket id as it goes into records and notifications: letters, digits and - _ . / # only. */
function changeId(input: SettingInput): Parsed<string> {
  const t = input.text.trim();
  return /^[A-Za-z0-9][\w.\/#-]{0,63}$/.test(t) ? { ok: true, value: t } : { ok: false, message: `"${input.text}" is not a change id (letters, digits and - _ . / #, up to 64)` };
}

function webhook(input: SettingInput): Parsed<string> {
  const t = input.text.trim();
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    return { ok: false, message: `"${input.text}" is not a URL` };
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? { ok: true, value: t } : { ok: false, message: `"${input.text}" is not an http(s) URL` };
}

export const SETTING_DEFS: Record<string, SettingDef> = {
  concurrency: { key: 'concurrency', parse: positiveInt(1000) },
  canary: { key: 'canary', parse: positiveInt(100_000) },
  batchsize: { key: 'batchSize', parse: batchSize },
  pausebetweenwaves: { key: 'pauseBetweenWavesMs', parse: parseDuration },
  maxfailurepercent: { key: 'maxFailurePercent', parse: parsePercent },
  flashmargin: { key: 'flashMargin', parse: flashMargin },
  cpumaxpercent: { key: 'cpuMaxPercent', parse: parsePercent },
  routemarginpercent: { key: 'routeMarginPercent', parse: parsePercent },
  arpmarginpercent: { key: 'arpMarginPercent', parse: parsePercent },
  sessionmarginpercent: { key: 'sessionMarginPercent', parse: parsePercent },
  reloadtimeout: { key: 'reloadTimeoutMs', parse: parseDuration },
  commandtimeout: { key: 'commandTimeoutMs', parse: parseDuration },
  transfer: { key: 'transfer', parse: oneOf('http', 'scp') },
  commitafterpostcheck: { key: 'commitAfterPostcheck', parse: parseBool },
  converttoinstall: { key: 'convertToInstall', parse: parseBool },
  issu: { key: 'issu', parse: oneOf('auto', 'never') },
  panossynctopeer: { key: 'panosSyncToPeer', parse: parseBool },
  panoshaorder: { key: 'panosHaOrder', parse: oneOf('passive-first', 'active-first') },
  panoscpumaxpercent: { key: 'panosCpuMaxPercent', parse: parsePercent },
  panoramarps: { key: 'panoramaRps', parse: rate },
  allowdowngrade: { key: 'allowDowngrade', parse: parseBool },
  promote: { key: 'promote', parse: oneOf('auto', 'manual') },
  monitoraftercanary: { key: 'monitorAfterCanaryMs', parse: parseDuration },
  changeid: { key: 'changeId', parse: changeId },
  webhookurl: { key: 'webhookUrl', parse: webhook },
};
