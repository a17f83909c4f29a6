// Import and validate the inventory workbook (docs/workbook.md). Every problem is
// collected and reported together, cell by cell; nothing is written anywhere
// until the whole workbook is valid.
import { z } from 'zod';
import { cellRef } from './xlsx/cellref.js';
import { WorkbookFileError, XlsxPackage } from './xlsx/package.js';
import { cellText, percentStyles, readSharedStrings, readSheetCells, type Cell, type SheetCells } from './xlsx/sheet-read.js';
import { cellToDate } from './dates.js';
import { createdAt, workbookIdentity } from './workbook-identity.js';
import {
  CREDENTIAL_NAME, HOSTNAME, IMAGE_FILE, IOSXE_VERSION, MD5, MODEL_PATTERN, PANOS_VERSION, SHA512, isHost, normalizeVersion,
} from './patterns.js';
import { DEFAULT_SETTINGS, SETTING_DEFS } from './settings.js';
import { readPaths } from './paths-sheet.js';
import { PLATFORMS, STATUS_COLUMNS, headerKey, type DeviceRow, type ImageRow, type Inventory, type Platform, type Settings } from './types.js';

export class InventoryError extends Error {
  constructor(readonly issues: string[]) {
    super(`the workbook has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
}

class Issues {
  readonly list: string[] = [];
  at(sheet: string, row: number, col: number | null, field: string, message: string) {
    const where = col === null ? `${row}:${row}` : cellRef(row, col);
    this.list.push(`${sheet}!${where} ${field}: ${message}`);
  }
  sheet(sheet: string, message: string) {
    this.list.push(`${sheet}: ${message}`);
  }
}

const DEVICE_FIELDS = [
  'hostname', 'host', 'port', 'platform', 'target_version', 'image', 'site', 'role', 'group', 'wave',
  'ha_peer', 'via', 'credential', 'window_start', 'window_end', 'enabled', 'notes',
] as const;
type DeviceField = (typeof DEVICE_FIELDS)[number];
const REQUIRED_DEVICE_FIELDS: DeviceField[] = ['hostname', 'host', 'platform'];
const IMAGE_FIELDS = ['platform', 'version', 'file', 'md5', 'sha512', 'size', 'models'] as const;
type ImageField = (typeof IMAGE_FIELDS)[number];

const quoted = (v: unknown) => JSON.stringify(String(v));
const hostnameSchema = z.string().regex(HOSTNAME, { error: (i) => `${quoted(i.input)} is not a valid hostname (letters, digits, ".", "_", "-"; at most 63)` });
const hostSchema = z.string().refine(isHost, { error: (i) => `${quoted(i.input)} is not an IP address or DNS name` });
/** Whole numbers typed as text or stored as numbers; messages quote what was typed. */
function intSchema(min: number, max: number, notNumber: string, range: string) {
  return z.string()
    .regex(/^-?\d+(\.0+)?$/, { error: (i) => `${quoted(i.input)} ${notNumber}` })
    .transform((s) => Number(s))
    .pipe(z.number().min(min, { error: (i) => `${i.input} ${range}` }).max(max, { error: (i) => `${i.input} ${range}` }));
}
const portSchema = intSchema(1, 65535, 'is not a port number', 'is not a port from 1 to 65535');
const platformSchema = z.enum(PLATFORMS, { error: (i) => `${quoted(i.input)} is not one of ${PLATFORMS.join(', ')}` });
const iosxeVersionSchema = z.string().regex(IOSXE_VERSION, { error: (i) => `${quoted(i.input)} is not an IOS-XE version (e.g. 17.9.5 or 17.09.05a)` });
const panosVersionSchema = z.string().regex(PANOS_VERSION, { error: (i) => `${quoted(i.input)} is not a PAN-OS version (e.g. 11.1.4-h7)` });
const imageSchema = z.string().regex(IMAGE_FILE, { error: (i) => `${quoted(i.input)} is not an image file name (letters, digits, ".", "_", "-", ending in .bin)` });
const waveSchema = intSchema(0, 999, 'is not a wave number', 'is not a wave number from 0 to 999');
const credentialSchema = z.string().regex(CREDENTIAL_NAME, { error: (i) => `${quoted(i.input)} is not a credentials entry name (letters, digits, ".", "_", "-")` });
const enabledSchema = z.string().transform((s, ctx) => {
  const t = s.trim().toLowerCase();
  if (['', 'yes', 'y', 'true', '1'].includes(t)) return true;
  if (['no', 'n', 'false', '0'].includes(t)) return false;
  ctx.addIssue({ code: 'custom', message: `${quoted(s)} is not yes or no` });
  return z.NEVER;
});
const freeTextSchema = z.string().max(200, { error: 'is longer than 200 characters' }).refine((s) => !/[\u0000-\u001f]/.test(s), { error: 'contains control characters' });
const md5Schema = z.string().regex(MD5, { error: (i) => `${quoted(i.input)} is not an MD5 digest (32 hex digits)` });
const sha512Schema = z.string().regex(SHA512, { error: (i) => `${quoted(i.input)} is not a SHA-512 digest (128 hex digits)` });
const sizeSchema = intSchema(1, Number.MAX_SAFE_INTEGER, 'is not a size in bytes', 'is not a size in bytes');
const modelSchema = z.string().regex(MODEL_PATTERN, { error: (i) => `${quoted(i.input)} is not a model pattern (e.g. C9300-*)` });

interface Table {
  sheet: string;
  headerRow: number;
  columns: Map<string, number>;
  cells: SheetCells;
}

export async function importWorkbook(file: string): Promise<Inventory> {
  const issues = new Issues();
  let pkg: XlsxPackage;
  try {
    pkg = await XlsxPackage.open(file);
  } catch (err) {
    if (err instanceof WorkbookFileError) throw new InventoryError([err.message]);
    throw err;
  }
  const shared = readSharedStrings(pkg);
  const date1904 = pkg.date1904();
  const sheetCells = (name: string): { name: string; cells: SheetCells } | null => {
    const entry = pkg.findSheet(name);
    if (!entry || !pkg.has(entry.part)) return null;
    return { name: entry.name, cells: readSheetCells(pkg.text(entry.part), shared) };
  };

  const devicesSheet = sheetCells('Devices');
  if (!devicesSheet) {
    issues.sheet('Devices', 'sheet is missing (the workbook needs a Devices sheet)');
    throw new InventoryError(issues.list);
  }
  const devicesTable = findHeader(devicesSheet.name, devicesSheet.cells, DEVICE_FIELDS, issues);
  const devices = devicesTable ? readDevices(devicesTable, date1904, issues) : [];
  if (devicesTable && devices.length === 0 && !issues.list.some((i) => i.startsWith(`${devicesTable.sheet}!`))) {
    const first = devicesTable.headerRow + 1;
    issues.at(devicesTable.sheet, first, null, 'devices', `no device rows below the header (row ${devicesTable.headerRow}): nothing to do`);
  }

  const imagesSheet = sheetCells('Images');
  let images: ImageRow[] = [];
  if (imagesSheet) {
    const table = findHeader(imagesSheet.name, imagesSheet.cells, IMAGE_FIELDS, issues, ['platform', 'version', 'file']);
    if (table) images = readImages(table, issues);
  } else if (devices.some((d) => d.platform === 'iosxe' && d.enabled)) {
    issues.sheet('Images', 'sheet is missing (iosxe rows need their image listed there)');
  }

  const settingsSheet = sheetCells('Settings');
  const settings = settingsSheet ? readSettings(settingsSheet.name, settingsSheet.cells, percentStyles(pkg), issues) : { ...DEFAULT_SETTINGS };

  const pathsSheet = sheetCells('Paths');
  const paths = pathsSheet ? readPaths(pathsSheet.cells, (row, col, field, message) => issues.at(pathsSheet.name, row, col, field, message)) : [];

  if (devicesTable) crossCheck(devicesTable.sheet, devices, images, imagesSheet?.name ?? 'Images', devicesTable.columns, issues);
  if (issues.list.length > 0) throw new InventoryError(issues.list);
  return { file, devices, images, settings, date1904, paths, identity: workbookIdentity(createdAt(pkg), devices.map((d) => d.hostname)) };
}


/** The header row is the first of the first ten rows naming a required column. */
function findHeader(
  sheet: string, cells: SheetCells, fields: readonly string[], issues: Issues, required: readonly string[] = REQUIRED_DEVICE_FIELDS,
): Table | null {
  const known = new Map(fields.map((f) => [headerKey(f), f]));
  const ours = new Set<string>(STATUS_COLUMNS.map(headerKey));
  const firstRequired = headerKey(required[0]);
  let headerRow = 0;
  for (const r of [...cells.keys()].sort((a, b) => a - b)) {
    if (r > 10) break;
    const row = cells.get(r)!;
    if ([...row.values()].some((c) => headerKey(cellText(c.value)) === firstRequired)) {
      headerRow = r;
      break;
    }
  }
  if (headerRow === 0) {
    issues.sheet(sheet, `no header row with a "${required[0]}" column in the first 10 rows`);
    return null;
  }
  const columns = new Map<string, number>();
  const seen = new Map<string, number>();
  let ok = true;
  for (const [col, cell] of [...cells.get(headerRow)!].sort((a, b) => a[0] - b[0])) {
    const key = headerKey(cellText(cell.value));
    if (!key) continue;
    const field = known.get(key);
    if (seen.has(key) && (field || ours.has(key))) {
      issues.at(sheet, headerRow, col, field ?? cellText(cell.value), `duplicate column (also ${cellRef(headerRow, seen.get(key)!)})`);
      ok = false;
    }
    seen.set(key, col);
    if (field && !columns.has(field)) columns.set(field, col);
  }
  for (const field of required) {
    if (!columns.has(field)) {
      issues.at(sheet, headerRow, null, field, 'required column is missing');
      ok = false;
    }
  }
  return ok ? { sheet, headerRow, columns, cells } : null;
}

function dataRows(table: Table): number[] {
  return [...table.cells.keys()].filter((r) => r > table.headerRow).sort((a, b) => a - b);
}

/** Where a field's cell is, and its text parsed by a schema (a failure is reported at that cell). */
function rowReader<F extends string>(table: Table, r: number, text: (f: F) => string, issues: Issues) {
  const at = (f: F) => table.columns.get(f) ?? null;
  const field = <T>(f: F, schema: z.ZodType<T>): T | undefined => {
    const value = text(f);
    if (value === '') return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    issues.at(table.sheet, r, at(f), f, parsed.error.issues[0]?.message ?? 'is not valid');
    return undefined;
  };
  return { at, field };
}

function readDevices(table: Table, date1904: boolean, issues: Issues): DeviceRow[] {
  const out: DeviceRow[] = [];
  for (const r of dataRows(table)) {
    const row = table.cells.get(r)!;
    const get = (f: DeviceField): Cell | undefined => {
      const col = table.columns.get(f);
      return col === undefined ? undefined : row.get(col);
    };
    const text = (f: DeviceField) => cellText(get(f)?.value).trim();
    if (DEVICE_FIELDS.every((f) => text(f) === '')) continue; // blank row
    const { at, field } = rowReader<DeviceField>(table, r, text, issues);
    const enabled = field('enabled', enabledSchema) ?? true;
    const require = (f: DeviceField, why = 'is required') => {
      if (table.columns.has(f)) issues.at(table.sheet, r, at(f), f, why);
      else issues.at(table.sheet, r, null, f, `${why}, but the column is missing`);
    };
    const hostname = field('hostname', hostnameSchema);
    if (text('hostname') === '') require('hostname');
    let platform: Platform | undefined;
    if (text('platform') === '') require('platform');
    else {
      const parsed = platformSchema.safeParse(text('platform').toLowerCase());
      if (parsed.success) platform = parsed.data;
      else issues.at(table.sheet, r, at('platform'), 'platform', `${quoted(text('platform'))} is not one of ${PLATFORMS.join(', ')}`);
    }
    const host = field('host', hostSchema);
    if (enabled && text('host') === '') require('host');
    const port = field('port', portSchema);
    let targetVersion: string | null = null;
    if (platform === 'iosxe' || platform === 'panos') {
      const schema = platform === 'iosxe' ? iosxeVersionSchema : panosVersionSchema;
      const v = field('target_version', schema);
      targetVersion = v ? normalizeVersion(v) : null;
      if (enabled && text('target_version') === '') require('target_version', `is required for ${platform} rows`);
    }
    let image: string | null = null;
    if (platform === 'iosxe') {
      image = field('image', imageSchema) ?? null;
      if (enabled && text('image') === '') require('image', 'is required for iosxe rows');
    }
    const dateField = (f: DeviceField): Date | null => {
      const cell = get(f);
      if (!cell || cellText(cell.value).trim() === '') return null;
      const parsed = cellToDate(cell.value, date1904);
      if (parsed.ok) return parsed.date;
      issues.at(table.sheet, r, at(f), f, parsed.message);
      return null;
    };
    const windowStart = dateField('window_start');
    const windowEnd = dateField('window_end');
    if (windowStart && windowEnd && windowEnd <= windowStart) {
      issues.at(table.sheet, r, at('window_end'), 'window_end', 'ends before or when the window starts (window_start)');
    }
    const free = (f: DeviceField) => field(f, freeTextSchema) ?? null;
    if (!hostname || !platform) continue;
    out.push({
      hostname,
      host: host ?? '',
      port: port ?? null,
      platform,
      targetVersion,
      image,
      site: free('site'),
      role: free('role'),
      group: free('group'),
      wave: field('wave', waveSchema) ?? null,
      haPeer: field('ha_peer', hostnameSchema) ?? null,
      via: field('via', hostnameSchema) ?? null,
      credential: field('credential', credentialSchema) ?? 'default',
      windowStart,
      windowEnd,
      enabled,
      notes: text('notes') || null,
      row: r,
    });
  }
  return out;
}

function readImages(table: Table, issues: Issues): ImageRow[] {
  const out: ImageRow[] = [];
  const seen = new Map<string, number>();
  for (const r of dataRows(table)) {
    const row = table.cells.get(r)!;
    const text = (f: ImageField) => {
      const col = table.columns.get(f);
      return col === undefined ? '' : cellText(row.get(col)?.value).trim();
    };
    if (IMAGE_FIELDS.every((f) => text(f) === '')) continue;
    const { at, field } = rowReader<ImageField>(table, r, text, issues);
    const platformText = text('platform').toLowerCase();
    if (platformText !== 'iosxe' && platformText !== 'panos') {
      issues.at(table.sheet, r, at('platform'), 'platform', platformText ? `${quoted(text('platform'))} is not one of iosxe, panos` : 'is required');
      continue;
    }
    const versionSchema = platformText === 'iosxe' ? iosxeVersionSchema : panosVersionSchema;
    const version = field('version', versionSchema);
    if (text('version') === '') issues.at(table.sheet, r, at('version'), 'version', 'is required');
    const file = field('file', imageSchema);
    if (text('file') === '') issues.at(table.sheet, r, at('file'), 'file', 'is required');
    const md5 = field('md5', z.string().transform((s) => s.toLowerCase()).pipe(md5Schema));
    const sha512 = field('sha512', z.string().transform((s) => s.toLowerCase()).pipe(sha512Schema));
    if (platformText === 'iosxe' && !md5 && !sha512 && text('md5') === '' && text('sha512') === '') {
      issues.at(table.sheet, r, at('md5') ?? at('sha512'), 'md5', 'an md5 or sha512 digest is required to verify the image');
    }
    const size = field('size', sizeSchema);
    const models: string[] = [];
    for (const m of text('models').split(',').map((s) => s.trim()).filter(Boolean)) {
      const parsed = modelSchema.safeParse(m);
      if (parsed.success) models.push(m);
      else issues.at(table.sheet, r, at('models'), 'models', parsed.error.issues[0]?.message ?? 'is not valid');
    }
    if (file) {
      const prev = seen.get(file.toLowerCase());
      if (prev) issues.at(table.sheet, r, at('file'), 'file', `${quoted(file)} is listed twice (also row ${prev})`);
      seen.set(file.toLowerCase(), r);
    }
    if (!version || !file) continue;
    out.push({ platform: platformText, version: normalizeVersion(version), file, md5: md5 ?? null, sha512: sha512 ?? null, size: size ?? null, models, row: r });
  }
  return out;
}

function readSettings(sheet: string, cells: SheetCells, percent: Set<string>, issues: Issues): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const seen = new Map<string, number>();
  for (const r of [...cells.keys()].sort((a, b) => a - b)) {
    const row = cells.get(r)!;
    const keyText = cellText(row.get(1)?.value).trim();
    const key = headerKey(keyText);
    if (!key || key === 'key' || key === 'setting' || key === 'settings') continue;
    const def = SETTING_DEFS[key];
    if (!def) {
      issues.at(sheet, r, 1, keyText, `unknown setting (known: ${Object.values(SETTING_DEFS).map((d) => d.key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/_ms$/, '')).join(', ')})`);
      continue;
    }
    if (seen.has(key)) {
      issues.at(sheet, r, 1, keyText, `set twice (also row ${seen.get(key)})`);
      continue;
    }
    seen.set(key, r);
    const cell = row.get(2);
    const text = cellText(cell?.value).trim();
    if (text === '') continue; // empty value: the default applies
    const parsed = def.parse({
      text,
      number: cell?.value.t === 'number' ? cell.value.v : null,
      percentFormat: cell?.style !== undefined && percent.has(cell.style),
    });
    if (parsed.ok) (settings as unknown as Record<string, unknown>)[def.key] = parsed.value;
    else issues.at(sheet, r, 2, keyText, parsed.message);
  }
  return settings;
}

function crossCheck(sheet: string, devices: DeviceRow[], images: ImageRow[], imagesSheet: string, columns: Map<string, number>, issues: Issues) {
  const byName = new Map<string, DeviceRow>();
  const col = (f: DeviceField) => columns.get(f) ?? null;
  for (const d of devices) {
    const prev = byName.get(d.hostname.toLowerCase());
    if (prev) issues.at(sheet, d.row, col('hostname'), 'hostname', `${quoted(d.hostname)} is already used on row ${prev.row}`);
    else byName.set(d.hostname.toLowerCase(), d);
  }
  for (const d of devices) {
    if (d.via) {
      const helper = byName.get(d.via.toLowerCase());
      const want: Platform | null = d.platform === 'panos' ? 'panorama' : d.platform === 'iosxe' ? 'jumphost' : null;
      if (!want) issues.at(sheet, d.row, col('via'), 'via', `only iosxe and panos rows can go through another row`);
      else if (!helper) issues.at(sheet, d.row, col('via'), 'via', `${quoted(d.via)} is not a hostname in this sheet`);
      else if (helper.platform !== want) issues.at(sheet, d.row, col('via'), 'via', `${quoted(d.via)} has platform ${helper.platform}; ${d.platform} rows go through a ${want} row`);
    }
    if (d.haPeer) {
      const peer = byName.get(d.haPeer.toLowerCase());
      if (d.platform !== 'panos') issues.at(sheet, d.row, col('ha_peer'), 'ha_peer', 'only panos rows have an HA peer');
      else if (!peer) issues.at(sheet, d.row, col('ha_peer'), 'ha_peer', `${quoted(d.haPeer)} is not a hostname in this sheet`);
      else if (peer.hostname === d.hostname) issues.at(sheet, d.row, col('ha_peer'), 'ha_peer', 'a device cannot be its own HA peer');
      else if (peer.platform !== 'panos') issues.at(sheet, d.row, col('ha_peer'), 'ha_peer', `${quoted(d.haPeer)} has platform ${peer.platform}; an HA peer must be panos`);
      else if (peer.haPeer && peer.haPeer.toLowerCase() !== d.hostname.toLowerCase()) {
        issues.at(sheet, d.row, col('ha_peer'), 'ha_peer', `${quoted(d.haPeer)} names ${quoted(peer.haPeer)} as its peer, not ${quoted(d.hostname)}`);
      }
    }
    if (d.platform === 'iosxe' && d.image) {
      const img = images.find((i) => i.platform === 'iosxe' && i.file.toLowerCase() === d.image!.toLowerCase());
      if (!img) issues.at(sheet, d.row, col('image'), 'image', `${quoted(d.image)} is not listed in the ${imagesSheet} sheet`);
      else if (d.targetVersion && img.version !== d.targetVersion) {
        issues.at(sheet, d.row, col('image'), 'image', `${quoted(d.image)} is version ${img.version} (${imagesSheet} row ${img.row}), not target_version ${d.targetVersion}`);
      }
    }
  }
}
