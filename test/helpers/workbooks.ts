// Real .xlsx files for tests: built with exceljs (simple cases) or openpyxl
// (operator-style files with charts, comments and images).
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

export type Row = (string | number | boolean | Date | null)[];

export function tempDir(prefix = 'upshift-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function buildWorkbook(file: string, sheets: Record<string, Row[]>): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  }
  await wb.xlsx.writeFile(file);
  return file;
}

export const DEVICE_HEADER: Row = ['hostname', 'host', 'port', 'platform', 'target_version', 'image', 'site', 'group', 'wave', 'ha_peer', 'via', 'credential', 'window_start', 'window_end', 'enabled', 'notes'];
export const IMAGE_HEADER: Row = ['platform', 'version', 'file', 'md5', 'sha512', 'size', 'models'];
export const IMAGE_ROW: Row = ['iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin', 'a'.repeat(32), null, 1000, 'C9300-*'];

/** A valid fleet: two switches, a firewall pair through Panorama, a jump host. */
export function validDevices(): Row[] {
  return [
    [...DEVICE_HEADER],
    ['sw-1', '10.0.0.1', 22, 'iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin', 'lon', 'access', null, null, null, null, '2026-12-05 01:00', '2026-12-05 05:00', 'yes', 'first'],
    ['sw-2', '10.0.0.2', null, 'iosxe', '17.09.05', 'cat9k_iosxe.17.09.05.SPA.bin', 'lon', 'access', 2, null, 'jump-1', null, null, null, null, null],
    ['fw-a', '10.0.1.1', 443, 'panos', '11.1.4-h7', null, 'lon', 'fw', null, 'fw-b', 'pano', 'fw', null, null, 'yes', null],
    ['fw-b', '10.0.1.2', 443, 'panos', '11.1.4-h7', null, 'lon', 'fw', null, 'fw-a', 'pano', 'fw', null, null, 'yes', null],
    ['pano', '10.0.9.9', null, 'panorama', null, null, null, null, null, null, null, 'fw', null, null, null, null],
    ['jump-1', 'jump.example.net', 2222, 'jumphost', null, null, null, null, null, null, null, null, null, null, null, null],
  ];
}

const here = dirname(fileURLToPath(import.meta.url));

export function operatorWorkbook(file: string, rows = 6): string {
  execFileSync('/usr/bin/python3', [join(here, 'operator_workbook.py'), file, String(rows)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return file;
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function zipParts(file: string): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(readFileSync(file))));
}

export function partText(file: string, part: string): string {
  const bytes = zipParts(file).get(part);
  if (!bytes) throw new Error(`${file} has no part ${part}`);
  return new TextDecoder().decode(bytes);
}

/** Every cell of every sheet as openpyxl sees it: a second, independent reader. */
export function openpyxlCells(file: string): Record<string, Record<string, string>> {
  const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                cells[c.coordinate] = str(c.value)
    out[ws.title] = cells
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }));
}
