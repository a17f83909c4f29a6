#!/usr/bin/env node
// Import and write-back times for a generated 10,000-row x 20-column workbook.
// Goals (issue 2): import <= 0.8 s, write-back <= 0.5 s. Run: node bench/workbook.mjs [rows]
import ExcelJS from 'exceljs';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importWorkbook } from '../dist/store/inventory.js';
import { writeBack } from '../dist/store/writeback.js';

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
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
