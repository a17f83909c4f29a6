// What the journal says about step durations and progress, for the forecast
// (engine/forecast-data.ts, engine/forecast-live.ts): the queries live here so
// the engine never writes SQL against the state database's tables.
import type { DB } from './db.js';
import type { DeviceStatus } from './types.js';

/** Outcomes that count as a step done. */
export const DONE_OUTCOMES = ['ok', 'skipped', 'reconciled'] as const;
const DONE = `(${DONE_OUTCOMES.map((o) => `'${o}'`).join(', ')})`;
const MS = `(julianday(j.ended_at) - julianday(j.started_at)) * 86400000.0`;
const ACTIVATION = `(step = 'activate' OR step LIKE 'activate %') AND detail_json IS NOT NULL`;
/** The plan kind of each device in each run, from its activation's journaled plan. */
const KINDS = `SELECT run_id, hostname, json_extract(detail_json, '$.plan.kind') AS kind FROM journal
  WHERE ${ACTIVATION} GROUP BY run_id, hostname`;

export interface StepDurationRow { platform: string; kind: string; step: string; thisRun: boolean; n: number; ms: number }

/** Mean duration of each step done, per platform and plan kind, split into this run's and earlier runs'. */
export function stepDurations(db: DB, runId: number): StepDurationRow[] {
  const rows = db.prepare(`WITH kinds AS (${KINDS})
    SELECT d.platform AS platform, k.kind AS kind, j.step AS step, (j.run_id = ?) AS this_run, COUNT(*) AS n, AVG(${MS}) AS ms
      FROM journal j JOIN devices d ON d.hostname = j.hostname JOIN kinds k ON k.run_id = j.run_id AND k.hostname = j.hostname
     WHERE j.outcome IN ${DONE} AND j.ended_at IS NOT NULL
     GROUP BY d.platform, k.kind, j.step, this_run`).all(runId) as { platform: string; kind: string; step: string; this_run: number; n: number; ms: number }[];
  return rows.map((r) => ({ platform: r.platform, kind: r.kind, step: r.step, thisRun: r.this_run === 1, n: r.n, ms: r.ms }));
}

/** The steps done by each device in each run (with its platform and plan kind), most steps first, latest first among equals. */
export function stepSequences(db: DB): { platform: string; kind: string; steps: string[] }[] {
  const runs = db.prepare(`WITH kinds AS (${KINDS})
    SELECT d.platform AS platform, k.kind AS kind, j.run_id AS run_id, j.hostname AS hostname, COUNT(*) AS n, MAX(j.id) AS last
      FROM journal j JOIN devices d ON d.hostname = j.hostname JOIN kinds k ON k.run_id = j.run_id AND k.hostname = j.hostname
     WHERE j.outcome IN ${DONE}
     GROUP BY j.run_id, j.hostname ORDER BY n DESC, last DESC`).all() as { platform: string; kind: string; run_id: number; hostname: string }[];
  const steps = db.prepare(`SELECT step FROM journal WHERE run_id = ? AND hostname = ? AND outcome IN ${DONE} ORDER BY id`).pluck();
  return runs.map((r) => ({ platform: r.platform, kind: r.kind, steps: steps.all(r.run_id, r.hostname) as string[] }));
}

export interface FleetStateRow { hostname: string; platform: string; windowEnd: string | null; status: DeviceStatus | null; reason: string | null; updatedAt: string | null; finishedAt: string | null }

/** Every device with its window end and its latest status. */
export function fleetState(db: DB): FleetStateRow[] {
  type Row = { hostname: string; platform: string; row_json: string; status: DeviceStatus | null; reason: string | null; updated_at: string | null; finished_at: string | null };
  const rows = db.prepare(`SELECT d.hostname, d.platform, d.row_json, s.status, s.reason, s.updated_at, s.finished_at FROM devices d LEFT JOIN device_state s ON s.hostname = d.hostname`).all() as Row[];
  return rows.map((r) => ({
    hostname: r.hostname, platform: r.platform, windowEnd: (JSON.parse(r.row_json) as { windowEnd?: string | null }).windowEnd ?? null,
    status: r.status, reason: r.reason, updatedAt: r.updated_at, finishedAt: r.finished_at,
  }));
}

/** The plan kind of each device as of a run: the latest run's kind up to and including it. */
export function planKindsAsOf(db: DB, runId: number): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const k of db.prepare(`SELECT * FROM (${KINDS}) WHERE run_id <= ? ORDER BY run_id`).all(runId) as { hostname: string; kind: string }[]) {
    kinds.set(k.hostname.toLowerCase(), k.kind);
  }
  return kinds;
}

/** A device's latest journaled plan kind, or null before its first activation. */
export function latestPlanKind(db: DB): (hostname: string) => string | null {
  const latest = db.prepare(`SELECT json_extract(detail_json, '$.plan.kind') FROM journal WHERE hostname = ? AND ${ACTIVATION} ORDER BY id DESC LIMIT 1`).pluck();
  return (h) => (latest.get(h) as string | undefined) ?? null;
}

/** A run's journal in order: host, step, outcome, start. */
export function runSteps(db: DB, runId: number): { hostname: string; step: string; outcome: string; startedAt: string }[] {
  const rows = db.prepare(`SELECT hostname, step, outcome, started_at FROM journal WHERE run_id = ? ORDER BY id`).all(runId) as { hostname: string; step: string; outcome: string; started_at: string }[];
  return rows.map((r) => ({ hostname: r.hostname, step: r.step, outcome: r.outcome, startedAt: r.started_at }));
}
