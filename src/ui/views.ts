// What the console shows of the run and of each device: the shapes the
// model (model.ts) keeps up to date from the engine's events and the screen
// reads. Kept apart from the event reduction so each reads on its own.
import type { Diff } from '../engine/checks.js';
import type { Check, FactsSummary } from '../engine/events.js';
import type { RunCommand } from '../engine/context.js';
import type { Reason } from '../engine/outcomes.js';
import { STATUS } from '../engine/status.js';
import type { Gate, GateDecision } from '../engine/gates.js';
import type { DeviceRow, DeviceStatus } from '../engine/views.js';

/** Every device status, in the status table's order (the header counts them so). */
export const STATUSES = Object.keys(STATUS) as DeviceStatus[];

export type RunPhase = 'credentials' | 'checking' | 'idle' | 'running' | 'paused' | 'stopping' | 'finished';

export interface RunInfo {
  phase: RunPhase;
  command: RunCommand | null;
  wave: number;
  waves: number;
  /** Devices in the current wave, and how many of them have reached an end (upgraded, failed, held…). */
  waveSize: number;
  waveDone: number;
  reason: string | null;
  outcome: string | null;
}

export type { FactsSummary };

export interface DeviceView {
  row: DeviceRow;
  /** The port it is reached on: its row's, else its platform's default (null when the session did not say). */
  port: number | null;
  status: DeviceStatus;
  step: string | null;
  message: string | null;
  reason: Reason | null;
  readiness: Readiness | null;
  current: string | null;
  stepStartedAt: number | null;
  progress: { step: string; done: number; total: number | null; rate?: number; part?: { index: number; count: number } } | null;
  facts: FactsSummary | null;
  pre: Check[] | null;
  post: Check[] | null;
  diff: Diff | null;
  log: { at: string; text: string; level: string }[];
  gate: Gate | null;
  /** An activation waiting for a commit, and when its auto-abort timer undoes it, as the last facts said. */
  uncommitted: { autoAbort: string | null; abortsAt: string | null } | null;
}

/**
 * What the console says of a device's readiness. `fresh` only when this session checked it:
 * a readiness read from the state database is shown with its age and never as a ✓.
 */
export interface Readiness { tone: 'ok' | 'wait' | 'bad' | 'muted'; text: string; fresh: boolean; at: number | null }

export interface DeviceInit {
  row: DeviceRow;
  /** The port the device is reached on when its row names none (the platform's default, which the session knows). */
  port?: number | null;
  status?: DeviceStatus;
  step?: string | null;
  message?: string | null;
  reason?: string | null;
  /** The readiness the state database last recorded, and when. */
  readiness?: { text: string; at: number } | null;
  current?: string | null;
  /** What the state database last knew of its facts. */
  summary?: FactsSummary | null;
}

export interface Answered { at: string; text: string; decision: GateDecision['decision'] }

/** The forecast of the run under way, as the header shows it. */
export interface ForecastView {
  /** When the run should be done; null while no duration is known for some device. */
  finishAt: number | null;
  windowEnd: number | null;
  /** Devices that would finish after their window closes. */
  late: string[];
  /** While some devices are not timed yet: the time the run cannot end before, and how many are untimed. */
  atLeast?: number | null;
  untimed?: number;
}
