// One table of what each device status means: whether it ends a device's
// part in a command, whether a person must look (exit code 1), whether it
// counts as a failure for the circuit breaker, and its tone on screen. The
// runner, the steps, the console, `upshift status` and the theme all read it.
import type { DeviceStatus } from '../store/types.js';
import type { RunCommand } from './context.js';

export type StatusTone = 'ok' | 'busy' | 'wait' | 'bad' | 'blocked' | 'muted' | 'info' | null;

export interface StatusInfo {
  /** The device's part in a command is over (for ready and staged: only in check and stage). */
  ends: 'always' | 'never' | RunCommand[];
  /** Exit code 1: the device failed, was blocked or held, or a person must look. */
  needsLook: boolean;
  /** Exit code 1 after these commands too: the device did not get where they take it (ready after a run). */
  shortOf?: RunCommand[];
  /** Counts as a failure for the circuit breaker. */
  failure: boolean;
  tone: StatusTone;
}

export const STATUS: Record<DeviceStatus, StatusInfo> = {
  pending: { ends: 'never', needsLook: true, failure: false, tone: null },
  ready: { ends: ['check'], needsLook: false, shortOf: ['stage', 'run'], failure: false, tone: 'ok' },
  blocked: { ends: 'always', needsLook: true, failure: false, tone: 'blocked' },
  staged: { ends: ['stage'], needsLook: false, shortOf: ['run'], failure: false, tone: 'info' },
  held: { ends: 'always', needsLook: true, failure: false, tone: 'wait' },
  running: { ends: 'never', needsLook: true, failure: false, tone: 'busy' },
  upgraded: { ends: 'always', needsLook: false, failure: false, tone: 'ok' },
  'already-current': { ends: 'always', needsLook: false, failure: false, tone: 'ok' },
  failed: { ends: 'always', needsLook: true, failure: true, tone: 'bad' },
  'rolled-back': { ends: 'always', needsLook: true, failure: true, tone: 'bad' },
  'needs-attention': { ends: 'always', needsLook: true, failure: true, tone: 'bad' },
  skipped: { ends: 'always', needsLook: false, failure: false, tone: 'muted' },
  cancelled: { ends: 'always', needsLook: true, failure: false, tone: 'muted' },
};

/** Whether a status ends a device's part in this command. */
export function endsDevice(status: DeviceStatus, command: RunCommand | null): boolean {
  const e = STATUS[status].ends;
  return e === 'always' || (e !== 'never' && command !== null && e.includes(command));
}

/**
 * How an earlier upgrade ended: a device not started by a stopped run, or one a read-only
 * `check` could not reach, keeps it (the change record must not forget an upgrade).
 */
export const RESULTS: ReadonlySet<DeviceStatus> = new Set(['upgraded', 'already-current', 'rolled-back', 'failed', 'needs-attention']);

/** What a check that cannot read a device keeps: not `failed`, which a newer failure (of this check) replaces. */
export const KEPT_BY_CHECK: ReadonlySet<DeviceStatus> = new Set(['upgraded', 'already-current', 'rolled-back', 'needs-attention']);

/** Statuses a person should look at before (or instead of) the next run. */
export const NEEDS_LOOK: DeviceStatus[] = (Object.keys(STATUS) as DeviceStatus[]).filter((s) => STATUS[s].needsLook && s !== 'pending' && s !== 'running');

/**
 * The exit code of a set of device statuses, from the table alone: after a command that was
 * not stopped, or (command null) for `upshift status`, which judges where devices stand
 * whatever ran last (docs/commands.md).
 */
export function exitCodeOf(statuses: Iterable<DeviceStatus>, command: RunCommand | null): 0 | 1 {
  for (const s of statuses) {
    const info = STATUS[s];
    if (info.needsLook || (command !== null && info.shortOf?.includes(command))) return 1;
  }
  return 0;
}
