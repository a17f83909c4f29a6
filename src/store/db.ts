// The state database: <state>/upshift.db (SQLite, WAL). The schema version is
// PRAGMA user_version; MIGRATIONS[i] takes a database from version i to i+1.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type DB = Database.Database;

/** Exported for tests that build a database as an older upshift left it. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    workbook TEXT NOT NULL,
    devices INTEGER NOT NULL
  );
  CREATE TABLE devices (
    hostname TEXT PRIMARY KEY COLLATE NOCASE,
    platform TEXT NOT NULL,
    row_json TEXT NOT NULL,
    sheet_row INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    first_import INTEGER NOT NULL REFERENCES imports(id),
    last_import INTEGER NOT NULL REFERENCES imports(id),
    removed INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE device_history (
    id INTEGER PRIMARY KEY,
    hostname TEXT NOT NULL COLLATE NOCASE,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    row_json TEXT NOT NULL
  );
  CREATE TABLE device_state (
    hostname TEXT PRIMARY KEY COLLATE NOCASE,
    status TEXT NOT NULL DEFAULT 'pending',
    step TEXT,
    message TEXT,
    readiness TEXT,
    precheck TEXT,
    postcheck TEXT,
    current_version TEXT,
    model TEXT,
    serial TEXT,
    started_at TEXT,
    finished_at TEXT,
    target_version TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    hostname TEXT NOT NULL COLLATE NOCASE,
    collected_at TEXT NOT NULL,
    facts_json TEXT NOT NULL
  );
  CREATE INDEX facts_by_host ON facts(hostname, id);
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT,
    os_user TEXT NOT NULL,
    pid INTEGER NOT NULL,
    options_json TEXT NOT NULL
  );
  CREATE TABLE plan_steps (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    hostname TEXT NOT NULL COLLATE NOCASE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    gate TEXT,
    commands_json TEXT NOT NULL,
    PRIMARY KEY (run_id, hostname, seq)
  );
  CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    hostname TEXT NOT NULL COLLATE NOCASE,
    step TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    target_version TEXT,
    disruptive INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'started',
    message TEXT,
    detail_json TEXT,
    seq INTEGER NOT NULL
  );
  CREATE INDEX journal_by_host ON journal(hostname, id);
  CREATE INDEX journal_by_key ON journal(idempotency_key);
  CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    hostname TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL,
    step TEXT NOT NULL,
    decision TEXT NOT NULL,
    operator TEXT NOT NULL,
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    commands_json TEXT NOT NULL,
    seq INTEGER NOT NULL
  );
  -- One order for the journal and the approvals, which the Audit sheet interleaves.
  CREATE TABLE audit_seq (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);
  CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    run_id INTEGER,
    hostname TEXT NOT NULL COLLATE NOCASE,
    phase TEXT NOT NULL,
    target_version TEXT,
    taken_at TEXT NOT NULL,
    data_json TEXT NOT NULL
  );
  CREATE INDEX snapshots_by_host ON snapshots(hostname, phase, id);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    run_id INTEGER,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    hostname TEXT COLLATE NOCASE,
    data_json TEXT NOT NULL
  );
  CREATE INDEX events_by_run ON events(run_id, id);
  `,
  `
  -- The workbook this state belongs to: its absolute path, and an identity read from
  -- the file without changing it (creation time and hostnames), to recognise it moved.
  CREATE TABLE owner (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    workbook TEXT NOT NULL,
    identity TEXT,
    claimed_at TEXT NOT NULL
  );
  `,
  // Why a device ended where it did (a code, never parsed from the message); what each step sent.
  `
  ALTER TABLE device_state ADD COLUMN reason TEXT;
  ALTER TABLE journal ADD COLUMN sent_json TEXT;
  `,
  // The change record: the ticket a run and its approvals belong to, where the run ran
  // (host; pid and user are already there), and its waves and settings (the forecast and
  // the change summary read them back without the workbook).
  `
  ALTER TABLE runs ADD COLUMN change_id TEXT;
  ALTER TABLE runs ADD COLUMN host TEXT;
  ALTER TABLE runs ADD COLUMN plan_json TEXT;
  ALTER TABLE approvals ADD COLUMN change_id TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class StateDatabaseError extends Error {}

export function openDatabase(stateDir: string): DB {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, 'upshift.db');
  let db: DB;
  try {
    db = new Database(file);
  } catch (err) {
    throw new StateDatabaseError(`cannot open the state database ${file}: ${(err as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  // Back to a rollback journal when closed: the file alone is then the whole database, and a
  // read-only opener (status, the ownership check) needs no WAL side files, which it would
  // otherwise create in a state directory it must not write to.
  const close = db.close.bind(db);
  db.close = () => {
    if (db.open) {
      try {
        db.pragma('journal_mode = DELETE');
      } catch {
        // another connection is still reading: it stays in WAL mode, which is just as valid
      }
    }
    return close();
  };
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, file);
  return db;
}

export function migrate(db: DB, label = 'state database'): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StateDatabaseError(`${label} has schema version ${version}, newer than this upshift knows (${MIGRATIONS.length}); use a newer upshift`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
