// Steps of one device, journaled in SQLite before and after they touch it.
// Transient errors of non-disruptive steps are retried with exponential
// backoff and jitter; disruptive steps are never retried blindly.
import type { StepResult } from '../drivers/contract.js';
import { DeviceError } from '../drivers/errors.js';
import type { DeviceState, StatePatch } from '../store/state.js';
import type { DeviceRow, DeviceStatus } from '../store/types.js';
import type { RunContext } from './context.js';
import type { Gate, GateDecision } from './gates.js';
import { Stop, type Reason } from './outcomes.js';
import { endsDevice } from './status.js';
import { isA, messageOf } from '../common/errors.js';

export interface StepOptions {
  detail?: unknown;
  disruptive?: boolean;
}

/** What the journal keeps of a step's outcome. */
interface Recorded { skipped: boolean; message: string | null; sent?: string[] }

export class DeviceRun {
  /**
   * Set once the device was disrupted (switched over, activated or rolled back): from then on
   * neither a stop, nor the breaker, nor a closing window keeps it from
   * reaching an end state — its remaining steps and gates go on.
   */
  finishing = false;

  /** Whether started_at is set for this device's current part (decided once, then kept here). */
  private startedAt: boolean | null = null;

  /** The device's state when this command came to it: how an earlier run left it. */
  readonly before: DeviceState | null;

  constructor(readonly ctx: RunContext, readonly row: DeviceRow) {
    this.before = ctx.store.state(row.hostname) ?? null;
  }

  get hostname(): string {
    return this.row.hostname;
  }

  get target(): string | null {
    return this.row.targetVersion;
  }

  status(status: DeviceStatus, step: string | null, message: string | null, reason: Reason | null, extra: StatePatch = {}): void {
    const patch: StatePatch = { status, step, message, reason, ...extra };
    if (status === 'running') {
      // A device left mid-way (a crash, a gate held open) keeps the start of its upgrade; any other
      // begins now — a check hours before the run is not part of how long the upgrade took.
      const before = this.ctx.store.state(this.hostname);
      this.startedAt ??= !!before?.started_at && (before.status === 'running' || before.status === 'held');
      if (!this.startedAt) patch.started_at = new Date().toISOString();
      this.startedAt = true;
    }
    if (endsDevice(status, this.ctx.options.command) && reason !== 'waiting-approval' && !('finished_at' in extra)) patch.finished_at = new Date().toISOString();
    this.ctx.store.updateState(this.hostname, patch);
    this.ctx.bus.emit({ type: 'device', hostname: this.hostname, status, step, message, reason });
    this.ctx.writeback?.request();
  }

  /**
   * Puts back the state an earlier run left (status, message, times), with a note in
   * readiness: a look that did not get through does not rewrite how an upgrade ended.
   */
  restore(before: DeviceState, readiness: string): void {
    const { hostname: _h, updated_at: _u, ...state } = before;
    this.ctx.store.updateState(this.hostname, { ...state, readiness });
    // The event says it is an earlier result, so no screen or log line reads it as fresh news.
    this.ctx.bus.emit({ type: 'device', hostname: this.hostname, status: before.status, step: before.step, message: `earlier result kept (${readiness}): ${before.message ?? before.status}`, reason: before.reason as Reason | null, kept: { readiness } });
    this.ctx.writeback?.request();
  }

  patch(extra: StatePatch): void {
    this.ctx.store.updateState(this.hostname, extra);
    this.ctx.writeback?.request();
  }

  /** Runs one journaled driver operation (`name`: a step id of the sequence); the journal keeps its message and what it sent. */
  step<D>(name: string, fn: (attempt: number) => Promise<StepResult<D>>, opts: StepOptions = {}): Promise<StepResult<D>> {
    return this.journaled(name, fn, opts, (r) => ({ skipped: r.outcome === 'skipped', message: r.message, sent: r.sent }));
  }

  /**
   * Runs one journaled read (facts, a snapshot, the pre- or post-checks, a bookkeeping mark):
   * what it returns is data, which `describe` puts in words for the journal.
   */
  read<T>(name: string, fn: (attempt: number) => Promise<T>, describe?: (r: T) => string): Promise<T> {
    return this.journaled(name, fn, {}, (r) => ({ skipped: false, message: describe?.(r) ?? null }));
  }

  private async journaled<T>(name: string, fn: (attempt: number) => Promise<T>, opts: StepOptions, record: (r: T) => Recorded): Promise<T> {
    const disruptive = opts.disruptive ?? false;
    if (!this.finishing) {
      if (this.ctx.paused) {
        this.status('running', name, `paused before ${name}`, 'paused');
        await this.ctx.whilePaused();
      }
      if (this.ctx.stopReason) throw new Stop('pending', 'stopped', `stopped before ${name} (${this.ctx.stopReason}); the next run resumes`);
      if (this.ctx.isCancelled(this.hostname)) throw new Stop('cancelled', 'cancelled', `cancelled by the operator before ${name}`);
    }
    // Once a disruptive step (switchover, activation, rollback) starts, the device is brought to an end whatever else happens.
    if (disruptive) this.finishing = true;
    const { attempts, baseMs } = this.ctx.options.retry;
    const tries = disruptive ? 1 : Math.max(1, attempts);
    this.status('running', name, null, null);
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const id = this.ctx.store.beginStep({
        runId: this.ctx.runId, hostname: this.hostname, step: name, key: `${this.hostname}:${name}:${this.target ?? '-'}`,
        targetVersion: this.target, disruptive, detail: opts.detail,
      });
      this.ctx.bus.emit({ type: 'step', hostname: this.hostname, step: name, phase: 'start', attempt });
      try {
        const result = await fn(attempt);
        const { skipped, message, sent } = record(result);
        this.ctx.store.endStep(id, skipped ? 'skipped' : 'ok', message, undefined, sent);
        this.ctx.bus.emit({ type: 'step', hostname: this.hostname, step: name, phase: 'end', outcome: skipped ? 'skipped' : 'ok', message: message ?? undefined, durationMs: Date.now() - started, attempt });
        return result;
      } catch (err) {
        const message = messageOf(err);
        this.ctx.store.endStep(id, 'failed', message);
        this.ctx.bus.emit({ type: 'step', hostname: this.hostname, step: name, phase: 'end', outcome: 'failed', message, durationMs: Date.now() - started, attempt });
        const transient = isA(err, DeviceError) && err.transient;
        if (!transient || attempt >= tries || (this.ctx.stopReason && !this.finishing)) throw err;
        const delay = baseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
        this.ctx.bus.log('warn', `${name} failed (${message}); retry ${attempt + 1}/${tries} in ${(delay / 1000).toFixed(1)} s`, this.hostname);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Asks the approver; journals the answer with the OS user. */
  async gate(gate: Gate): Promise<GateDecision> {
    // A disrupted device's gates (its rollback, the rest of its ISSU) decide where it ends: nothing blocks them.
    if (!this.finishing) {
      if (this.ctx.isCancelled(this.hostname)) throw new Stop('cancelled', 'cancelled', `cancelled by the operator; ${gate.kind} not started`);
      const blocked = this.ctx.disruptiveBlocked(this.row);
      if (blocked) throw new Stop('held', blocked.reason, `${gate.kind} not started: ${blocked.message}`);
    }
    this.status('held', gate.step, `waiting for approval: ${gate.kind}`, 'waiting-approval');
    this.ctx.bus.emit({ type: 'gate', hostname: this.hostname, gate, phase: 'opened' });
    const d = await this.ctx.options.approver.decide(gate);
    this.ctx.bus.emit({ type: 'gate', hostname: this.hostname, gate, phase: 'answered', decision: d });
    // Held (a batch run that cannot approve it, a quit) is recorded too: the change record says why the device stopped there.
    this.ctx.store.recordApproval({ runId: this.ctx.runId, hostname: this.hostname, kind: gate.kind, step: gate.step, decision: d.decision, operator: d.by, source: d.source, commands: gate.commands });
    if (!this.finishing) {
      if (this.ctx.isCancelled(this.hostname) && d.decision !== 'approved') throw new Stop('cancelled', 'cancelled', `cancelled by the operator; ${gate.kind} not started`);
      // The window may have closed, or a stop come, while the gate was open.
      const late = this.ctx.disruptiveBlocked(this.row);
      if (d.decision === 'approved' && late) throw new Stop('held', late.reason, `${gate.kind} approved but not started: ${late.message}`);
    }
    return d;
  }
}
