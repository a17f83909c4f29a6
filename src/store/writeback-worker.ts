// The write-back's thread: re-reading, splicing and zipping a 10,000-row
// workbook takes a few hundred milliseconds, which on the main thread would
// freeze the console. The status cells are read here too, through a read-only
// connection to the state database, so the main thread only posts a request.
// The console's export (workbook plus Audit sheet) runs here for the same reason.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { StateStore } from './state.js';
import { exportWorkbook } from './export.js';
import { changeAuditRows } from './records.js';
import { writeBack, type StatusUpdates } from './writeback.js';

export interface WriteJob {
  id: number;
  kind: 'write';
  file: string;
  /** The cells to write; when null they are read from `stateDb`. */
  updates: StatusUpdates | null;
  stateDb: string | null;
  backup: boolean;
}

/** The workbook with its status and an Audit sheet, written to `out`; the state is read from `stateDb`. */
export interface ExportJob {
  id: number;
  kind: 'export';
  file: string;
  out: string;
  stateDb: string;
}

// This thread yields the processor to the console: on Linux a thread has its own nice value
// (found through /proc/thread-self). Off the main thread the write-back no longer blocks
// it, but on a busy two-core machine it still competed with it for CPU time.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  // not Linux, or not allowed: the default priority
}

const stores = new Map<string, StateStore>();

function store(file: string): StateStore {
  let s = stores.get(file);
  if (!s) {
    s = new StateStore(new Database(file, { readonly: true, fileMustExist: true }));
    stores.set(file, s);
  }
  return s;
}

// Jobs run one after the other; a close waits for the one in progress.
let chain: Promise<void> = Promise.resolve();

parentPort!.on('message', (msg: WriteJob | ExportJob | { close: true }) => {
  if ('close' in msg) {
    chain = chain.then(() => {
      for (const s of stores.values()) s.db.close();
      stores.clear();
      parentPort!.close();
    });
    return;
  }
  chain = chain.then(async () => {
    try {
      let result: unknown;
      if (msg.kind === 'export') {
        const s = store(msg.stateDb);
        result = await exportWorkbook(msg.file, msg.out, s.statusCells(), changeAuditRows(s.db));
      } else {
        result = await writeBack(msg.file, msg.updates ?? store(msg.stateDb!).statusCells(), { backup: msg.backup });
      }
      parentPort!.postMessage({ id: msg.id, ok: true, result });
    } catch (err) {
      parentPort!.postMessage({ id: msg.id, ok: false, message: (err as Error).message });
    }
  });
});
