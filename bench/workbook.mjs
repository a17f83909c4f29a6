#!/usr/bin/env node
// Import and write-back times for a generated 10,000-row x 20-column workbook.
// Goals (docs/performance.md): import <= 0.8 s, write-back <= 0.5 s. Run: node bench/workbook.mjs [rows]
// Then the main thread's longest stall while a session's write-back (worker thread,
// reading the state database itself) rewrites every row; goal: a few ms.
import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importWorkbook } from '../dist/store/inventory.js';
import { writeBack, DebouncedWriteBack } from '../dist/store/writeback.js';
import { openDatabase } from '../dist/store/db.js';
import { StateStore } from '../dist/store/state.js';

const rows = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'upshift-bench-'));
const file = join(dir, 'fleet.xlsx');

const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
const ws = wb.addWorksheet('Devices', { views: [{ state: 'frozen', ySplit: 1 }] });
const header = ['hostname', 'host', 'port', 'platform', 'target_version', 'image', 'site', 'role', 'group', 'wave',
  'ha_peer', 'via', 'credential', 'window_start', 'window_end', 'enabled', 'notes', 'rack', 'owner', 'contract'];
ws.addRow(header).commit();
for (let i = 0; i < rows; i++) {
  ws.addRow([`sw-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`, 22, 'iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin',
    `site-${i % 40}`, 'access', `g${i % 7}`, null, null, null, null, new Date(Date.UTC(2026, 11, 5, 1)), new Date(Date.UTC(2026, 11, 5, 5)),
    'yes', `note for device ${i}`, `R${i % 90}`, `team-${i % 12}`, `C-${100000 + i}`]).commit();
}
ws.commit();
const images = wb.addWorksheet('Images');
images.addRow(['platform', 'version', 'file', 'md5']).commit();
images.addRow(['iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin', 'a'.repeat(32)]).commit();
images.commit();
await wb.commit();

const time = async (fn) => { const t = process.hrtime.bigint(); const r = await fn(); return [Number(process.hrtime.bigint() - t) / 1e6, r]; };
const runs = 5;
const importMs = [];
let inv;
for (let i = 0; i < runs; i++) { const [ms, r] = await time(() => importWorkbook(file)); importMs.push(ms); inv = r; }

const all = new Map(inv.devices.map((d, i) => [d.hostname.toLowerCase(), { status: 'upgraded', current_version: '17.9.5', message: `done ${i}` }]));
const [firstWriteMs] = await time(() => writeBack(file, all)); // creates the 11 status columns
const everyRow = [];
for (let i = 0; i < runs; i++) {
  const u = new Map(inv.devices.map((d) => [d.hostname.toLowerCase(), { status: i % 2 ? 'running' : 'held', step: `s${i}` }]));
  everyRow.push((await time(() => writeBack(file, u)))[0]);
}
const oneRow = [];
for (let i = 0; i < runs; i++) oneRow.push((await time(() => writeBack(file, new Map([['sw-5000', { status: `s${i}` }]]))))[0]);

const fmt = (xs) => `median ${[...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
console.log(`workbook: ${rows} rows x ${header.length} columns, ${(statSync(file).size / 1e6).toFixed(2)} MB (${file})`);
console.log(`import (read + validate):                     ${fmt(importMs)}   goal <= 800 ms`);
console.log(`write-back, first (creates 11 columns, all rows): ${firstWriteMs.toFixed(0)} ms`);
console.log(`write-back, every row changed:                ${fmt(everyRow)}   goal <= 500 ms`);
console.log(`write-back, one row changed:                  ${fmt(oneRow)}`);
// The main thread during write-back: a timer every millisecond records the longest gap
// between its ticks (what a key press or a frame would have waited).
async function stalls(fn) {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  longest = 0;
  last = performance.now();
  const elu = performance.eventLoopUtilization();
  const [ms] = await time(fn);
  // One more tick, so a stall at the very end is counted too.
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(timer);
  // The main thread's own busy time (the ticking timer included), whatever the machine's load.
  const busy = performance.eventLoopUtilization(elu).active;
  return { ms, longest, busy };
}
// CPU time of the main thread alone (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms).
const mainCpuMs = () => {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').slice(0).split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
};
const store = new StateStore(openDatabase(join(dir, 'state')));
store.syncInventory(inv);
const session = new DebouncedWriteBack(file, { stateDb: join(dir, 'state', 'upshift.db') }, (m) => console.log(m), 0);
const inThread = [];
const inWorker = [];
const idle = [];
let idleCpu = 0;
let workerCpu = 0;
for (let i = 0; i < runs; i++) {
  // The same measure with nothing to do: what the machine's other load alone costs.
  let c = mainCpuMs();
  idle.push(await stalls(() => new Promise((r) => setTimeout(r, 500))));
  idleCpu += mainCpuMs() - c;
  const status = i % 2 ? 'upgraded' : 'held';
  store.db.transaction(() => { for (const d of inv.devices) store.updateState(d.hostname, { status, step: `w${i}` }); })();
  const u = new Map(inv.devices.map((d) => [d.hostname.toLowerCase(), { status: i % 2 ? 'running' : 'pending', step: `t${i}` }]));
  inThread.push(await stalls(() => writeBack(file, u, { backup: false })));
  c = mainCpuMs();
  inWorker.push(await stalls(async () => { session.request(); await session.flush(); }));
  workerCpu += mainCpuMs() - c;
}
await session.close();
store.db.close();
const stall = (xs) => `${fmt(xs.map((x) => x.longest))}; main thread busy ${fmt(xs.map((x) => x.busy))}; write ${fmt(xs.map((x) => x.ms))}`;
console.log(`main thread's longest stall over 0.5 s with nothing to do (other load on the machine): ${fmt(idle.map((x) => x.longest))}; busy ${fmt(idle.map((x) => x.busy))}`);
console.log(`main thread's longest stall, write-back of every row on the main thread: ${stall(inThread)}`);
console.log(`main thread's longest stall, session write-back (worker reads SQLite): ${stall(inWorker)}   goal: a few ms`);
console.log(`main thread CPU (its own, whatever the load): ${(workerCpu / runs).toFixed(0)} ms per session write-back of ~${(inWorker.reduce((a, x) => a + x.ms, 0) / runs).toFixed(0)} ms, ${(idleCpu / runs).toFixed(0)} ms per 0.5 s idle with the 1 ms timer (10 ms ticks)`);
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
