// The change record as the state database keeps it: each run with its ticket,
// host, pid and user; the Audit sheet's rows (every step, every approval, and
// one result row per device with its versions before and after).
import type { DB } from './db.js';

export interface RunRecord {
  id: number;
  command: string;
  startedAt: string;
  endedAt: string | null;
  outcome: string | null;
  user: string;
  pid: number;
  host: string | null;
  changeId: string | null;
  /** What the runner saved of its waves and settings (see engine/forecast.ts RunPlan). */
  plan: unknown;
}

/** Whether the database has the change-record columns (an older upshift's database, opened read-only, may not). */
export function hasChangeRecords(db: DB): boolean {
  return (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).some((c) => c.name === 'change_id');
}

type RunRow = { id: number; command: string; started_at: string; ended_at: string | null; outcome: string | null; os_user: string; pid: number; host?: string | null; change_id?: string | null; plan_json?: string | null };

const toRecord = (r: RunRow): RunRecord => ({
  id: r.id, command: r.command, startedAt: r.started_at, endedAt: r.ended_at, outcome: r.outcome, user: r.os_user, pid: r.pid,
  host: r.host ?? null, changeId: r.change_id ?? null, plan: r.plan_json ? JSON.parse(r.plan_json) : null,
});

export function runRecords(db: DB): RunRecord[] {
  return (db.prepare('SELECT * FROM runs ORDER BY id').all() as RunRow[]).map(toRecord);
}

export function runRecord(db: DB, id: number): RunRecord | null {
  const r = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return r ? toRecord(r) : null;
}

/** The latest run that upgrades (a run, not a check or stage), or null. */
export function latestUpgradeRun(db: DB): RunRecord | null {
  const r = db.prepare(`SELECT * FROM runs WHERE command = 'run' ORDER BY id DESC LIMIT 1`).get() as RunRow | undefined;
  return r ? toRecord(r) : null;
}

export function saveRunPlan(db: DB, runId: number, plan: unknown): void {
  if (!hasChangeRecords(db)) return;
  db.prepare('UPDATE runs SET plan_json = ? WHERE id = ?').run(JSON.stringify(plan), runId);
}

/** "run 12 on nochost pid 4242 alice": which upshift did it. */
export function runLabel(r: { id: number; host: string | null; pid: number; user: string }): string {
  return `run ${r.id} on ${r.host ?? 'unknown host'} pid ${r.pid} ${r.user}`;
}

/**
 * The version each device ran before upshift changed it: the previous version of
 * its latest activation plan; a device never activated still runs what it ran.
 */
export function versionsBefore(db: DB): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const rows = db.prepare(`SELECT hostname, json_extract(detail_json, '$.plan.previousVersion') AS before FROM journal
    WHERE (step = 'activate' OR step LIKE 'activate %') AND detail_json IS NOT NULL ORDER BY id`).all() as { hostname: string; before: string | null }[];
  for (const r of rows) out.set(r.hostname.toLowerCase(), r.before);
  for (const s of db.prepare('SELECT hostname, current_version FROM device_state').all() as { hostname: string; current_version: string | null }[]) {
    if (!out.has(s.hostname.toLowerCase())) out.set(s.hostname.toLowerCase(), s.current_version);
  }
  return out;
}

export interface ChangeAuditRow {
  device: string;
  step: string;
  start: Date | null;
  end: Date | null;
  outcome: string;
  operator: string;
  message: string;
  versionBefore: string | null;
  versionAfter: string | null;
  change: string | null;
  run: string;
}

const date = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * Every journaled step and every approval, oldest first, then one `result`
 * row per device: its status, why (the reason code and message), and its
 * versions before and after. Each row names its run (host, pid, user) and change.
 */
export function changeAuditRows(db: DB): ChangeAuditRow[] {
  const records = hasChangeRecords(db);
  const runs = new Map(runRecords(db).map((r) => [r.id, r]));
  const label = (id: number | null) => (id !== null && runs.has(id) ? runLabel(runs.get(id)!) : '');
  const change = (id: number | null) => (id !== null ? runs.get(id)?.changeId ?? null : null);
  type Row = { device: string; step: string; start: string; end: string | null; outcome: string; operator: string; message: string; commands: string | null; run_id: number; approval_change: string | null };
  const rows = db.prepare(`
    SELECT j.hostname AS device, j.step AS step, j.started_at AS start, j.ended_at AS "end", j.outcome AS outcome,
           r.os_user AS operator, COALESCE(j.message, '') AS message, NULL AS commands, j.run_id AS run_id, NULL AS approval_change, j.seq AS seq
      FROM journal j JOIN runs r ON r.id = j.run_id
    UNION ALL
    SELECT a.hostname, 'approval: ' || a.kind, a.at, a.at, a.decision, a.operator, a.source || ' · ' || a.step, a.commands_json,
           a.run_id, ${records ? 'a.change_id' : 'NULL'}, a.seq
      FROM approvals a
    ORDER BY seq`).all() as Row[];
  const withCommands = (r: Row) => {
    const cmds = r.commands ? (JSON.parse(r.commands) as string[]) : [];
    return cmds.length ? `${r.message} · ${cmds.join('; ')}` : r.message;
  };
  const out: ChangeAuditRow[] = rows.map((r) => ({
    device: r.device, step: r.step, start: date(r.start), end: date(r.end), outcome: r.outcome, operator: r.operator, message: withCommands(r),
    versionBefore: null, versionAfter: null, change: r.approval_change ?? change(r.run_id), run: label(r.run_id),
  }));
  const before = versionsBefore(db);
  type State = { hostname: string; status: string; reason: string | null; message: string | null; step: string | null; current_version: string | null; started_at: string | null; finished_at: string | null; last_run: number | null };
  const states = db.prepare(`
    SELECT s.hostname, s.status, s.reason, s.message, s.step, s.current_version, s.started_at, s.finished_at,
           (SELECT MAX(run_id) FROM journal j WHERE j.hostname = s.hostname) AS last_run
      FROM device_state s JOIN devices d ON d.hostname = s.hostname WHERE d.removed = 0 ORDER BY d.sheet_row`).all() as State[];
  for (const s of states) {
    const why = [s.reason, s.step && s.status !== 'upgraded' ? `at ${s.step}` : null].filter(Boolean).join(' ');
    out.push({
      device: s.hostname, step: 'result', start: date(s.started_at), end: date(s.finished_at), outcome: s.status,
      operator: s.last_run !== null ? runs.get(s.last_run)?.user ?? '' : '', message: [why, s.message].filter(Boolean).join(': '),
      versionBefore: before.get(s.hostname.toLowerCase()) ?? s.current_version, versionAfter: s.current_version, change: change(s.last_run), run: label(s.last_run),
    });
  }
  return out;
}

/** "+01:00": the local zone's offset from UTC at that moment (Excel dates carry none). */
export function utcOffset(d: Date): string {
  const min = -d.getTimezoneOffset();
  const abs = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
