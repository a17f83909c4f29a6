// Which workbook a state database belongs to. Recorded in its `owner` table
// when a run takes it; a database from before that table (schema 1) belongs to
// the workbook of its latest import. Read without writing anything.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

export interface StateOwner {
  workbook: string;
  identity: string | null;
  /** `owner`: claimed by a run; `imports`: inferred from an older database. */
  source: 'owner' | 'imports';
}

/** The owner of the database file, or null when it names no workbook yet (or does not exist). */
export function readOwner(dbFile: string): StateOwner | null {
  if (!existsSync(dbFile)) return null;
  const db = openWithoutSideFiles(dbFile);
  try {
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name));
    if (tables.has('owner')) {
      const row = db.prepare('SELECT workbook, identity FROM owner WHERE id = 1').get() as { workbook: string; identity: string | null } | undefined;
      if (row) return { ...row, source: 'owner' };
    }
    if (tables.has('imports')) {
      const row = db.prepare('SELECT workbook FROM imports ORDER BY id DESC LIMIT 1').get() as { workbook: string } | undefined;
      if (row) return { workbook: row.workbook, identity: null, source: 'imports' };
    }
    return null;
  } finally {
    db.close();
  }
}

/**
 * A read-only connection that creates nothing beside the file. SQLite would
 * create the -wal and -shm files to read a database in WAL mode whose writer
 * has closed: such a file (upshift switches back to a rollback journal on
 * close, but an older upshift did not) is read from memory instead, when small.
 */
export function openWithoutSideFiles(dbFile: string): Database.Database {
  const header = Buffer.alloc(20);
  const fd = openSync(dbFile, 'r');
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  const walMode = header[18] === 2;
  if (walMode && !existsSync(`${dbFile}-wal`) && statSync(dbFile).size <= 64 * 1024 * 1024) {
    const bytes = readFileSync(dbFile);
    // The header's read/write versions say WAL; an in-memory copy reads it as a rollback-journal file.
    bytes[18] = 1;
    bytes[19] = 1;
    return new Database(bytes, { readonly: true });
  }
  return new Database(dbFile, { readonly: true, fileMustExist: true });
}
