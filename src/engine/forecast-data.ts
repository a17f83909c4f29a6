// The forecast's inputs, read from the state database: the run's waves (saved
// by the runner), the step durations of this run and earlier ones per
// platform and plan kind, and where each device of the run is now.
import { hostname } from 'node:os';
import type { DB } from '../store/db.js';
import { latestUpgradeRun, runRecord, type RunRecord } from '../store/records.js';
import { DONE_OUTCOMES, fleetState, planKindsAsOf, runSteps, stepDurations, stepSequences } from '../store/step-history.js';
import { forecast, profileKey, type DeviceProgress, type Forecast, type History, type RunPlan, type StepMean } from './forecast.js';
import { endsDevice } from './status.js';

/** Mean step durations per profile (this run's where it has some, earlier runs' otherwise) and each profile's step sequence. */
export function stepHistory(db: DB, runId: number): History {
  const means = new Map<string, Map<string, StepMean>>();
  for (const r of stepDurations(db, runId).sort((a, b) => Number(a.thisRun) - Number(b.thisRun))) {
    const key = profileKey(r.platform, r.kind);
    if (!means.has(key)) means.set(key, new Map());
    // Tonight's durations (this run) replace earlier runs' for the same step.
    means.get(key)!.set(r.step, { ms: Math.max(0, r.ms), samples: r.n });
  }
  // Each profile's sequence: the device-run with the most steps done (a finished one has them all), latest first.
  const sequences = new Map<string, string[]>();
  for (const r of stepSequences(db)) {
    const key = profileKey(r.platform, r.kind);
    if (!sequences.has(key)) sequences.set(key, r.steps);
  }
  return { means, sequences };
}

/** Where each device of the run is: ended, the steps done in this run, the one under way. */
export function progressOf(db: DB, run: RunRecord, plan: RunPlan): Map<string, DeviceProgress> {
  const out = new Map<string, DeviceProgress>();
  const runStart = Date.parse(run.startedAt);
  const byHost = new Map(fleetState(db).map((r) => [r.hostname.toLowerCase(), r]));
  const kinds = planKindsAsOf(db, run.id);
  for (const h of plan.waves.flat(2)) {
    const r = byHost.get(h.toLowerCase());
    if (!r) continue;
    // A status left from an earlier run says nothing about this one until the run touches the device.
    const touched = r.updatedAt !== null && Date.parse(r.updatedAt) >= runStart;
    const ended = touched && r.status !== null && endsDevice(r.status, 'run') && r.reason !== 'waiting-approval';
    out.set(h.toLowerCase(), {
      hostname: r.hostname, platform: r.platform, kind: kinds.get(h.toLowerCase()) ?? null, ended, done: [], current: null,
      finishedAt: ended && r.finishedAt ? Date.parse(r.finishedAt) : null, windowEnd: r.windowEnd ? Date.parse(r.windowEnd) : null,
    });
  }
  const done: readonly string[] = DONE_OUTCOMES;
  for (const j of runSteps(db, run.id)) {
    const d = out.get(j.hostname.toLowerCase());
    if (!d) continue;
    if (done.includes(j.outcome)) d.done.push(j.step);
    d.current = j.outcome === 'started' ? { step: j.step, startedAt: Date.parse(j.startedAt) } : null;
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
