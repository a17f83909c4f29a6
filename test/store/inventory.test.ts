import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { importWorkbook } from '../../src/store/inventory.js';
import { serialToDate, parseDateText } from '../../src/store/dates.js';
import { compareVersions, normalizeVersion } from '../../src/store/patterns.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, operatorWorkbook, tempDir, validDevices } from '../helpers/workbooks.js';

const dir = tempDir();

describe('importing a valid workbook', () => {
  it('reads devices, images and settings with defaults and normal forms', async () => {
    const file = await buildWorkbook(join(dir, 'valid.xlsx'), {
      Devices: validDevices(),
      Images: [[...IMAGE_HEADER], [...IMAGE_ROW]],
      Settings: [['key', 'value'], ['concurrency', 5], ['batch_size', '10%'], ['pause_between_waves', '3 min'], ['reload_timeout', '1 h'], ['transfer', 'scp']],
    });
    const inv = await importWorkbook(file);
    expect(inv.devices.map((d) => d.hostname)).toEqual(['sw-1', 'sw-2', 'fw-a', 'fw-b', 'pano', 'jump-1']);
    const [sw1, sw2, fwA] = inv.devices;
    expect(sw1).toMatchObject({ host: '10.0.0.1', port: 22, platform: 'iosxe', targetVersion: '17.9.5', credential: 'default', enabled: true, row: 2 });
    // 17.09.05 is stored in its normal form (docs/workbook.md).
    expect(sw2).toMatchObject({ targetVersion: '17.9.5', wave: 2, via: 'jump-1', port: null });
    expect(fwA).toMatchObject({ platform: 'panos', targetVersion: '11.1.4-h7', haPeer: 'fw-b', via: 'pano', credential: 'fw', image: null });
    expect(sw1.windowStart).toEqual(new Date(2026, 11, 5, 1, 0));
    expect(inv.images[0]).toMatchObject({ file: 'cat9k_iosxe.17.09.05.SPA.bin', version: '17.9.5', md5: 'a'.repeat(32), size: 1000, models: ['C9300-*'] });
    expect(inv.settings).toMatchObject({ concurrency: 5, batchSize: { percent: 10 }, pauseBetweenWavesMs: 180_000, reloadTimeoutMs: 3_600_000, transfer: 'scp', canary: 1, flashMargin: 2.5 });
  });

  it('matches headers ignoring case, spaces, _ and -, and finds a header below a title row', async () => {
    const devices = validDevices();
    devices[0] = devices[0].map((h) => String(h).toUpperCase().replace('_', ' ').replace('TARGET VERSION', 'Target-Version'));
    const file = await buildWorkbook(join(dir, 'headers.xlsx'), {
      Devices: [['Fleet for change CHG-1234'], [], ...devices],
      Images: [['Platform', 'VERSION', 'File', 'MD5'], ['iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin', 'A'.repeat(32)]],
    });
    const inv = await importWorkbook(file);
    expect(inv.devices).toHaveLength(6);
    expect(inv.devices[0]).toMatchObject({ hostname: 'sw-1', targetVersion: '17.9.5', row: 4 });
    expect(inv.images[0].md5).toBe('a'.repeat(32));
  });

  it('keeps disabled rows without their required fields, as skipped', async () => {
    const devices = validDevices();
    devices.push(['sw-rma', null, null, 'iosxe', null, null, null, null, null, null, null, null, null, null, 'no', 'RMA']);
    const file = await buildWorkbook(join(dir, 'disabled.xlsx'), { Devices: devices, Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const inv = await importWorkbook(file);
    expect(inv.devices.at(-1)).toMatchObject({ hostname: 'sw-rma', enabled: false, notes: 'RMA' });
  });

  it('reads Excel date cells, serial numbers and text with an offset', async () => {
    const devices = validDevices();
    devices[1][12] = new Date(Date.UTC(2026, 11, 5, 1, 30)); // exceljs stores a Date as a serial
    devices[1][13] = 46361.25; // 2026-12-05 06:00 as a raw serial
    devices[2][12] = '2026-12-05T01:00:00+02:00';
    devices[2][13] = '2026-12-05 03:00Z';
    const file = await buildWorkbook(join(dir, 'dates.xlsx'), { Devices: devices, Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const [sw1, sw2] = (await importWorkbook(file)).devices;
    expect(sw1.windowStart).toEqual(new Date(2026, 11, 5, 1, 30));
    expect(sw1.windowEnd).toEqual(new Date(2026, 11, 5, 6, 0));
    expect(sw2.windowStart?.toISOString()).toBe('2026-12-04T23:00:00.000Z');
    expect(sw2.windowEnd?.toISOString()).toBe('2026-12-05T03:00:00.000Z');
  });

  it('reads a workbook written by openpyxl with a chart, comments and an image (which exceljs cannot read)', async () => {
    const file = operatorWorkbook(join(dir, 'operator.xlsx'), 4);
    const inv = await importWorkbook(file);
    expect(inv.devices.map((d) => d.hostname)).toEqual(['sw-0000', 'sw-0001', 'sw-0002', 'sw-0003']);
    expect(inv.devices[0].windowStart).toEqual(new Date(2026, 11, 5, 1, 0));
    // 25% typed into a percent-formatted cell is stored by Excel as 0.25.
    expect(inv.settings.maxFailurePercent).toBe(25);
    expect(inv.settings.reloadTimeoutMs).toBe(20 * 60_000);
  });

  it('reads the 1904 date system', async () => {
    const file = join(dir, 'd1904.xlsx');
    execFileSync('/usr/bin/python3', ['-c', `
import openpyxl, datetime, sys
wb = openpyxl.Workbook(); wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
ws = wb.active; ws.title = 'Devices'
ws.append(['hostname', 'host', 'platform', 'target_version', 'window_start'])
ws.append(['fw-1', '10.0.0.1', 'panos', '11.1.4', datetime.datetime(2026, 12, 5, 1, 0)])
wb.save(sys.argv[1])`, file]);
    expect((await importWorkbook(file)).devices[0].windowStart).toEqual(new Date(2026, 11, 5, 1, 0));
  });
});

describe('dates and versions', () => {
  it('converts serials in both date systems, including across the 1900 leap-year bug', () => {
    expect(serialToDate(1)).toEqual(new Date(1900, 0, 1));
    expect(serialToDate(59)).toEqual(new Date(1900, 1, 28));
    expect(serialToDate(61)).toEqual(new Date(1900, 2, 1));
    expect(serialToDate(45000.5)).toEqual(new Date(2023, 2, 15, 12, 0));
    expect(serialToDate(0, true)).toEqual(new Date(1904, 0, 1));
  });

  it('refuses ambiguous day/month text', () => {
    expect(parseDateText('05/12/2026 01:00').ok).toBe(false);
  });

  it('normalises and orders versions', () => {
    expect(normalizeVersion('16.12.04')).toBe('16.12.4');
    expect(normalizeVersion('17.09.05a')).toBe('17.9.5a');
    expect(compareVersions('17.9.5', '17.10.1')).toBeLessThan(0);
    expect(compareVersions('17.9.5a', '17.9.5')).toBeGreaterThan(0);
    expect(compareVersions('11.1.4-h7', '11.1.4-h10')).toBeLessThan(0);
    expect(compareVersions('11.1.4-h7', '11.1.4')).toBeGreaterThan(0);
    expect(compareVersions('17.09.05', '17.9.5')).toBe(0);
  });
});
