// Helpers of the PAN-OS end-to-end tests: lab firewalls, the run's journal
// in SQLite, the lab's own journal of a firewall, and small workbook edits
// (a Paths sheet, a setting, a cleared cell) made with a second writer.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { dev, type LabRun } from '../helpers/lab-run.js';

export const fw = (hostname: string, extra: Partial<LabDeviceSpec> = {}) => dev(hostname, 'panos', extra);
export const pano = (hostname = 'pano'): LabDeviceSpec => ({ hostname, kind: 'panorama', version: '11.1.4-h7', target: null, faults: [], site: 'lab', role: 'p', group: 'm' });

export interface Entry { step: string; outcome: string; message: string | null; disruptive: number; sent: string[] }

/** The run's journal for a device, oldest first. */
export function journal(run: LabRun, host: string): Entry[] {
  const db = new Database(join(run.state, 'upshift.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT step, outcome, message, disruptive, sent_json FROM journal WHERE hostname = ? ORDER BY id').all(host) as { step: string; outcome: string; message: string | null; disruptive: number; sent_json: string | null }[];
    return rows.map((r) => ({ step: r.step, outcome: r.outcome, message: r.message, disruptive: r.disruptive, sent: r.sent_json ? (JSON.parse(r.sent_json) as string[]) : [] }));
  } finally {
    db.close();
  }
}

/** What the lab firewall did, in order (its journal without the op log): reboot, boot, install, ha, download… */
export function events(run: LabRun, host: string): string[] {
  return run.lab.panos.firewall(host).journal.filter((e) => e.kind !== 'op').map((e) => `${e.kind}${e.detail ? ` ${e.detail}` : ''}`);
}

export const count = (run: LabRun, host: string, kind: string) => run.lab.panos.firewall(host).count(kind);

/** Edits the lab's workbook in place (another writer than upshift's: what an operator's Excel would do). */
export async function editWorkbook(run: LabRun, edit: (wb: ExcelJS.Workbook) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(run.files.workbook);
  edit(wb);
  await wb.xlsx.writeFile(run.files.workbook);
}

/** Sets a cell of a device's row by column header. */
export function setDeviceCell(wb: ExcelJS.Workbook, host: string, column: string, value: string | null): void {
  const ws = wb.getWorksheet('Devices')!;
  const header = ws.getRow(1).values as (string | undefined)[];
  const col = header.findIndex((h) => h === column);
  ws.eachRow((row) => {
    if (row.getCell(1).value === host) row.getCell(col).value = value;
  });
}

/** Sets a key of the Settings sheet (column A key, B value). */
export function setSetting(wb: ExcelJS.Workbook, key: string, value: string): void {
  const ws = wb.getWorksheet('Settings')!;
  let found = false;
  ws.eachRow((row) => {
    if (row.getCell(1).value === key) {
      row.getCell(2).value = value;
      found = true;
    }
  });
  if (!found) ws.addRow([key, value]);
}

/** Requests per sliding second, at most, of a list of arrival times (ms). */
export function peakPerSecond(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}
