// Reads and writes of the state database. Nothing here ever stores a secret:
// rows come from the workbook (which holds none) and from device facts.
import type { Statement } from 'better-sqlite3';
import { hostname } from 'node:os';
import type { DB } from './db.js';
import { formatLocal } from './dates.js';
import { mask, maskJson } from '../common/secrets.js';
import { STATUS_COLUMNS, UPGRADABLE, type DeviceRow, type DeviceStatus, type Inventory, type StatusColumn } from './types.js';
import type { AuditRow, DeviceState, JournalEntry, SnapshotPhase, StatePatch } from './state-rows.js';

export type { AuditRow, DeviceState, JournalEntry, SnapshotPhase, StatePatch } from './state-rows.js';

const now = () => new Date().toISOString();

export class StateStore {
  /** Prepared statements by SQL text: preparing costs more than running, and a run repeats a few dozen statements thousands of times. */
  private readonly statements = new Map<string, Statement>();
  /** Upsert texts of updateState, by the columns it sets. */
  private readonly upserts = new Map<string, string>();

  /** The session's secrets, masked in every text this store writes (the drivers mask what they know; this catches the rest). */
  private secrets: () => readonly string[] = () => [];

  constructor(readonly db: DB) {}

  /** From now on, every text written is masked with the secrets `list` returns at the time. */
  maskWith(list: () => readonly string[]): void {
    this.secrets = list;
  }

  private clean(text: string | null): string | null {
    const s = this.secrets();
    return text === null || s.length === 0 ? text : mask(text, s);
  }

  /** JSON of a value, masked; null for undefined. */
  private json(value: unknown): string | null {
    if (value === undefined) return null;
    const s = this.secrets();
    const text = JSON.stringify(value);
    return s.length === 0 ? text : maskJson(text, s);
  }

  private sql(text: string): Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  /** Upsert devices by hostname; a changed row is kept in device_history. */
  syncInventory(inv: Inventory): { importId: number; added: number; changed: number; removed: number } {
    return this.db.transaction(() => {
      const importId = Number(this.sql('INSERT INTO imports (at, workbook, devices) VALUES (?, ?, ?)').run(now(), inv.file, inv.devices.length).lastInsertRowid);
      const get = this.sql('SELECT row_json FROM devices WHERE hostname = ?');
      const insert = this.sql('INSERT INTO devices (hostname, platform, row_json, sheet_row, enabled, first_import, last_import) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const update = this.sql('UPDATE devices SET hostname = ?, platform = ?, row_json = ?, sheet_row = ?, enabled = ?, last_import = ?, removed = 0 WHERE hostname = ?');
      const history = this.sql('INSERT INTO device_history (hostname, import_id, row_json) VALUES (?, ?, ?)');
      const ensureState = this.sql(`INSERT INTO device_state (hostname, status, updated_at) VALUES (?, ?, ?) ON CONFLICT(hostname) DO NOTHING`);
      const skip = this.sql(`UPDATE device_state SET status = 'skipped', step = NULL, message = 'disabled in the workbook', updated_at = ? WHERE hostname = ? AND status NOT IN ('running')`);
      const unskip = this.sql(`UPDATE device_state SET status = 'pending', message = NULL, updated_at = ? WHERE hostname = ? AND status = 'skipped'`);
      let added = 0;
      let changed = 0;
      for (const d of inv.devices) {
        const json = JSON.stringify(d);
        const prev = get.get(d.hostname) as { row_json: string } | undefined;
        if (!prev) {
          insert.run(d.hostname, d.platform, json, d.row, d.enabled ? 1 : 0, importId, importId);
          history.run(d.hostname, importId, json);
          added++;
        } else {
          if (prev.row_json !== json) {
            history.run(d.hostname, importId, json);
            changed++;
          }
          update.run(d.hostname, d.platform, json, d.row, d.enabled ? 1 : 0, importId, d.hostname);
        }
        // Helper rows (panorama, jumphost) are never upgraded: they carry no status.
        if (!UPGRADABLE.includes(d.platform)) continue;
        ensureState.run(d.hostname, d.enabled ? 'pending' : 'skipped', now());
        if (!d.enabled) skip.run(now(), d.hostname);
        else unskip.run(now(), d.hostname);
      }
      const removed = this.sql('UPDATE devices SET removed = 1 WHERE last_import <> ? AND removed = 0').run(importId).changes;
      return { importId, added, changed, removed };
    })();
  }

  deviceRows(): DeviceRow[] {
    const rows = this.sql('SELECT row_json FROM devices WHERE removed = 0 ORDER BY sheet_row').all() as { row_json: string }[];
    return rows.map((r) => {
      const d = JSON.parse(r.row_json) as DeviceRow;
      d.windowStart = d.windowStart ? new Date(d.windowStart) : null;
      d.windowEnd = d.windowEnd ? new Date(d.windowEnd) : null;
      return d;
    });
  }

  state(hostname: string): DeviceState | undefined {
    return this.sql('SELECT * FROM device_state WHERE hostname = ?').get(hostname) as DeviceState | undefined;
  }

  states(): DeviceState[] {
    return this.sql(`SELECT s.* FROM device_state s JOIN devices d ON d.hostname = s.hostname WHERE d.removed = 0 ORDER BY d.sheet_row`).all() as DeviceState[];
  }

  updateState(hostname: string, patch: StatePatch): void {
    const keys = Object.keys(patch) as (keyof StatePatch)[];
    if (keys.length === 0) return;
    // One upsert; its text is built once per set of columns (this runs on every step).
    const cols = keys.join(', ');
    let text = this.upserts.get(cols);
    if (!text) {
      text = `INSERT INTO device_state (hostname, updated_at, ${cols}) VALUES (@hostname, @updated_at, ${keys.map((k) => `@${k}`).join(', ')}) ON CONFLICT(hostname) DO UPDATE SET ${keys.map((k) => `${k} = excluded.${k}`).join(', ')}, updated_at = excluded.updated_at`;
      this.upserts.set(cols, text);
    }
    const row: Record<string, unknown> = { ...patch, hostname, updated_at: now() };
    for (const k of keys) if (typeof row[k] === 'string') row[k] = this.clean(row[k] as string);
    this.sql(text).run(row);
  }

  /** The cells write-back puts in the workbook, per hostname. */
  statusCells(): Map<string, Partial<Record<StatusColumn, string | null>>> {
    const out = new Map<string, Partial<Record<StatusColumn, string | null>>>();
    for (const s of this.states()) {
      const cells: Partial<Record<StatusColumn, string | null>> = {};
      for (const c of STATUS_COLUMNS) cells[c] = (s as unknown as Record<string, string | null>)[c] ?? null;
      cells.started_at = s.started_at ? formatLocal(new Date(s.started_at)) : null;
      cells.finished_at = s.finished_at ? formatLocal(new Date(s.finished_at)) : null;
      out.set(s.hostname.toLowerCase(), cells);
    }
    return out;
  }

  saveFacts(hostname: string, facts: unknown): void {
    this.sql('INSERT INTO facts (hostname, collected_at, facts_json) VALUES (?, ?, ?)').run(hostname, now(), this.json(facts));
  }

  latestFacts<T>(hostname: string): { collectedAt: string; facts: T } | null {
    const row = this.sql('SELECT collected_at, facts_json FROM facts WHERE hostname = ? ORDER BY id DESC LIMIT 1').get(hostname) as { collected_at: string; facts_json: string } | undefined;
    return row ? { collectedAt: row.collected_at, facts: JSON.parse(row.facts_json) as T } : null;
  }

  /** A run's record: who (the OS user), where (host and pid) and for which change ticket. */
  startRun(command: string, operator: string, options: unknown, changeId: string | null = null): number {
    return Number(this.sql('INSERT INTO runs (command, started_at, os_user, pid, options_json, host, change_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(command, now(), operator, process.pid, JSON.stringify(options), hostname(), changeId).lastInsertRowid);
  }

  endRun(runId: number, outcome: string): void {
    this.sql('UPDATE runs SET ended_at = ?, outcome = ? WHERE id = ?').run(now(), outcome, runId);
  }

  savePlan(runId: number, hostname: string, steps: { kind: string; gate: string | null; commands: string[] }[]): void {
    const del = this.sql('DELETE FROM plan_steps WHERE run_id = ? AND hostname = ?');
    const ins = this.sql('INSERT INTO plan_steps (run_id, hostname, seq, kind, gate, commands_json) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      del.run(runId, hostname);
      steps.forEach((s, i) => ins.run(runId, hostname, i, s.kind, s.gate, this.json(s.commands)));
    })();
  }

  /** Journal a step before it touches the device. Returns the entry id. */
  beginStep(e: { runId: number; hostname: string; step: string; key: string; targetVersion: string | null; disruptive: boolean; detail?: unknown }): number {
    return this.db.transaction(() => Number(this.sql(`INSERT INTO journal (run_id, hostname, step, idempotency_key, target_version, disruptive, started_at, detail_json, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(e.runId, e.hostname, e.step, e.key, e.targetVersion, e.disruptive ? 1 : 0, now(), this.json(e.detail), this.nextSeq()).lastInsertRowid))();
  }

  private nextSeq(): number {
    return Number(this.sql('INSERT INTO audit_seq (at) VALUES (?)').run(now()).lastInsertRowid);
  }

  endStep(id: number, outcome: 'ok' | 'failed' | 'skipped' | 'interrupted' | 'reconciled', message: string | null, detail?: unknown, sent?: string[]): void {
    this.sql('UPDATE journal SET ended_at = ?, outcome = ?, message = ?, detail_json = COALESCE(?, detail_json), sent_json = COALESCE(?, sent_json) WHERE id = ?')
      .run(now(), outcome, this.clean(message), this.json(detail), this.json(sent), id);
  }

  /** Records that this state belongs to the workbook (see ownership.ts). */
  claimOwner(workbook: string, identity: string | null): void {
    this.sql(`INSERT INTO owner (id, workbook, identity, claimed_at) VALUES (1, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET workbook = excluded.workbook, identity = excluded.identity, claimed_at = excluded.claimed_at`).run(workbook, identity, now());
  }

  /**
   * Non-disruptive steps a crash left `started`: nothing needs observing
   * (they are simply run again), so they are closed as interrupted. Disruptive
   * ones stay open for the engine to reconcile against the device. Run only
   * while holding the state lock, when no other process can have a step open.
   */
  closeInterruptedSteps(): number {
    return this.sql(`UPDATE journal SET outcome = 'interrupted', ended_at = ?, message = ? WHERE outcome = 'started' AND disruptive = 0`)
      .run(now(), 'interrupted: upshift stopped (crash or kill) before this step ended; it runs again when needed').changes;
  }

  /** Steps started and never ended (a crash, a kill, a power cut). */
  openSteps(hostname?: string): JournalEntry[] {
    const sql = `SELECT * FROM journal WHERE outcome = 'started'${hostname ? ' AND hostname = ?' : ''} ORDER BY id`;
    return (hostname ? this.sql(sql).all(hostname) : this.sql(sql).all()) as JournalEntry[];
  }

  journal(hostname: string): JournalEntry[] {
    return this.sql('SELECT * FROM journal WHERE hostname = ? ORDER BY id').all(hostname) as JournalEntry[];
  }

  lastStep(hostname: string, step: string, targetVersion: string | null): JournalEntry | undefined {
    return this.sql('SELECT * FROM journal WHERE hostname = ? AND step = ? AND target_version IS ? ORDER BY id DESC LIMIT 1').get(hostname, step, targetVersion) as JournalEntry | undefined;
  }

  recordApproval(a: { runId: number; hostname: string; kind: string; step: string; decision: 'approved' | 'refused' | 'held'; operator: string; source: string; commands: string[] }): void {
    // An approval carries its run's change ticket.
    this.db.transaction(() => this.sql('INSERT INTO approvals (run_id, hostname, kind, step, decision, operator, source, at, commands_json, seq, change_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT change_id FROM runs WHERE id = ?))')
      .run(a.runId, a.hostname, a.kind, a.step, a.decision, a.operator, a.source, now(), this.json(a.commands), this.nextSeq(), a.runId))();
  }

  saveSnapshot(hostname: string, phase: SnapshotPhase, targetVersion: string | null, runId: number | null, data: unknown): void {
    this.sql('INSERT INTO snapshots (run_id, hostname, phase, target_version, taken_at, data_json) VALUES (?, ?, ?, ?, ?, ?)')
      .run(runId, hostname, phase, targetVersion, now(), this.json(data));
  }

  latestSnapshot<T>(hostname: string, phase: SnapshotPhase, targetVersion: string | null): T | null {
    const row = this.sql('SELECT data_json FROM snapshots WHERE hostname = ? AND phase = ? AND target_version IS ? ORDER BY id DESC LIMIT 1').get(hostname, phase, targetVersion) as { data_json: string } | undefined;
    return row ? (JSON.parse(row.data_json) as T) : null;
  }

  appendEvent(runId: number | null, type: string, hostname: string | null, data: unknown): void {
    this.appendEvents(runId, [{ type, hostname, data }]);
  }

  /** Several events in one transaction. */
  appendEvents(runId: number | null, events: { type: string; hostname: string | null; data: unknown }[]): void {
    const insert = this.sql('INSERT INTO events (run_id, at, type, hostname, data_json) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const e of events) insert.run(runId, (e.data as { at?: string } | null)?.at ?? now(), e.type, e.hostname, this.json(e.data));
    })();
  }

  /** One row per journaled step and per approval, oldest first (the export's Audit sheet). */
  auditRows(): AuditRow[] {
    const rows = this.sql(`
      SELECT j.hostname AS device, j.step AS step, j.started_at AS start, j.ended_at AS "end",
             j.outcome AS outcome, r.os_user AS operator, COALESCE(j.message, '') AS message, j.seq AS seq
        FROM journal j JOIN runs r ON r.id = j.run_id
      UNION ALL
      SELECT a.hostname, 'approval: ' || a.kind, a.at, a.at, a.decision, a.operator,
             a.source || ' · ' || a.step, a.seq
        FROM approvals a
      ORDER BY seq`).all() as (AuditRow & { seq: number })[];
    return rows.map(({ device, step, start, end, outcome, operator, message }) => ({ device, step, start, end, outcome, operator, message }));
  }

  counts(): Map<DeviceStatus, number> {
    const out = new Map<DeviceStatus, number>();
    for (const s of this.states()) out.set(s.status, (out.get(s.status) ?? 0) + 1);
    return out;
  }
}
