// Which workbook a state database belongs to. Recorded in its `owner` table
// when a run takes it; a database from before that table (schema 1) belongs to
// the workbook of its latest import. Read without writing anything.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';

export interface StateOwner {
  workbook: string;
  identity: string | null;
  /** `owner`: claimed by a run; `imports`: inferred from an older database. */
  source: 'owner' | 'imports';
}

/** The owner of the database file, or null when it names no workbook yet (or does not exist). */
export function readOwner(dbFile: string): StateOwner | null {
  if (!existsSync(dbFile)) return null;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
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
 * What stays the same when a workbook is moved, renamed or rewritten by
 * upshift: when it was created (docProps/core.xml) and which hostnames it lists.
 * A copy edited into another fleet lists other hostnames.
 */
export function workbookIdentity(created: string | null, hostnames: string[]): string {
  const text = `${created ?? ''}\n${hostnames.map((h) => h.toLowerCase()).sort().join('\n')}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
