// Adds (or replaces) a worksheet that upshift writes itself, such as the
// export's Audit sheet, to an existing package without touching other sheets.
import { posix } from 'node:path';
import { cellRef, columnLetters } from './cellref.js';
import { escapeXml, stripInvalidXmlChars, type XlsxPackage } from './package.js';
import { appendChild, findElement, prefixOf } from './xml-edit.js';

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_WORKSHEET = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet';
const CT_WORKSHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';

/** A cell: text, a number, or a date-time (written as a real date: a serial number in local time with a date format). */
export type SimpleCell = string | number | Date | null;

export interface SimpleSheet {
  name: string;
  header: string[];
  rows: SimpleCell[][];
  widths: number[];
}

export function upsertSimpleSheet(pkg: XlsxPackage, sheet: SimpleSheet): string {
  const headerStyle = addHeaderStyle(pkg);
  const hasDates = sheet.rows.some((r) => r.some((v) => v instanceof Date));
  const dateStyle = hasDates ? addDateStyle(pkg) : undefined;
  const xml = simpleSheetXml(sheet, headerStyle, dateStyle === undefined ? undefined : { style: dateStyle, date1904: pkg.date1904() });
  const existing = pkg.findSheet(sheet.name);
  if (existing) {
    pkg.setText(existing.part, xml);
    return existing.part;
  }
  let n = 1;
  while (pkg.has(`xl/worksheets/sheet${n}.xml`)) n++;
  const part = `xl/worksheets/sheet${n}.xml`;
  pkg.setText(part, xml);

  // [Content_Types].xml
  const ctXml = pkg.text('[Content_Types].xml');
  const types = findElement(ctXml, 'Types')!;
  pkg.setText('[Content_Types].xml', appendChild(ctXml, types, `<${prefixOf(types.name)}Override PartName="/${part}" ContentType="${CT_WORKSHEET}"/>`).xml);

  // xl/_rels/workbook.xml.rels
  const relsPath = 'xl/_rels/workbook.xml.rels';
  const relsXml = pkg.text(relsPath);
  const used = new Set([...pkg.relationships('xl/workbook.xml').keys()]);
  let id = used.size + 1;
  while (used.has(`rId${id}`)) id++;
  const relsRoot = findElement(relsXml, 'Relationships')!;
  const target = posix.relative('xl', part);
  pkg.setText(relsPath, appendChild(relsXml, relsRoot, `<${prefixOf(relsRoot.name)}Relationship Id="rId${id}" Type="${REL_WORKSHEET}" Target="${target}"/>`).xml);

  // xl/workbook.xml: append to <sheets>, so existing sheet indexes stay valid.
  const wbXml = pkg.text('xl/workbook.xml');
  const root = findElement(wbXml, 'workbook')!;
  const relPrefix = Object.entries(root.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === NS_REL)?.[0].slice(6);
  const sheetsEl = findElement(wbXml, 'sheets')!;
  const maxId = Math.max(0, ...pkg.sheets().map((s) => Number(s.sheetId) || 0));
  const relAttr = relPrefix ? `${relPrefix}:id="rId${id}"` : `xmlns:r="${NS_REL}" r:id="rId${id}"`;
  const sheetTag = `<${prefixOf(sheetsEl.name)}sheet name="${escapeXml(sheet.name)}" sheetId="${maxId + 1}" ${relAttr}/>`;
  pkg.setText('xl/workbook.xml', appendChild(wbXml, sheetsEl, sheetTag).xml);
  return part;
}

/** A bold white-on-blue header style appended to styles.xml; returns its xf index. */
function addHeaderStyle(pkg: XlsxPackage): number | undefined {
  const part = 'xl/styles.xml';
  if (!pkg.has(part)) return undefined;
  let xml = pkg.text(part);
  const fonts = findElement(xml, 'fonts');
  const fills = findElement(xml, 'fills');
  if (!fonts || !fills || !findElement(xml, 'cellXfs')) return undefined;
  const p = prefixOf(fonts.name);
  const font = appendChild(xml, fonts, `<${p}font><${p}b/><${p}sz val="11"/><${p}color rgb="FFFFFFFF"/><${p}name val="Calibri"/></${p}font>`);
  xml = font.xml;
  const fill = appendChild(xml, findElement(xml, 'fills')!, `<${p}fill><${p}patternFill patternType="solid"><${p}fgColor rgb="FF1F4E78"/><${p}bgColor indexed="64"/></${p}patternFill></${p}fill>`);
  xml = fill.xml;
  const xf = appendChild(xml, findElement(xml, 'cellXfs')!, `<${p}xf numFmtId="0" fontId="${font.index}" fillId="${fill.index}" borderId="0" xfId="0" applyFont="1" applyFill="1"/>`);
  pkg.setText(part, xf.xml);
  return xf.index;
}

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * A date-time style (numFmt yyyy-mm-dd hh:mm:ss) appended to styles.xml; returns its xf index.
 * numFmts is the first child of styleSheet, so it is created there when missing.
 */
function addDateStyle(pkg: XlsxPackage): number | undefined {
  const part = 'xl/styles.xml';
  if (!pkg.has(part)) return undefined;
  let xml = pkg.text(part);
  const root = findElement(xml, 'styleSheet');
  if (!root || !findElement(xml, 'cellXfs')) return undefined;
  const p = prefixOf(root.name);
  const numFmts = findElement(xml, 'numFmts');
  const ids = numFmts ? [...xml.slice(numFmts.openStart, numFmts.closeStart).matchAll(/numFmtId="(\d+)"/g)].map((m) => Number(m[1])) : [];
  const id = Math.max(163, ...ids) + 1;
  const fmt = `<${p}numFmt numFmtId="${id}" formatCode="${DATE_FORMAT}"/>`;
  if (numFmts) xml = appendChild(xml, numFmts, fmt).xml;
  else xml = xml.slice(0, root.openEnd) + `<${p}numFmts count="1">${fmt}</${p}numFmts>` + xml.slice(root.openEnd);
  const xf = appendChild(xml, findElement(xml, 'cellXfs')!, `<${p}xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`);
  pkg.setText(part, xf.xml);
  return xf.index;
}

/** Local wall-clock time as an Excel serial day number (Excel dates carry no zone). */
export function dateToSerial(d: Date, date1904 = false): number {
  const utc = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return Math.round(((utc - epoch) / 86_400_000) * 86_400) / 86_400;
}

function simpleSheetXml(sheet: SimpleSheet, headerStyle: number | undefined, dates?: { style: number; date1904: boolean }): string {
  const cell = (row: number, col: number, value: SimpleCell, style?: number) => {
    const s = style === undefined ? '' : ` s="${style}"`;
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return '';
      if (!dates) return cell(row, col, value.toISOString(), style);
      return `<c r="${cellRef(row, col)}" s="${dates.style}"><v>${dateToSerial(value, dates.date1904)}</v></c>`;
    }
    if (typeof value === 'number') return Number.isFinite(value) ? `<c r="${cellRef(row, col)}"${s}><v>${value}</v></c>` : '';
    if (value === null || value === '') return style === undefined ? '' : `<c r="${cellRef(row, col)}"${s}/>`;
    return `<c r="${cellRef(row, col)}"${s} t="inlineStr"><is><t xml:space="preserve">${escapeXml(stripInvalidXmlChars(value))}</t></is></c>`;
  };
  const rows: string[] = [];
  rows.push(`<row r="1">${sheet.header.map((h, i) => cell(1, i + 1, h, headerStyle)).join('')}</row>`);
  sheet.rows.forEach((values, i) => {
    rows.push(`<row r="${i + 2}">${values.map((v, j) => cell(i + 2, j + 1, v)).join('')}</row>`);
  });
  const lastRef = `${columnLetters(sheet.header.length)}${sheet.rows.length + 1}`;
  const cols = sheet.widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n`
    + `<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">`
    + `<dimension ref="A1:${lastRef}"/>`
    + `<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`
    + `<sheetFormatPr defaultRowHeight="15"/>`
    + `<cols>${cols}</cols>`
    + `<sheetData>${rows.join('')}</sheetData>`
    + `<autoFilter ref="A1:${lastRef}"/>`
    + `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>`
    + `</worksheet>`;
}
