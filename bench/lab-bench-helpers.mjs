// Shared by bench/torture.mjs and bench/soak.mjs: the lab in its own process,
// `upshift run` through bin/upshift, and what the workbook and the state
// database say afterwards.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';

export const BIN = new URL('../bin/upshift', import.meta.url).pathname;

/** Starts bench/lab-journal-child.mjs; resolves once its files are written. */
export async function startLab(options, onMessage = () => {}) {
  const child = fork(new URL('./lab-journal-child.mjs', import.meta.url).pathname, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m.type);
    if (w) {
      waiting.delete(m.type);
      w(m);
    }
    onMessage(m);
  });
  const next = (type) => new Promise((resolve) => waiting.set(type, resolve));
  const info = await next('ready');
  return {
    child, info,
    /** Every device's journal summary (see lab-journal-child.mjs). */
    journal: async () => {
      const reply = next('journal');
      child.send('journal');
      return (await reply).devices;
    },
    stop: async () => {
      const closed = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await closed;
    },
  };
}

/**
 * Runs `upshift run --yes --json` on the lab's workbook. `onLine(event, line)` sees each JSON
 * event; `kill()` ends the run with SIGKILL. Resolves when the process has exited.
 */
export function runUpshift(files, { extraArgs = [], onLine = () => {}, guardMs = 600_000 } = {}) {
  const child = spawn(process.execPath, [BIN, 'run', '--yes', '--json', '--workbook', files.workbook, '--credentials', files.credentials, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let killed = false;
  let stderr = '';
  let partial = '';
  let events = 0;
  const kill = () => {
    if (killed || child.exitCode !== null) return;
    killed = true;
    child.kill('SIGKILL');
  };
  child.stdout.on('data', (d) => {
    const text = partial + d.toString();
    const lines = text.split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!line.trim() || killed) continue;
      events++;
      let e = null;
      try {
        e = JSON.parse(line);
      } catch { /* not an event */ }
      onLine(e, events);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  const guard = setTimeout(kill, guardMs);
  const done = new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(guard);
    resolve({ code, signal, killed, stderr, events });
  }));
  return { child, kill, done, get events() { return events; } };
}

/** The zip parts of a workbook, and the part of its Devices sheet. */
export function workbookParts(file) {
  const parts = unzipSync(readFileSync(file));
  const text = (name) => new TextDecoder().decode(parts[name]);
  const rid = /<sheet\b[^>]*\bname="Devices"[^>]*\br:id="([^"]+)"/.exec(text('xl/workbook.xml'))?.[1];
  const target = new RegExp(`<Relationship\\b[^>]*\\bId="${rid}"[^>]*\\bTarget="([^"]+)"`).exec(text('xl/_rels/workbook.xml.rels'))?.[1]
    ?? new RegExp(`<Relationship\\b[^>]*\\bTarget="([^"]+)"[^>]*\\bId="${rid}"`).exec(text('xl/_rels/workbook.xml.rels'))?.[1];
  const devicesPart = target ? (target.startsWith('/') ? target.slice(1) : `xl/${target}`) : null;
  return { parts, devicesPart };
}

/** Names of the parts, other than the Devices sheet, whose bytes differ between two workbooks. */
export function changedPartsOutsideDevices(before, after) {
  const a = workbookParts(before);
  const b = workbookParts(after);
  const names = new Set([...Object.keys(a.parts), ...Object.keys(b.parts)]);
  names.delete(a.devicesPart);
  // Folder entries carry no bytes: whether a writer lists them says nothing about the content.
  for (const name of names) if (name.endsWith('/')) names.delete(name);
  return [...names].filter((n) => !a.parts[n] || !b.parts[n] || Buffer.compare(Buffer.from(a.parts[n]), Buffer.from(b.parts[n])) !== 0);
}

/** hostname → status as the workbook's Devices sheet shows it. */
export async function workbookStatuses(file) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.getWorksheet('Devices');
  const header = sheet.getRow(1).values.map((v) => String(v ?? '').trim().toLowerCase());
  const host = header.indexOf('hostname');
  const status = header.indexOf('status');
  const out = new Map();
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const h = row.getCell(host).text;
    if (h) out.set(h, status > 0 ? row.getCell(status).text : '');
  });
  return out;
}

/** The state database of the lab's workbook (read-only). */
export function openState(dir) {
  return new Database(join(dir, '.upshift', 'fleet', 'upshift.db'), { readonly: true });
}

/**
 * Per device: the journaled steps that failed and were then run again (the engine's retries),
 * counted from the journal in order; a run that died leaves 'interrupted' entries, not counted.
 */
export function retriesPerDevice(db) {
  const rows = db.prepare('SELECT hostname, step, outcome FROM journal ORDER BY id').all();
  const out = new Map();
  const lastFailed = new Map();
  for (const r of rows) {
    if (lastFailed.get(r.hostname) === r.step) out.set(r.hostname, (out.get(r.hostname) ?? 0) + 1);
    lastFailed.set(r.hostname, r.outcome === 'failed' ? r.step : null);
  }
  return out;
}

/** "load 1.9 / 2.4 / 2.8 on 2 cores": what else the machine was doing. */
export function machineLoad() {
  return `load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min)`;
}

/** The bench's seeded PRNG: the generator the lab's chaos draws use. */
export { mulberry32 as prng } from '../dist/lab/chaos.js';

export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
