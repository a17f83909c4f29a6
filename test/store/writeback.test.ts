// Write-back and export on real files: the operator's workbook keeps every
// part and every cell that is not upshift's.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeBack, type StatusUpdates } from '../../src/store/writeback.js';
import { exportWorkbook } from '../../src/store/export.js';
import { importWorkbook } from '../../src/store/inventory.js';
import { readSharedStrings, readSheetCells, cellText } from '../../src/store/xlsx/sheet-read.js';
import { XlsxPackage, backupPath } from '../../src/store/xlsx/package.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, openpyxlCells, operatorWorkbook, partText, sha256, tempDir, validDevices, zipParts } from '../helpers/workbooks.js';

const dir = tempDir();
const DEVICES_PART = 'xl/worksheets/sheet1.xml';

function updates(entries: [string, Record<string, string | null>][]): StatusUpdates {
  return new Map(entries.map(([h, cells]) => [h.toLowerCase(), cells]));
}

function editWithOpenpyxl(file: string, code: string) {
  execFileSync('/usr/bin/python3', ['-c', `import openpyxl, sys\nwb = openpyxl.load_workbook(sys.argv[1])\n${code}\nwb.save(sys.argv[1])`, file]);
}

describe('write-back on an operator workbook written by openpyxl', () => {
  it('changes only the Devices sheet part, keeps every other part byte for byte and every other cell', async () => {
    const file = operatorWorkbook(join(dir, 'op1.xlsx'), 6);
    const before = zipParts(file);
    const cellsBefore = openpyxlCells(file);
    expect([...before.keys()]).toEqual(expect.arrayContaining(['xl/charts/chart1.xml', 'xl/comments/comment1.xml', 'xl/media/image1.png']));

    const result = await writeBack(file, updates([
      ['sw-0001', { status: 'upgraded', step: null, current_version: '17.9.5', message: 'done <&> "ok"' }],
      ['sw-0003', { status: 'blocked', precheck: 'flash 2.1 GB < 2.6 GB' }],
      ['not-in-sheet', { status: 'failed' }],
    ]));
    expect(result.columnsCreated).toEqual(['status', 'step', 'current_version', 'model', 'serial', 'readiness', 'precheck', 'postcheck', 'started_at', 'finished_at', 'message']);
    expect(result.rowsUpdated).toBe(2);
    expect(result.unmatched).toEqual(['not-in-sheet']);

    const after = zipParts(file);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [part, bytes] of before) {
      if (part === DEVICES_PART) continue;
      expect(Buffer.from(after.get(part)!).equals(Buffer.from(bytes)), part).toBe(true);
    }

    const cellsAfter = openpyxlCells(file);
    for (const [sheet, cells] of Object.entries(cellsBefore)) {
      for (const [ref, value] of Object.entries(cells)) expect(cellsAfter[sheet][ref], `${sheet}!${ref}`).toBe(value);
    }
    // New columns start after the last used column (K) with a header.
    expect(cellsAfter.Devices.L1).toBe('status');
    expect(cellsAfter.Devices.V1).toBe('message');
    expect(cellsAfter.Devices.L3).toBe('upgraded');
    expect(cellsAfter.Devices.N3).toBe('17.9.5');
    expect(cellsAfter.Devices.V3).toBe('done <&> "ok"');
    expect(cellsAfter.Devices.R5).toBe('flash 2.1 GB < 2.6 GB');
    expect(cellsAfter.Devices.L2).toBeUndefined();

    // The part still holds the operator's pane, validation, conditional format and comment anchor.
    const xml = partText(file, DEVICES_PART);
    expect(xml).toContain('state="frozen"');
    expect(xml).toContain('<dataValidation');
    expect(xml).toContain('<conditionalFormatting');
    expect(xml).toContain('<legacyDrawing');
    expect(xml).toContain('<dimension ref="A1:V');
    // The previous file is kept as the backup.
    expect(existsSync(backupPath(file))).toBe(true);
    expect(zipParts(backupPath(file)).get(DEVICES_PART)).toEqual(before.get(DEVICES_PART));
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('keeps an operator edit made between two write-backs', async () => {
    const file = operatorWorkbook(join(dir, 'op2.xlsx'), 5);
    await writeBack(file, updates([['sw-0000', { status: 'running', step: 'stage' }]]));
    editWithOpenpyxl(file, `ws = wb['Devices']\nws['J2'] = 'call NOC first'\nws.append(['sw-new', '10.9.9.9', 'iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin'])`);
    await writeBack(file, updates([['sw-0000', { status: 'upgraded', step: null }], ['sw-new', { status: 'pending' }]]));
    const cells = openpyxlCells(file);
    expect(cells.Devices.J2).toBe('call NOC first');
    expect(cells.Devices.L2).toBe('upgraded');
    expect(cells.Devices.M2).toBeUndefined();
    const newRow = Object.entries(cells.Devices).find(([, v]) => v === 'sw-new')![0].replace(/\D/g, '');
    expect(cells.Devices[`L${newRow}`]).toBe('pending');
    // Still a valid inventory for upshift.
    expect((await importWorkbook(file)).devices.map((d) => d.hostname)).toContain('sw-new');
  });

  it('reuses existing status columns, even out of order, and leaves formula cells alone', async () => {
    const devices = validDevices();
    devices[0].push('Message', 'STATUS');
    devices[1].push('old message', 'pending');
    const file = await buildWorkbook(join(dir, 'existing.xlsx'), { Devices: devices, Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    editWithOpenpyxl(file, `wb['Devices']['R3'] = '=A3'`);
    const result = await writeBack(file, updates([['sw-1', { status: 'ready', message: null }], ['sw-2', { status: 'ready' }]]));
    expect(result.columnsCreated).not.toContain('status');
    expect(result.columnsCreated).not.toContain('message');
    expect(result.skipped).toEqual(['Devices!R3: the cell holds a formula; left unchanged']);
    const pkg = await XlsxPackage.open(file);
    const cells = readSheetCells(pkg.text(pkg.findSheet('Devices')!.part), readSharedStrings(pkg));
    expect(cellText(cells.get(2)!.get(18)?.value)).toBe('ready');
    expect(cells.get(2)!.get(17)).toBeUndefined();
    expect(pkg.text(pkg.findSheet('Devices')!.part)).toMatch(/<c r="R3"[^>]*><f>A3<\/f>/);
  });

  it('does not rewrite the file when nothing changed', async () => {
    const file = await buildWorkbook(join(dir, 'same.xlsx'), { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    await writeBack(file, updates([['sw-1', { status: 'ready' }]]));
    const hash = sha256(file);
    await writeBack(file, updates([['sw-1', { status: 'ready' }]]));
    expect(sha256(file)).toBe(hash);
  });
});

describe('export', () => {
  const audit = { versionBefore: null, versionAfter: null, change: 'CHG0012345', run: 'run 3 on noc-1 pid 4242 alice' };

  it('adds a frozen, styled Audit sheet and keeps every other part of the operator workbook', async () => {
    const file = operatorWorkbook(join(dir, 'op3.xlsx'), 4);
    const before = zipParts(file);
    const out = join(dir, 'change-1234.xlsx');
    const result = await exportWorkbook(file, out, updates([['sw-0002', { status: 'upgraded' }]]), [
      { ...audit, device: 'sw-0002', step: 'activate', start: new Date('2026-12-05T01:10:00.000Z'), end: new Date('2026-12-05T01:20:00.000Z'), outcome: 'ok', operator: 'alice', message: 'install add file flash:x activate' },
      { ...audit, device: 'sw-0002', step: 'approval: reload', start: new Date('2026-12-05T01:09:00.000Z'), end: new Date('2026-12-05T01:09:00.000Z'), outcome: 'approved', operator: 'alice', message: 'tui · activate' },
    ]);
    expect(result.auditRows).toBe(2);
    // The source workbook itself is not touched by an export.
    expect(zipParts(file)).toEqual(before);

    const after = zipParts(out);
    const registration = new Set(['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', '[Content_Types].xml', 'xl/styles.xml', DEVICES_PART]);
    for (const [part, bytes] of before) {
      if (registration.has(part)) continue;
      expect(Buffer.from(after.get(part)!).equals(Buffer.from(bytes)), part).toBe(true);
    }
    const cells = openpyxlCells(out);
    expect(Object.keys(cells)).toEqual(['Devices', 'Lookups', 'Chart', 'Secret Notes', 'Images', 'Settings', 'Audit']);
    expect(cells.Audit.A1).toBe('device');
    expect(cells.Audit.H1).toBe('message');
    expect(cells.Audit.B2).toBe('activate');
    expect(cells.Audit.F3).toBe('approved');
    expect([cells.Audit.K2, cells.Audit.L2]).toEqual(['CHG0012345', 'run 3 on noc-1 pid 4242 alice']);
    // Real dates (local wall-clock time, formatted), with the zone they are in beside them.
    const local = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:00`;
    expect(cells.Audit.C2).toBe(local(new Date('2026-12-05T01:10:00.000Z')));
    expect(cells.Audit.E2).toMatch(/^[+-]\d{2}:\d{2}$/);
    const dates = execFileSync('/usr/bin/python3', ['-c', `
import openpyxl, sys, json
a = openpyxl.load_workbook(sys.argv[1])['Audit']
print(json.dumps({'date': a['C2'].is_date, 'format': a['C2'].number_format, 'endDate': a['D3'].is_date}))`, out], { encoding: 'utf8' });
    expect(JSON.parse(dates)).toEqual({ date: true, format: 'yyyy-mm-dd hh:mm:ss', endDate: true });
    expect(cells.Devices.L4).toBe('upgraded');
    const sheets = execFileSync('/usr/bin/python3', ['-c', `
import openpyxl, sys, json
wb = openpyxl.load_workbook(sys.argv[1])
a = wb['Audit']
print(json.dumps({'freeze': a.freeze_panes, 'bold': a['A1'].font.b, 'fill': a['A1'].fill.fgColor.rgb, 'hidden': wb['Secret Notes'].sheet_state, 'names': list(wb.defined_names.definedName.__iter__().__next__().name for _ in [0])}))`, out], { encoding: 'utf8' });
    expect(JSON.parse(sheets)).toEqual({ freeze: 'A2', bold: true, fill: 'FF1F4E78', hidden: 'hidden', names: ['Platforms'] });
  });

  it('replaces the Audit sheet when exporting an export again', async () => {
    const file = operatorWorkbook(join(dir, 'op4.xlsx'), 2);
    const first = join(dir, 'first.xlsx');
    const second = join(dir, 'second.xlsx');
    const row = { ...audit, device: 'sw-0000', step: 'facts', start: new Date('2026-12-05T01:00:00.000Z'), end: null, outcome: 'ok', operator: 'bob', message: '' };
    await exportWorkbook(file, first, new Map(), [row]);
    await exportWorkbook(first, second, new Map(), [row, { ...row, step: 'precheck' }]);
    const cells = openpyxlCells(second);
    expect(Object.keys(cells).filter((s) => s === 'Audit')).toHaveLength(1);
    expect(cells.Audit.B3).toBe('precheck');
  });
});
