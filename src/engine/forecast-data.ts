// The forecast's inputs, read from the state database: the run's waves (saved
// by the runner), the step durations of this run and earlier ones per
// platform and plan kind, and where each device of the run is now.
import { hostname } from 'node:os';
import type { DB } from '../store/db.js';
import { latestUpgradeRun, runRecord, type RunRecord } from '../store/records.js';
import type { DeviceStatus } from '../store/types.js';
import { forecast, profileKey, type DeviceProgress, type Forecast, type History, type RunPlan, type StepMean } from './forecast.js';
import { endsDevice } from './status.js';

const DONE = `('ok', 'skipped', 'reconciled')`;
const MS = `(julianday(j.ended_at) - julianday(j.started_at)) * 86400000.0`;
/** The plan kind of each device in each run, from its activation's journaled plan. */
const KINDS = `SELECT run_id, hostname, json_extract(detail_json, '$.plan.kind') AS kind FROM journal
  WHERE (step = 'activate' OR step LIKE 'activate %') AND detail_json IS NOT NULL GROUP BY run_id, hostname`;

/** Mean step durations per profile (this run's where it has some, earlier runs' otherwise) and each profile's step sequence. */
export function stepHistory(db: DB, runId: number): History {
  const rows = db.prepare(`WITH kinds AS (${KINDS})
    SELECT d.platform AS platform, k.kind AS kind, j.step AS step, (j.run_id = ?) AS this_run, COUNT(*) AS n, AVG(${MS}) AS ms
      FROM journal j JOIN devices d ON d.hostname = j.hostname JOIN kinds k ON k.run_id = j.run_id AND k.hostname = j.hostname
     WHERE j.outcome IN ${DONE} AND j.ended_at IS NOT NULL
     GROUP BY d.platform, k.kind, j.step, this_run`).all(runId) as { platform: string; kind: string; step: string; this_run: number; n: number; ms: number }[];
  const means = new Map<string, Map<string, StepMean>>();
  for (const r of rows.sort((a, b) => a.this_run - b.this_run)) {
    const key = profileKey(r.platform, r.kind);
    if (!means.has(key)) means.set(key, new Map());
    // Tonight's durations (this run) replace earlier runs' for the same step.
    means.get(key)!.set(r.step, { ms: Math.max(0, r.ms), samples: r.n });
  }
  // Each profile's sequence: the device-run with the most steps done (a finished one has them all), latest first.
  const runs = db.prepare(`WITH kinds AS (${KINDS})
    SELECT d.platform AS platform, k.kind AS kind, j.run_id AS run_id, j.hostname AS hostname, COUNT(*) AS n, MAX(j.id) AS last
      FROM journal j JOIN devices d ON d.hostname = j.hostname JOIN kinds k ON k.run_id = j.run_id AND k.hostname = j.hostname
     WHERE j.outcome IN ${DONE}
     GROUP BY j.run_id, j.hostname ORDER BY n DESC, last DESC`).all() as { platform: string; kind: string; run_id: number; hostname: string }[];
  const sequences = new Map<string, string[]>();
  const steps = db.prepare(`SELECT step FROM journal WHERE run_id = ? AND hostname = ? AND outcome IN ${DONE} ORDER BY id`).pluck();
  for (const r of runs) {
    const key = profileKey(r.platform, r.kind);
    if (!sequences.has(key)) sequences.set(key, steps.all(r.run_id, r.hostname) as string[]);
  }
  return { means, sequences };
}

/** Where each device of the run is: ended, the steps done in this run, the one under way. */
export function progressOf(db: DB, run: RunRecord, plan: RunPlan): Map<string, DeviceProgress> {
  const out = new Map<string, DeviceProgress>();
  const runStart = Date.parse(run.startedAt);
  type Row = { hostname: string; platform: string; row_json: string; status: DeviceStatus | null; reason: string | null; updated_at: string | null; finished_at: string | null };
  const rows = db.prepare(`SELECT d.hostname, d.platform, d.row_json, s.status, s.reason, s.updated_at, s.finished_at FROM devices d LEFT JOIN device_state s ON s.hostname = d.hostname`).all() as Row[];
  const byHost = new Map(rows.map((r) => [r.hostname.toLowerCase(), r]));
  const kinds = new Map<string, string>();
  for (const k of db.prepare(`SELECT * FROM (${KINDS}) WHERE run_id <= ? ORDER BY run_id`).all(run.id) as { run_id: number; hostname: string; kind: string }[]) {
    // The latest run's kind wins; this run's is the newest of all.
    kinds.set(k.hostname.toLowerCase(), k.kind);
  }
  for (const h of plan.waves.flat(2)) {
    const r = byHost.get(h.toLowerCase());
    if (!r) continue;
    const row = JSON.parse(r.row_json) as { windowEnd?: string | null };
    // A status left from an earlier run says nothing about this one until the run touches the device.
    const touched = r.updated_at !== null && Date.parse(r.updated_at) >= runStart;
    const ended = touched && r.status !== null && endsDevice(r.status, 'run') && r.reason !== 'waiting-approval';
    out.set(h.toLowerCase(), {
      hostname: r.hostname, platform: r.platform, kind: kinds.get(h.toLowerCase()) ?? null, ended, done: [], current: null,
      finishedAt: ended && r.finished_at ? Date.parse(r.finished_at) : null, windowEnd: row.windowEnd ? Date.parse(row.windowEnd) : null,
    });
  }
  const journal = db.prepare(`SELECT hostname, step, outcome, started_at FROM journal WHERE run_id = ? ORDER BY id`).all(run.id) as { hostname: string; step: string; outcome: string; started_at: string }[];
  for (const j of journal) {
    const d = out.get(j.hostname.toLowerCase());
    if (!d) continue;
    if (['ok', 'skipped', 'reconciled'].includes(j.outcome)) d.done.push(j.step);
    d.current = j.outcome === 'started' ? { step: j.step, startedAt: Date.parse(j.started_at) } : null;
  }
  return out;
}

export interface RunForecast {
  run: RunRecord;
  forecast: Forecast;
  /** The latest window end over the run's devices. */
  windowEnd: number | null;
}

/** The forecast of a run under way (the latest upgrade run when none is named), or null when there is none. */
export function forecastRun(db: DB, now = Date.now(), runId?: number): RunForecast | null {
  const run = runId !== undefined ? runRecord(db, runId) : latestUpgradeRun(db);
  if (!run || run.endedAt || !run.plan || !runLives(run)) return null;
  const plan = run.plan as RunPlan;
  if (plan.dryRun) return null;
  const devices = progressOf(db, run, plan);
  const f = forecast({ now, plan, devices, history: stepHistory(db, run.id) });
  const ends = [...devices.values()].map((d) => d.windowEnd).filter((t): t is number => t !== null);
  return { run, forecast: f, windowEnd: ends.length ? Math.max(...ends) : null };
}

/** A run never ended by a process that is gone (a crash, a kill -9) has no future to forecast. */
function runLives(run: RunRecord): boolean {
  if (run.host !== hostname()) return true;
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
