// Import and validate the inventory workbook (docs/workbook.md). Every problem is
// collected and reported together, cell by cell; nothing is written anywhere
// until the whole workbook is valid.
import { WorkbookFileError, XlsxPackage } from './xlsx/package.js';
import { cellText, percentStyles, readSharedStrings, readSheetCells, type SheetCells } from './xlsx/sheet-read.js';
import { createdAt, workbookIdentity } from './workbook-identity.js';
import { DEFAULT_SETTINGS, SETTING_DEFS } from './settings.js';
import { readPaths } from './paths-sheet.js';
import { DEVICE_FIELDS, IMAGE_FIELDS, REQUIRED_DEVICE_FIELDS, crossCheck, readDevices, readImages } from './inventory-rows.js';
import { Issues, findHeader } from './sheet-table.js';
import { headerKey, type ImageRow, type Inventory, type Settings } from './types.js';

export class InventoryError extends Error {
  constructor(readonly issues: string[]) {
    super(`the workbook has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
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
  const devicesTable = findHeader(devicesSheet.name, devicesSheet.cells, DEVICE_FIELDS, issues, REQUIRED_DEVICE_FIELDS);
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
