// An .xlsx file as a zip of parts. upshift never re-serialises the operator's
// workbook: it reads parts, changes the few it must, and writes every other
// part back with the same bytes.
import { readFile } from 'node:fs/promises';
import { writeFileSync, renameSync, openSync, fsyncSync, closeSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { Zip, type ZipInputFile } from 'fflate';
import yauzl from 'yauzl';
import { Parser } from 'htmlparser2';

export class WorkbookFileError extends Error {}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
const encoder = new TextEncoder();

export interface SheetEntry {
  name: string;
  sheetId: string;
  relId: string;
  part: string; // zip path, e.g. xl/worksheets/sheet1.xml
  state: string | null; // hidden / veryHidden
}

/** A zip entry as stored: untouched entries are written back with these very bytes. */
interface PartEntry {
  name: string;
  method: number; // 0 stored, 8 deflate
  crc: number;
  size: number;
  raw: Uint8Array | null; // compressed bytes as found in the file
  mtime: Date;
  data: Uint8Array | null; // uncompressed, once read or set
  changed: boolean;
}

export class XlsxPackage {
  private readonly entries: Map<string, PartEntry>;

  /** The file's bytes as read: the backup is made of these, so it is exactly what this write replaces. */
  private constructor(entries: Map<string, PartEntry>, readonly file: string, private readonly source: Uint8Array) {
    this.entries = entries;
  }

  static async open(file: string): Promise<XlsxPackage> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new WorkbookFileError(`cannot read workbook ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return XlsxPackage.fromBytes(bytes, file);
  }

  static async fromBytes(bytes: Buffer, file = '(memory)'): Promise<XlsxPackage> {
    if (bytes[0] === 0xd0 && bytes[1] === 0xcf) {
      throw new WorkbookFileError(`${file} is encrypted or in the old .xls format; save it as an unprotected .xlsx workbook`);
    }
    let entries: Map<string, PartEntry>;
    try {
      entries = await readEntries(bytes);
    } catch (err) {
      throw new WorkbookFileError(`${file} is not an .xlsx workbook (${(err as Error).message})`);
    }
    if (!entries.has('[Content_Types].xml') || !entries.has('xl/workbook.xml')) {
      throw new WorkbookFileError(`${file} is not an .xlsx workbook (no xl/workbook.xml part)`);
    }
    return new XlsxPackage(entries, file, bytes);
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }

  partNames(): string[] {
    return [...this.entries.keys()];
  }

  bytes(path: string): Uint8Array {
    const e = this.entries.get(path);
    if (!e) throw new WorkbookFileError(`${this.file}: part ${path} is missing`);
    if (!e.data) {
      const raw = e.raw ?? new Uint8Array();
      e.data = e.method === 0 ? raw : e.method === 8 ? inflateRawSync(raw) : unsupported(this.file, path, e.method);
    }
    return e.data;
  }

  text(path: string): string {
    try {
      return decoder.decode(this.bytes(path));
    } catch (err) {
      if (err instanceof WorkbookFileError) throw err;
      throw new WorkbookFileError(`${this.file}: part ${path} is not UTF-8 XML`);
    }
  }

  setText(path: string, text: string): void {
    const data = encoder.encode(text);
    const e = this.entries.get(path);
    if (e) Object.assign(e, { data, changed: true, raw: null, crc: crc32(data), size: data.length, mtime: new Date() });
    else this.entries.set(path, { name: path, method: 8, crc: crc32(data), size: data.length, raw: null, mtime: new Date(), data, changed: true });
  }

  changedParts(): string[] {
    return [...this.entries.values()].filter((e) => e.changed).map((e) => e.name);
  }
  /** workbook.xml's <workbookPr date1904="1"> switches the date epoch. */
  date1904(): boolean {
    let result = false;
    scanTags(this.text('xl/workbook.xml'), (name, attrs) => {
      if (name === 'workbookPr') result = attrs.date1904 === '1' || attrs.date1904 === 'true';
    });
    return result;
  }

  /** Relationships of a part: id → resolved zip path (and type). */
  relationships(part: string): Map<string, { target: string; type: string }> {
    const relsPath = posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
    const out = new Map<string, { target: string; type: string }>();
    if (!this.has(relsPath)) return out;
    scanTags(this.text(relsPath), (name, attrs) => {
      if (name !== 'Relationship' || !attrs.Id || !attrs.Target) return;
      if (attrs.TargetMode === 'External') return;
      const target = attrs.Target.startsWith('/')
        ? attrs.Target.slice(1)
        : posix.normalize(posix.join(posix.dirname(part), attrs.Target));
      out.set(attrs.Id, { target, type: attrs.Type ?? '' });
    });
    return out;
  }

  sheets(): SheetEntry[] {
    const rels = this.relationships('xl/workbook.xml');
    const sheets: SheetEntry[] = [];
    scanTags(this.text('xl/workbook.xml'), (name, attrs) => {
      if (name !== 'sheet') return;
      const relId = attrs['r:id'] ?? Object.entries(attrs).find(([k]) => k.endsWith(':id'))?.[1] ?? '';
      const rel = rels.get(relId);
      if (!rel) return;
      sheets.push({ name: attrs.name ?? '', sheetId: attrs.sheetId ?? '', relId, part: rel.target, state: attrs.state ?? null });
    });
    return sheets;
  }

  findSheet(name: string): SheetEntry | undefined {
    const wanted = name.toLowerCase();
    return this.sheets().find((s) => s.name.toLowerCase() === wanted);
  }

  sharedStringsPart(): string | null {
    for (const rel of this.relationships('xl/workbook.xml').values()) {
      if (rel.type.endsWith('/sharedStrings')) return rel.target;
    }
    return this.has('xl/sharedStrings.xml') ? 'xl/sharedStrings.xml' : null;
  }

  /**
   * Unchanged entries keep their compressed bytes; changed ones are deflated
   * with Node's zlib. Entry order is kept.
   */
  toBytes(): Uint8Array {
    const chunks: Uint8Array[] = [];
    let failure: Error | null = null;
    const zip = new Zip((err, chunk) => {
      if (err) failure = err;
      else chunks.push(chunk);
    });
    for (const e of this.entries.values()) {
      let raw = e.raw;
      let method = e.method;
      if (e.changed || raw === null) {
        raw = deflateRawSync(e.data ?? new Uint8Array(), { level: 6 });
        method = 8;
      }
      const file: ZipInputFile = { filename: e.name, size: e.size, crc: e.crc, compression: method, mtime: e.mtime };
      zip.add(file);
      file.ondata!(null, raw as Uint8Array<ArrayBuffer>, true);
    }
    zip.end();
    if (failure) throw failure;
    return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  }

  /**
   * Atomic replace: write a temporary file beside the target, fsync it, then
   * rename it over the target. With `backup`, the file as it was read is first
   * kept (atomically too) as <name>.bak.xlsx.
   */
  save(target = this.file, { backup = true } = {}): { backedUp: boolean } {
    const bytes = this.toBytes();
    const keep = backup && target === this.file;
    try {
      if (keep) writeAtomically(backupPath(target), this.source);
      writeAtomically(target, bytes);
    } catch (err) {
      throw new WorkbookFileError(`cannot write workbook ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return { backedUp: keep };
  }
}

function writeAtomically(target: string, bytes: Uint8Array): void {
  const tmp = join(dirname(target), `.${basename(target)}.upshift-${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    const fd = openSync(tmp, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written, or it is not ours to remove
    }
    throw err;
  }
}

export function backupPath(file: string): string {
  return file.replace(/\.xlsx$/i, '') + '.bak.xlsx';
}

function unsupported(file: string, path: string, method: number): never {
  throw new WorkbookFileError(`${file}: part ${path} uses zip compression method ${method}, which upshift cannot read`);
}

/** Reads the central directory with yauzl and keeps every entry's compressed bytes. */
function readEntries(bytes: Buffer): Promise<Map<string, PartEntry>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('unreadable zip'));
      const entries = new Map<string, PartEntry>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        if (entry.isEncrypted()) return reject(new Error(`entry ${entry.fileName} is encrypted`));
        zip.openReadStream(entry, { decompress: false }, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, {
              name: entry.fileName,
              method: entry.compressionMethod,
              crc: entry.crc32,
              size: entry.uncompressedSize,
              raw: Buffer.concat(parts),
              mtime: entry.getLastModDate(),
              data: null,
              changed: false,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Calls `visit` for every start tag, with the namespace prefix removed from the name. */
export function scanTags(xml: string, visit: (localName: string, attrs: Record<string, string>) => void): void {
  const parser = new Parser(
    { onopentag: (name, attrs) => visit(localName(name), attrs) },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
}

export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** Characters XML 1.0 cannot carry at all. */
export function stripInvalidXmlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}
