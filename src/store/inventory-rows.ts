// The Devices and Images sheets, row by row: each cell checked against a strict
// pattern (cells reach device commands), then the rows against each other.
import { z } from 'zod';
import { cellText, type Cell } from './xlsx/sheet-read.js';
import { cellToDate } from './dates.js';
import {
  CREDENTIAL_NAME, HOSTNAME, IMAGE_FILE, IOSXE_VERSION, MD5, MODEL_PATTERN, PANOS_VERSION, SHA512, isHost, normalizeVersion,
} from './patterns.js';
import { dataRows, rowReader, type Issues, type Table } from './sheet-table.js';
import { PLATFORMS, type DeviceRow, type ImageRow, type Platform } from './types.js';

export const DEVICE_FIELDS = [
  'hostname', 'host', 'port', 'platform', 'target_version', 'image', 'site', 'role', 'group', 'wave',
  'ha_peer', 'via', 'credential', 'window_start', 'window_end', 'enabled', 'notes',
] as const;
type DeviceField = (typeof DEVICE_FIELDS)[number];
export const REQUIRED_DEVICE_FIELDS: DeviceField[] = ['hostname', 'host', 'platform'];
export const IMAGE_FIELDS = ['platform', 'version', 'file', 'md5', 'sha512', 'size', 'models'] as const;
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

export function readDevices(table: Table, date1904: boolean, issues: Issues): DeviceRow[] {
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

export function readImages(table: Table, issues: Issues): ImageRow[] {
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

export function crossCheck(sheet: string, devices: DeviceRow[], images: ImageRow[], imagesSheet: string, columns: Map<string, number>, issues: Issues) {
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
        // Name the cell that is likely wrong: a target no image has (a typo such as 17.9.5a) is the
        // target_version's fault; a target other images have means this row picked the wrong image.
        const ofTarget = images.find((i) => i.platform === 'iosxe' && i.version === d.targetVersion);
        if (ofTarget) issues.at(sheet, d.row, col('image'), 'image', `${quoted(d.image)} is version ${img.version} (${imagesSheet} row ${img.row}), not target_version ${d.targetVersion} (that is ${quoted(ofTarget.file)}, ${imagesSheet} row ${ofTarget.row})`);
        else issues.at(sheet, d.row, col('target_version'), 'target_version', `no image in the ${imagesSheet} sheet is version ${d.targetVersion} (the row's image ${quoted(d.image)} is ${img.version}, ${imagesSheet} row ${img.row})`);
      }
    }
  }
}
