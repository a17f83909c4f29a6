// Workbooks upshift creates itself (the example, the lab's workbook) are
// written with exceljs, formatted for an operator: styled frozen header,
// widths, dropdowns on platform and enabled, dates shown as date-times.
import ExcelJS from 'exceljs';
import { PLATFORMS } from './types.js';

export const DEVICE_COLUMNS = [
  'hostname', 'host', 'port', 'platform', 'target_version', 'image', 'site', 'role', 'group', 'wave',
  'ha_peer', 'via', 'credential', 'window_start', 'window_end', 'enabled', 'notes',
] as const;
export type DeviceColumn = (typeof DEVICE_COLUMNS)[number];
export type NewDevice = Partial<Record<DeviceColumn, string | number | Date | null>>;

export interface NewImage {
  platform: 'iosxe' | 'panos';
  version: string;
  file: string;
  md5?: string;
  sha512?: string;
  size?: number;
  models?: string;
}

export interface NewWorkbook {
  devices: NewDevice[];
  images: NewImage[];
  settings: [key: string, value: string | number, meaning: string][];
}

const WIDTHS: Record<DeviceColumn, number> = {
  hostname: 18, host: 16, port: 7, platform: 10, target_version: 15, image: 40, site: 8, role: 12, group: 12,
  wave: 6, ha_peer: 14, via: 12, credential: 12, window_start: 18, window_end: 18, enabled: 9, notes: 40,
};

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E78' } };
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' } };

/** exceljs turns a Date into a serial as UTC; Excel serials mean local time. */
function asExcelLocal(d: Date): Date {
  return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()));
}

function styleHeader(ws: ExcelJS.Worksheet, columns: number) {
  const row = ws.getRow(1);
  for (let c = 1; c <= columns; c++) {
    const cell = row.getCell(c);
    cell.fill = HEADER_FILL;
    cell.font = HEADER_FONT;
    cell.alignment = { vertical: 'middle' };
  }
  ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 0, topLeftCell: 'A2', activeCell: 'A2' }];
}

export async function writeNewWorkbook(file: string, data: NewWorkbook): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'upshift';
  wb.created = new Date();

  const devices = wb.addWorksheet('Devices');
  devices.columns = DEVICE_COLUMNS.map((key) => ({ header: key, key, width: WIDTHS[key] }));
  for (const d of data.devices) {
    const values: Record<string, unknown> = {};
    for (const key of DEVICE_COLUMNS) {
      const v = d[key];
      values[key] = v instanceof Date ? asExcelLocal(v) : v ?? null;
    }
    devices.addRow(values);
  }
  styleHeader(devices, DEVICE_COLUMNS.length);
  const last = Math.max(data.devices.length + 1, 200);
  const col = (key: DeviceColumn) => devices.getColumn(key).letter;
  devices.getColumn('window_start').numFmt = 'yyyy-mm-dd hh:mm';
  devices.getColumn('window_end').numFmt = 'yyyy-mm-dd hh:mm';
  devices.getColumn('target_version').numFmt = '@';
  // exceljs's typings omit Worksheet.dataValidations; a range key is written as one sqref.
  const validations = (devices as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  validations.add(`${col('platform')}2:${col('platform')}${last}`, {
    type: 'list', allowBlank: false, formulae: [`"${PLATFORMS.join(',')}"`],
    showErrorMessage: true, errorTitle: 'platform', error: `One of ${PLATFORMS.join(', ')}`,
  });
  validations.add(`${col('enabled')}2:${col('enabled')}${last}`, {
    type: 'list', allowBlank: true, formulae: ['"yes,no"'], showErrorMessage: true, errorTitle: 'enabled', error: 'yes or no',
  });
  devices.autoFilter = { from: 'A1', to: { row: 1, column: DEVICE_COLUMNS.length } };

  const images = wb.addWorksheet('Images');
  images.columns = [
    { header: 'platform', key: 'platform', width: 10 },
    { header: 'version', key: 'version', width: 12 },
    { header: 'file', key: 'file', width: 44 },
    { header: 'md5', key: 'md5', width: 36 },
    { header: 'sha512', key: 'sha512', width: 40 },
    { header: 'size', key: 'size', width: 14 },
    { header: 'models', key: 'models', width: 30 },
  ];
  for (const i of data.images) images.addRow({ ...i, md5: i.md5 ?? null, sha512: i.sha512 ?? null, size: i.size ?? null, models: i.models ?? null });
  images.getColumn('version').numFmt = '@';
  images.getColumn('size').numFmt = '#,##0';
  styleHeader(images, 7);

  const settings = wb.addWorksheet('Settings');
  settings.columns = [
    { header: 'key', key: 'key', width: 24 },
    { header: 'value', key: 'value', width: 12 },
    { header: 'meaning', key: 'meaning', width: 70 },
  ];
  for (const [key, value, meaning] of data.settings) settings.addRow({ key, value, meaning });
  styleHeader(settings, 3);

  await wb.xlsx.writeFile(file);
}

export const DEFAULT_SETTINGS_ROWS: NewWorkbook['settings'] = [
  ['concurrency', 10, 'devices worked on at once'],
  ['canary', 1, 'devices in the first wave when the wave column is empty'],
  ['batch_size', '20%', 'size of each following wave (count or percent)'],
  ['pause_between_waves', '0 s', 'wait after a wave completes'],
  ['max_failure_percent', 20, 'circuit breaker: stop starting devices above this failure rate'],
  ['flash_margin', 2.5, 'install mode needs free flash >= image size x this'],
  ['cpu_max_percent', 80, 'pre-check: 5-minute CPU above this blocks'],
  ['route_margin_percent', 5, 'post-check: route count may differ by at most this'],
  ['arp_margin_percent', 10, 'post-check: ARP count may differ by at most this'],
  ['session_margin_percent', 20, 'post-check (panos): session count difference allowed'],
  ['reload_timeout', '30 min', 'device must be back and answering within this'],
  ['transfer', 'http', 'http (device pulls from upshift) or scp (upshift pushes)'],
  ['commit_after_postcheck', 'yes', 'install mode: commit only after post-checks pass'],
];
