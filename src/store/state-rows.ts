// The rows of the state database as StateStore (state.ts) reads and writes
// them: a device's state, a journaled step, a line of the export's Audit
// sheet. state.ts re-exports them, so callers import them from there.
import type { DeviceStatus } from './types.js';

export type DeviceState = {
  hostname: string;
  status: DeviceStatus;
  step: string | null;
  message: string | null;
  readiness: string | null;
  precheck: string | null;
  postcheck: string | null;
  current_version: string | null;
  model: string | null;
  serial: string | null;
  started_at: string | null;
  finished_at: string | null;
  target_version: string | null;
  /** Why it ended where it did (an engine reason code). */
  reason: string | null;
  updated_at: string;
};

export type StatePatch = Partial<Omit<DeviceState, 'hostname' | 'updated_at'>>;

export interface JournalEntry {
  id: number;
  run_id: number;
  hostname: string;
  step: string;
  idempotency_key: string;
  target_version: string | null;
  disruptive: number;
  started_at: string;
  ended_at: string | null;
  outcome: string;
  message: string | null;
  detail_json: string | null;
  /** What the step sent to the device (JSON list of commands, secrets never in it). */
  sent_json: string | null;
}

export interface AuditRow {
  device: string;
  step: string;
  start: string;
  end: string | null;
  outcome: string;
  operator: string;
  message: string;
}

/** When a snapshot was taken: before the upgrade, after it (what the post-check compared), after a rollback. */
export type SnapshotPhase = 'pre' | 'post' | 'after-rollback';
