// Why a device ended where it did, as a code the runner, the console and the
// records decide from (the message is for people and is never parsed).
import type { DeviceStatus } from '../store/types.js';

export const REASONS = [
  'done', // reached the end this command aims at (upgraded, ready, staged, already current)
  'prechecks-failed', // a pre-check blocks the device
  'not-upgradable', // the workbook row cannot be planned (no image, no credentials entry…)
  'waiting-approval', // a gate is open
  'paused', // the run is paused before the device's next step
  'gate-held', // a gate was not approved (batch without --yes, or held by a stop)
  'gate-refused', // the operator refused a gate
  'window', // the maintenance window is not open
  'breaker', // the circuit breaker stopped new work
  'stopped', // the run was stopped (Ctrl-C, quit, SIGTERM)
  'cancelled', // the operator cancelled the device
  'not-started', // the device was never started in this run
  'in-progress', // an upgrade begun earlier waits to be finished by a run
  'peer', // its HA peer keeps it from going on
  'not-promoted', // the canary wave was not promoted (a canary regressed while monitored), so the rest did not start
  'device-error', // the device answered with an error, or could not be reached
  'postcheck-failed', // the post-check found a regression
  'rolled-back', // the rollback completed
  'rollback-failed', // the rollback did not complete
  'uncommitted', // left activated and uncommitted (its auto-abort timer will undo it)
  'unexpected-state', // the device is in a state upshift did not bring it to
] as const;
export type Reason = (typeof REASONS)[number];

/** Ends a device's flow with a status, a reason and a message. */
export class Stop extends Error {
  constructor(readonly status: DeviceStatus, readonly reason: Reason, message: string) {
    super(message);
  }
}

/** What a device's flow returns when it ends normally. */
/** `earlier`: the result is how an earlier run ended (this command found it so): its times stand. */
export interface FlowResult { status: DeviceStatus; reason: Reason; message: string; earlier?: true }
