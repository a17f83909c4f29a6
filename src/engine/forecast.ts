// The run's forecast: when will it end, and which devices would not fit their
// maintenance window. Pure: the durations seen so far (this run's first,
// earlier runs' otherwise) and where each device is, in; finish times out.
// docs/records.md ("Forecast") explains the model and its limits.

/** What the runner records of a run, so a forecast can be made from the state database alone. */
export interface RunPlan {
  /** Waves in order; each a list of units (one device, or an HA pair whose members go one after the other). */
  waves: string[][][];
  concurrency: number;
  pauseBetweenWavesMs: number;
  /** The wait after the canary wave before promoting (0 when the run does not monitor). */
  monitorAfterCanaryMs: number;
  /** A dry run changes nothing and takes no time worth forecasting. */
  dryRun?: boolean;
}

export interface StepMean { ms: number; samples: number }

/** Step durations per profile: `platform/plan kind` (e.g. `iosxe/install`, `panos/panos`). */
export interface History {
  means: Map<string, Map<string, StepMean>>;
  /** The steps a device of that profile went through, in order (from one that finished). */
  sequences: Map<string, string[]>;
}

export interface DeviceProgress {
  hostname: string;
  platform: string;
  /** Its plan kind once planned in this run, else the last one known, else null. */
  kind: string | null;
  /** Its part in this run is over (upgraded, failed, held…). */
  ended: boolean;
  /** Steps done in this run, as journaled (a step done twice is listed twice). */
  done: string[];
  current: { step: string; startedAt: number } | null;
  /** When its part in this run ended (for the pause after its wave). */
  finishedAt?: number | null;
  windowEnd: number | null;
}

export interface ForecastInput {
  now: number;
  plan: RunPlan;
  devices: Map<string, DeviceProgress>;
  history: History;
}

export interface DeviceForecast { hostname: string; finishAt: number; windowEnd: number | null }

export interface Forecast {
  /** When the last device should be done; null when no duration is known yet for a device still to do. */
  finishAt: number | null;
  devices: DeviceForecast[];
  /** Devices still to do whose forecast end is after their window closes. */
  late: DeviceForecast[];
  /** Devices with no duration to go by (no device of their platform has run yet). */
  unknown: string[];
  /**
   * While some devices are not timed yet: when the others should be done, a time the run
   * cannot end before (the untimed devices counted as taking no time). Null otherwise.
   */
  atLeast: number | null;
}

/** The monitoring step is a wait the forecast counts once per run, not per device. */
export const MONITOR_STEP = 'monitor';

export const profileKey = (platform: string, kind: string | null) => `${platform}/${kind ?? '?'}`;

/** The profile a device is timed by: its own, else its platform's best-known one. */
function profileOf(d: DeviceProgress, h: History): string | null {
  const own = profileKey(d.platform, d.kind);
  if (h.sequences.has(own)) return own;
  let best: string | null = null;
  let most = 0;
  for (const [key, seq] of h.sequences) {
    if (!key.startsWith(`${d.platform}/`)) continue;
    const n = Math.max(0, ...seq.map((s) => h.means.get(key)?.get(s)?.samples ?? 0));
    if (n > most) [best, most] = [key, n];
  }
  return best;
}

/** How long the device still needs, or null when nothing is known of its platform. */
export function remainingMs(d: DeviceProgress, h: History, now: number): number | null {
  if (d.ended) return 0;
  const key = profileOf(d, h);
  if (!key) return null;
  const means = h.means.get(key) ?? new Map<string, StepMean>();
  const left = [...h.sequences.get(key)!].filter((s) => s !== MONITOR_STEP);
  const take = (step: string) => {
    const i = left.indexOf(step);
    if (i >= 0) left.splice(i, 1);
  };
  for (const s of d.done) take(s);
  let ms = 0;
  if (d.current && d.current.step !== MONITOR_STEP) {
    take(d.current.step);
    ms += Math.max(0, (means.get(d.current.step)?.ms ?? 0) - (now - d.current.startedAt));
  }
  for (const s of left) ms += means.get(s)?.ms ?? 0;
  return ms;
}

/**
 * Plays the rest of the run forward: waves one after the other, each unit on
 * the first free slot of `concurrency` (units already working hold theirs from
 * now), the monitoring after the canary wave, the pauses between waves.
 * Waiting for a person at a gate is not counted.
 */
export function forecast(input: ForecastInput): Forecast {
  const { now, plan, devices, history } = input;
  const out: DeviceForecast[] = [];
  const unknown: string[] = [];
  const dev = (h: string) => devices.get(h.toLowerCase());
  const ended = (h: string) => dev(h)?.ended ?? true;
  const first = plan.waves.findIndex((w) => w.some((u) => u.some((h) => !ended(h))));
  if (first < 0) return { finishAt: now, devices: [], late: [], unknown: [], atLeast: null };
  let t = now;
  const begun = (h: string) => { const d = dev(h); return !!d && (d.ended || d.current !== null || d.done.length > 0); };
  if (first > 0 && !plan.waves[first].some((u) => u.some(begun))) {
    // Between two waves: what is left of the pause after the last one.
    const ends = plan.waves[first - 1].flat().map((h) => dev(h)?.finishedAt ?? null).filter((x): x is number => x !== null);
    t += Math.max(0, plan.pauseBetweenWavesMs - (ends.length ? now - Math.max(...ends) : 0));
  }
  for (let w = first; w < plan.waves.length; w++) {
    const slots = Array.from({ length: Math.max(1, plan.concurrency) }, () => t);
    const busy = (u: string[]) => u.some((h) => { const d = dev(h); return !!d && !d.ended && (d.current !== null || d.done.length > 0); });
    const units = plan.waves[w].filter((u) => u.some((h) => !ended(h)));
    // Units already working hold a slot from now; the others take the first slot that frees.
    for (const u of [...units.filter(busy), ...units.filter((x) => !busy(x))]) {
      const i = slots.indexOf(Math.min(...slots));
      let at = slots[i];
      for (const h of u) {
        const d = dev(h);
        if (!d) continue;
        const rem = remainingMs(d, history, now);
        if (rem === null) unknown.push(d.hostname);
        if (d.ended) continue;
        at += rem ?? 0;
        out.push({ hostname: d.hostname, finishAt: at, windowEnd: d.windowEnd });
      }
      slots[i] = at;
    }
    t = Math.max(t, ...slots);
    if (w === 0 && plan.waves.length > 1 && plan.monitorAfterCanaryMs > 0) {
      const monitoring = plan.waves[0].flat().map((h) => dev(h)?.current).find((c) => c?.step === MONITOR_STEP);
      t += monitoring ? Math.max(0, plan.monitorAfterCanaryMs - (now - monitoring.startedAt)) : plan.monitorAfterCanaryMs;
    }
    if (w < plan.waves.length - 1) t += plan.pauseBetweenWavesMs;
  }
  const late = out.filter((d) => d.windowEnd !== null && d.finishAt > d.windowEnd);
  const end = Math.max(now, ...out.map((d) => d.finishAt));
  const timed = out.some((d) => !unknown.includes(d.hostname));
  return { finishAt: unknown.length > 0 ? null : end, devices: out, late, unknown, atLeast: unknown.length > 0 && timed ? end : null };
}
