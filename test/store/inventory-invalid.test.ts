// Malformed workbooks: every problem reported at once, cell by cell, and the
// file left byte-identical.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importWorkbook, InventoryError } from '../../src/store/inventory.js';
import { buildWorkbook, DEVICE_HEADER, IMAGE_HEADER, IMAGE_ROW, sha256, tempDir, validDevices, type Row } from '../helpers/workbooks.js';

type Sheets = Record<string, Row[]>;

function base(): Sheets {
  return { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]], Settings: [['key', 'value'], ['concurrency', 5]] };
}

/** Column letters of validDevices(): A hostname … P notes. */
const col = (name: string) => String.fromCharCode(65 + DEVICE_HEADER.indexOf(name));

function set(sheets: Sheets, sheet: string, row: number, column: string | number, value: Row[number]): Sheets {
  const c = typeof column === 'number' ? column : DEVICE_HEADER.indexOf(column);
  sheets[sheet][row - 1][c] = value;
  return sheets;
}

const SETTINGS_KNOWN = 'concurrency, canary, batch_size, pause_between_waves, max_failure_percent, flash_margin, cpu_max_percent, route_margin_percent, arp_margin_percent, session_margin_percent, reload_timeout, command_timeout, transfer, commit_after_postcheck, convert_to_install, issu, panos_sync_to_peer, panos_ha_order, panos_cpu_max_percent, panorama_rps, allow_downgrade, promote, monitor_after_canary, change_id, webhook_url';

const cases: [string, () => Sheets, string[]][] = [
  ['missing Devices sheet', () => { const s = base(); delete (s as Partial<Sheets>).Devices; s.Other = [['x']]; return s; },
    ['Devices: sheet is missing (the workbook needs a Devices sheet)']],
  ['a Devices sheet with a header and no device rows', () => { const s = base(); s.Devices = [s.Devices[0]]; return s; },
    ['Devices!2:2 devices: no device rows below the header (row 1): nothing to do']],
  ['no hostname column', () => { const s = base(); s.Devices[0][0] = 'name'; return s; },
    ['Devices: no header row with a "hostname" column in the first 10 rows']],
  ['missing platform column', () => { const s = base(); s.Devices[0][3] = 'kind'; return s; },
    ['Devices!1:1 platform: required column is missing']],
  ['duplicate header after normalising', () => { const s = base(); s.Devices[0][15] = 'Target-Version'; return s; },
    [`Devices!P1 target_version: duplicate column (also ${col('target_version')}1)`]],
  ['duplicate hostname (case-insensitive)', () => set(base(), 'Devices', 3, 'hostname', 'SW-1'),
    [`Devices!A3 hostname: "SW-1" is already used on row 2`]],
  ['unknown platform', () => set(base(), 'Devices', 2, 'platform', 'ios-xe'),
    [`Devices!D2 platform: "ios-xe" is not one of iosxe, panos, panorama, jumphost`]],
  ['bad IP address', () => set(base(), 'Devices', 2, 'host', '10.0.0.256'),
    [`Devices!B2 host: "10.0.0.256" is not an IP address or DNS name`]],
  ['host with shell syntax', () => set(base(), 'Devices', 2, 'host', 'sw1;rm -rf /'),
    [`Devices!B2 host: "sw1;rm -rf /" is not an IP address or DNS name`]],
  ['port out of range', () => set(base(), 'Devices', 2, 'port', 70000),
    [`Devices!C2 port: 70000 is not a port from 1 to 65535`]],
  ['port not a number', () => set(base(), 'Devices', 2, 'port', 'ssh'),
    [`Devices!C2 port: "ssh" is not a port number`]],
  ['version with CLI metacharacters', () => set(base(), 'Devices', 2, 'target_version', '17.9.5; reload'),
    [`Devices!E2 target_version: "17.9.5; reload" is not an IOS-XE version (e.g. 17.9.5 or 17.09.05a)`]],
  ['version typed as a number by Excel', () => set(base(), 'Devices', 2, 'target_version', 17.1),
    [`Devices!E2 target_version: "17.1" is not an IOS-XE version (e.g. 17.9.5 or 17.09.05a)`]],
  ['PAN-OS version with XML', () => set(base(), 'Devices', 4, 'target_version', '11.1.4</version><x>'),
    [`Devices!E4 target_version: "11.1.4</version><x>" is not a PAN-OS version (e.g. 11.1.4-h7)`]],
  ['image with shell metacharacters', () => set(base(), 'Devices', 2, 'image', 'cat9k.bin|delete'),
    [`Devices!F2 image: "cat9k.bin|delete" is not an image file name (letters, digits, ".", "_", "-", ending in .bin)`]],
  ['image not in Images sheet', () => set(base(), 'Devices', 2, 'image', 'other_image.17.09.05.bin'),
    [`Devices!F2 image: "other_image.17.09.05.bin" is not listed in the Images sheet`]],
  // A target no image has is the target_version's problem (here: the Images row may be the typo, which that cell names too).
  ['no image of the target version', () => { const s = base(); s.Images[1][1] = '17.9.4'; return s; },
    [`Devices!E2 target_version: no image in the Images sheet is version 17.9.5 (the row's image "cat9k_iosxe.17.09.05.SPA.bin" is 17.9.4, Images row 2)`,
     `Devices!E3 target_version: no image in the Images sheet is version 17.9.5 (the row's image "cat9k_iosxe.17.09.05.SPA.bin" is 17.9.4, Images row 2)`]],
  // A typo in target_version that is still a valid version (17.9.5a is a rebuild's name): the error names E2, not the image.
  ['a version typo in target_version', () => set(base(), 'Devices', 2, 'target_version', '17.9.5a'),
    [`Devices!E2 target_version: no image in the Images sheet is version 17.9.5a (the row's image "cat9k_iosxe.17.09.05.SPA.bin" is 17.9.5, Images row 2)`]],
  // The target is listed, as another file: this row picked the wrong image.
  ['the image of another version when the target has its own', () => {
    const s = base();
    s.Images.push(['iosxe', '17.12.4', 'cat9k_iosxe.17.12.04.SPA.bin', 'b'.repeat(32), null, 1000, 'C9300-*']);
    return set(s, 'Devices', 2, 'target_version', '17.12.4');
  }, [`Devices!F2 image: "cat9k_iosxe.17.09.05.SPA.bin" is version 17.9.5 (Images row 2), not target_version 17.12.4 (that is "cat9k_iosxe.17.12.04.SPA.bin", Images row 3)`]],
  ['text that is not a date', () => set(base(), 'Devices', 2, 'window_start', 'tomorrow'),
    [`Devices!M2 window_start: "tomorrow" is not a date-time (use 2026-11-22 01:00, optionally with an offset like +01:00)`]],
  ['impossible calendar date', () => set(base(), 'Devices', 2, 'window_end', '2026-02-30 05:00'),
    [`Devices!N2 window_end: "2026-02-30 05:00" is not a valid calendar date-time`]],
  ['window ends before it starts', () => set(base(), 'Devices', 2, 'window_end', '2026-12-05 00:30'),
    [`Devices!N2 window_end: ends before or when the window starts (window_start)`]],
  ['hostname with a space', () => set(base(), 'Devices', 2, 'hostname', 'sw 1'),
    [`Devices!A2 hostname: "sw 1" is not a valid hostname (letters, digits, ".", "_", "-"; at most 63)`]],
  ['row without hostname', () => set(base(), 'Devices', 3, 'hostname', null),
    [`Devices!A3 hostname: is required`]],
  ['enabled row without host', () => set(base(), 'Devices', 2, 'host', null),
    [`Devices!B2 host: is required`]],
  ['iosxe row without target version', () => set(base(), 'Devices', 2, 'target_version', null),
    [`Devices!E2 target_version: is required for iosxe rows`]],
  ['iosxe row without image', () => set(base(), 'Devices', 3, 'image', null),
    [`Devices!F3 image: is required for iosxe rows`]],
  ['via names an unknown row', () => set(base(), 'Devices', 3, 'via', 'jump-9'),
    [`Devices!K3 via: "jump-9" is not a hostname in this sheet`]],
  ['via names the wrong kind of row', () => set(base(), 'Devices', 3, 'via', 'pano'),
    [`Devices!K3 via: "pano" has platform panorama; iosxe rows go through a jumphost row`]],
  ['HA peer on another platform', () => set(base(), 'Devices', 5, 'ha_peer', 'sw-1'),
    [`Devices!J4 ha_peer: "fw-b" names "sw-1" as its peer, not "fw-a"`, `Devices!J5 ha_peer: "sw-1" has platform iosxe; an HA peer must be panos`]],
  ['enabled is not yes/no', () => set(base(), 'Devices', 2, 'enabled', 'maybe'),
    [`Devices!O2 enabled: "maybe" is not yes or no`]],
  ['wave is not a number', () => set(base(), 'Devices', 3, 'wave', 'first'),
    [`Devices!I3 wave: "first" is not a wave number`]],
  ['credential name with a space', () => set(base(), 'Devices', 4, 'credential', 'fw team'),
    [`Devices!L4 credential: "fw team" is not a credentials entry name (letters, digits, ".", "_", "-")`]],
  ['Images sheet missing', () => { const s = base(); delete (s as Partial<Sheets>).Images; return s; },
    ['Images: sheet is missing (iosxe rows need their image listed there)',
     'Devices!F2 image: "cat9k_iosxe.17.09.05.SPA.bin" is not listed in the Images sheet',
     'Devices!F3 image: "cat9k_iosxe.17.09.05.SPA.bin" is not listed in the Images sheet']],
  ['bad md5', () => { const s = base(); s.Images[1][3] = 'xyz'; return s; },
    ['Images!D2 md5: "xyz" is not an MD5 digest (32 hex digits)']],
  ['image without any digest', () => { const s = base(); s.Images[1][3] = null; return s; },
    ['Images!D2 md5: an md5 or sha512 digest is required to verify the image']],
  ['unknown setting', () => { const s = base(); s.Settings.push(['concurency', 5]); return s; },
    [`Settings!A3 concurency: unknown setting (known: ${SETTINGS_KNOWN})`]],
  ['bad duration', () => { const s = base(); s.Settings.push(['reload_timeout', 'soon']); return s; },
    ['Settings!B3 reload_timeout: "soon" is not a duration (use 40, 40 s, 3 min or 1 h)']],
  ['percentage above 100', () => { const s = base(); s.Settings.push(['max_failure_percent', 150]); return s; },
    ['Settings!B3 max_failure_percent: "150" is not a percentage from 0 to 100 (use 20 or 20%)']],
  ['unknown transfer method', () => { const s = base(); s.Settings.push(['transfer', 'ftp']); return s; },
    ['Settings!B3 transfer: "ftp" is not one of http, scp']],
  ['many problems, all reported together', () => {
    const s = base();
    set(s, 'Devices', 2, 'platform', 'nxos');
    set(s, 'Devices', 3, 'port', 0);
    set(s, 'Devices', 4, 'target_version', 'latest');
    s.Settings.push(['canary', -1]);
    return s;
  }, [
    'Devices!D2 platform: "nxos" is not one of iosxe, panos, panorama, jumphost',
    'Devices!C3 port: 0 is not a port from 1 to 65535',
    'Devices!E4 target_version: "latest" is not a PAN-OS version (e.g. 11.1.4-h7)',
    'Settings!B3 canary: "-1" is not a whole number from 1 to 100000',
  ]],
];

describe('invalid workbooks', () => {
  const dir = tempDir();
  it.each(cases)('%s', async (name, make, expected) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.xlsx`);
    await buildWorkbook(file, make());
    const before = sha256(file);
    let error: unknown;
    try {
      await importWorkbook(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InventoryError);
    expect((error as InventoryError).issues).toEqual(expected);
    expect(sha256(file)).toBe(before);
  });

  it('refuses a file that is not a workbook, naming it', async () => {
    const file = join(dir, 'notes.xlsx');
    writeFileSync(file, 'hostname,host\nsw-1,10.0.0.1\n');
    await expect(importWorkbook(file)).rejects.toThrow(/notes\.xlsx is not an \.xlsx workbook/);
  });

  it('refuses a missing file', async () => {
    await expect(importWorkbook(join(dir, 'nope.xlsx'))).rejects.toThrow(/cannot read workbook .*nope\.xlsx: ENOENT/);
  });
});
