// The forecast of the run this process is driving, kept up to date from the
// event bus (the console's header and the metrics ask for it often): earlier
// runs' durations are read from the state database once, when the run
// starts; this run's steps and devices come from the events as they happen.
// `upshift status`, in another process, reads everything from the database
// instead (forecast-data.ts); both feed the same forecast().
import { stepOfId } from '../drivers/contract.js';
import type { DB } from '../store/db.js';
import { runRecord } from '../store/records.js';
import { latestPlanKind } from '../store/step-history.js';
import type { Listener, Stamped } from './events.js';
import { forecast, profileKey, type DeviceProgress, type Forecast, type RunPlan, type StepMean } from './forecast.js';
import { stepHistory } from './forecast-data.js';
import { endsDevice } from './status.js';

export interface LiveRunForecast { runId: number; forecast: Forecast; windowEnd: number | null }

export class LiveForecast {
  readonly listener: Listener;
  private run: { id: number; plan: RunPlan } | null = null;
  private devices = new Map<string, DeviceProgress>();
  /** Earlier runs' durations: read at the first forecast, not in the run's start event (which the runner waits for). */
  private earlier: ReturnType<typeof stepHistory> | null = null;
  /** The longest step sequence per profile among tonight's devices that ended. */
  private sequencesTonight = new Map<string, string[]>();
  /** This run's step durations per profile: sums and counts. */
  private tonight = new Map<string, Map<string, { ms: number; n: number }>>();
  /** Durations of steps done, by device and position, until the device's plan kind is known. */
  private durations = new Map<string, number>();
  private readonly kindOf: (hostname: string) => string | null;

  constructor(private readonly db: DB, private readonly platforms: Map<string, string>) {
    this.listener = (e) => this.apply(e);
    this.kindOf = latestPlanKind(db);
  }

  private apply(e: Stamped): void {
    if (e.type === 'run') {
      if (e.phase === 'started') this.start(e.command === 'run' ? e.runId : null);
      else if (e.phase === 'finished') this.run = null;
      return;
    }
    if (!this.run || !('hostname' in e) || !e.hostname) return;
    const d = this.devices.get(e.hostname.toLowerCase());
    if (!d) return;
    if (e.type === 'step') {
      if (e.phase === 'start') d.current = { step: e.step, startedAt: Date.parse(e.at) };
      else {
        d.current = null;
        if (e.outcome === 'failed') return;
        d.done.push(e.step);
        if (e.durationMs !== undefined) this.durations.set(`${d.hostname}\u0000${d.done.length}`, e.durationMs);
        // The plan kind is journaled with the activation: read it once, when that step ends,
        // and the steps before it count for that kind from then on.
        if (stepOfId(e.step).kind === 'activate' && !d.kind) {
          d.kind = this.kindOf(d.hostname);
          d.done.forEach((step, i) => this.sample(d, step, i + 1));
        } else this.sample(d, e.step, d.done.length);
      }
    } else if (e.type === 'device') {
      d.ended = endsDevice(e.status, 'run') && e.reason !== 'waiting-approval';
      d.finishedAt = d.ended ? Date.parse(e.at) : null;
      // As from the database: a profile's sequence is the longest a device went through (a finished one has them all).
      const key = profileKey(d.platform, d.kind);
      if (d.ended && d.kind && d.done.length > (this.sequencesTonight.get(key)?.length ?? 0)) this.sequencesTonight.set(key, [...d.done]);
    }
  }

  private start(runId: number | null): void {
    this.run = null;
    if (runId === null) return;
    const plan = runRecord(this.db, runId)?.plan as RunPlan | null;
    if (!plan || plan.dryRun) return;
    this.run = { id: runId, plan };
    this.earlier = null;
    this.sequencesTonight = new Map();
    this.tonight = new Map();
    this.durations = new Map();
    this.devices = new Map();
    for (const h of plan.waves.flat(2)) {
      const platform = this.platforms.get(h.toLowerCase()) ?? 'unknown';
      // Its plan kind is known once it activates; until then its platform's usual one times it.
      this.devices.set(h.toLowerCase(), { hostname: h, platform, kind: null, ended: false, done: [], current: null, finishedAt: null, windowEnd: null });
    }
  }

  /** Adds the duration of the device's n-th step done to its profile, once its plan kind is known. */
  private sample(d: DeviceProgress, step: string, n: number): void {
    const ms = this.durations.get(`${d.hostname}\u0000${n}`);
    if (!d.kind || ms === undefined) return;
    this.durations.delete(`${d.hostname}\u0000${n}`);
    const key = profileKey(d.platform, d.kind);
    const steps = this.tonight.get(key) ?? new Map<string, { ms: number; n: number }>();
    const s = steps.get(step) ?? { ms: 0, n: 0 };
    steps.set(step, { ms: s.ms + ms, n: s.n + 1 });
    this.tonight.set(key, steps);
  }

  /** The forecast now, or null when this process is not driving an upgrade run. */
  forecast(now = Date.now(), windowEnds: Map<string, number | null> = new Map()): LiveRunForecast | null {
    if (!this.run) return null;
    this.earlier ??= stepHistory(this.db, this.run.id);
    const means = new Map<string, Map<string, StepMean>>();
    for (const [key, steps] of this.earlier.means) means.set(key, new Map(steps));
    const sequences = new Map(this.earlier.sequences);
    for (const [key, seq] of this.sequencesTonight) if (seq.length > (sequences.get(key)?.length ?? 0)) sequences.set(key, seq);
    // Tonight's durations replace earlier runs' for the same step.
    for (const [key, steps] of this.tonight) {
      const m = means.get(key) ?? new Map<string, StepMean>();
      for (const [step, s] of steps) m.set(step, { ms: s.ms / s.n, samples: s.n });
      means.set(key, m);
    }
    for (const d of this.devices.values()) d.windowEnd = windowEnds.get(d.hostname.toLowerCase()) ?? null;
    const f = forecast({ now, plan: this.run.plan, devices: this.devices, history: { means, sequences } });
    const ends = [...windowEnds.values()].filter((t): t is number => t !== null);
    return { runId: this.run.id, forecast: f, windowEnd: ends.length ? Math.max(...ends) : null };
  }
}
