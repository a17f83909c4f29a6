// Write-back (docs/workbook.md): re-read the workbook, change only upshift's columns on
// matching hostnames (creating the columns after the last one if missing),
// keep every other part and cell as it is, replace the file atomically.
import { XlsxPackage } from './xlsx/package.js';
import { readSharedStrings } from './xlsx/sheet-read.js';
import { scanSheet } from './xlsx/sheet-scan.js';
import { spliceCells, type CellWrite, type SkippedWrite } from './xlsx/sheet-write.js';
import { columnLetters } from './xlsx/cellref.js';
import { STATUS_COLUMNS, headerKey, type StatusColumn } from './types.js';
import { WriteBackThread, type ExportDone } from './writeback-thread.js';

export type StatusUpdates = Map<string, Partial<Record<StatusColumn, string | null>>>;

export interface WriteBackResult {
  rowsUpdated: number;
  columnsCreated: StatusColumn[];
  skipped: string[];
  unmatched: string[];
}

const WIDTHS: Record<StatusColumn, number> = {
  status: 16, step: 14, current_version: 16, model: 16, serial: 14, readiness: 24,
  precheck: 36, postcheck: 36, started_at: 19, finished_at: 19, message: 60,
};

const STATUS_KEYS = new Map(STATUS_COLUMNS.map((c) => [headerKey(c), c]));

/** Applies the updates to the Devices sheet of an opened package (not saved). */
export function applyStatusUpdates(pkg: XlsxPackage, updates: StatusUpdates): WriteBackResult {
  const sheet = pkg.findSheet('Devices');
  if (!sheet) throw new Error(`${pkg.file} has no Devices sheet any more`);
  const xml = pkg.text(sheet.part);
  const columns = new Map<StatusColumn, number>();
  const scan = scanSheet(xml, readSharedStrings(pkg), (text) => headerKey(text) === 'hostname', (header) => {
    for (const cell of header) {
      const ours = STATUS_KEYS.get(headerKey(cell.text));
      if (ours && !columns.has(ours)) columns.set(ours, cell.col);
    }
    return columns.size > 0 ? Math.min(...columns.values()) : Infinity;
  });
  if (scan.headerRow === 0) throw new Error(`${pkg.file}: the Devices sheet no longer has a hostname column in its first 10 rows`);

  const writes: CellWrite[] = [];
  const created: StatusColumn[] = [];
  const widths = new Map<number, number>();
  const lastHeader = scan.header.reduce((a, c) => (c.col > a.col ? c : a), scan.header[0]);
  let lastCol = scan.lastCol;
  for (const c of STATUS_COLUMNS) {
    if (columns.has(c)) continue;
    const col = ++lastCol;
    columns.set(c, col);
    created.push(c);
    widths.set(col, WIDTHS[c]);
    writes.push({ row: scan.headerRow, col, text: c, style: lastHeader?.style });
  }

  const unmatched = new Set(updates.keys());
  let rowsUpdated = 0;
  for (const row of scan.rows) {
    if (row.row === scan.headerRow) continue;
    const host = row.key.trim().toLowerCase();
    const update = updates.get(host);
    if (!update) continue;
    unmatched.delete(host);
    let changed = false;
    for (const [name, value] of Object.entries(update) as [StatusColumn, string | null | undefined][]) {
      if (value === undefined) continue;
      const col = columns.get(name)!;
      const current = row.cells.find((c) => c.col === col)?.text ?? '';
      if ((value ?? '') === current) continue;
      writes.push({ row: row.row, col, text: value === '' ? null : value });
      changed = true;
    }
    if (changed) rowsUpdated++;
  }
  let skipped: SkippedWrite[] = [];
  if (writes.length > 0) {
    const result = spliceCells(xml, scan, writes, widths);
    skipped = result.skipped;
    pkg.setText(sheet.part, result.xml);
  }
  return {
    rowsUpdated,
    columnsCreated: created,
    skipped: skipped.map((s) => `${sheet.name}!${columnLetters(s.col)}${s.row}: ${s.reason}`),
    unmatched: [...unmatched],
  };
}

/**
 * Re-reads the file, applies the updates and replaces it atomically; with
 * `backup`, the file as read is kept first as <name>.bak.xlsx.
 */
export async function writeBack(file: string, updates: StatusUpdates, { backup = true } = {}): Promise<WriteBackResult & { backedUp: boolean }> {
  const pkg = await XlsxPackage.open(file);
  const result = applyStatusUpdates(pkg, updates);
  const saved = pkg.changedParts().length > 0 ? pkg.save(file, { backup }) : { backedUp: false };
  return { ...result, backedUp: saved.backedUp };
}

/**
 * During a run the workbook is written at most every `intervalMs` and once
 * more at the end, in a worker thread (the main thread only asks). The first
 * write of a session keeps the workbook as it was as <name>.bak.xlsx; later
 * writes of that session leave that backup alone. A failed write is reported
 * and retried later; the status stays in SQLite meanwhile (docs/workbook.md).
 */
export class DebouncedWriteBack {
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  private dirty = false;
  private backedUp = false;
  private readonly thread = new WriteBackThread();
  lastError: string | null = null;
  /** Writes done (for the benches and the log). */
  written = 0;

  /**
   * @param source the cells to write: a function (run on the main thread) or
   *   the state database, which the worker thread reads itself
   */
  constructor(
    private readonly file: string,
    private readonly source: (() => StatusUpdates) | { stateDb: string },
    private readonly onError: (message: string) => void,
    private readonly intervalMs = 3000,
  ) {}

  request(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, wait);
    this.timer.unref?.();
  }

  /** Writes now if anything changed; resolves false when the write failed. */
  async flush(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
    return this.dirty ? this.write() : this.lastError === null;
  }

  /** flush(), then ends the worker thread. */
  async close(): Promise<boolean> {
    const ok = await this.flush();
    await this.thread.close();
    return ok;
  }

  private inFlight: Promise<boolean> = Promise.resolve(true);

  /** The workbook with its status and an Audit sheet, written to `out` in the same thread (state from the database). */
  exportTo(out: string): Promise<ExportDone> {
    if (typeof this.source === 'function') return Promise.reject(new Error('export needs the state database as the source'));
    return this.thread.run({ kind: 'export', file: this.file, out, stateDb: this.source.stateDb });
  }

  private write(): Promise<boolean> {
    this.inFlight = this.inFlight.then(() => this.writeNow());
    return this.inFlight;
  }

  private async writeNow(): Promise<boolean> {
    this.dirty = false;
    this.lastWrite = Date.now();
    try {
      const fromDb = typeof this.source === 'function' ? null : this.source.stateDb;
      const updates = typeof this.source === 'function' ? this.source() : null;
      const r = await this.thread.run({ kind: 'write', file: this.file, updates, stateDb: fromDb, backup: !this.backedUp });
      if (r.backedUp) this.backedUp = true;
      this.written++;
      this.lastError = null;
      return true;
    } catch (err) {
      this.dirty = true;
      this.lastError = (err as Error).message;
      this.onError(`workbook not updated (${this.lastError}); the status is kept in the state database and will be written at the next chance`);
      return false;
    }
  }
}
