// Steps of one device, journaled in SQLite before and after they touch it.
// Transient errors of non-disruptive steps are retried with exponential
// backoff and jitter; disruptive steps are never retried blindly.
import { DeviceError } from '../drivers/errors.js';
import type { DeviceStatus } from '../store/types.js';
import type { StatePatch } from '../store/state.js';
import type { DeviceRow } from '../store/types.js';
import type { RunContext } from './context.js';
import type { Gate, GateDecision } from './gates.js';

export const DISRUPTIVE = new Set(['activate', 'switchover', 'rollback', 'cleanup']);

/** Ends a device's flow with a status (blocked, held, failed, …) and a message. */
export class Stop extends Error {
  constructor(readonly status: DeviceStatus, message: string) {
    super(message);
  }
}

/** Steps that bring an already started disruption to a safe point: they run even when stopping. */
const FINISHING = new Set(['wait', 'postcheck', 'commit', 'rolled-back', 'facts', 'switchover']);

export class DeviceRun {
  /** Set once the device was disrupted: from then on, a stop lets it reach a safe point. */
  finishing = false;

  /** Whether started_at is set (read from the store once, then kept here). */
  private startedAt: boolean | null = null;

  constructor(readonly ctx: RunContext, readonly row: DeviceRow) {}

  get hostname(): string {
    return this.row.hostname;
  }

  get target(): string | null {
    return this.row.targetVersion;
  }

  status(status: DeviceStatus, step: string | null, message: string | null = null, extra: StatePatch = {}): void {
    const patch: StatePatch = { status, step, message, ...extra };
    if (status === 'running') {
      this.startedAt ??= !!this.ctx.store.state(this.hostname)?.started_at;
      if (!this.startedAt) patch.started_at = new Date().toISOString();
      this.startedAt = true;
    }
    if (['upgraded', 'already-current', 'failed', 'rolled-back', 'needs-attention', 'blocked', 'held', 'ready', 'staged', 'cancelled'].includes(status)) patch.finished_at = new Date().toISOString();
    this.ctx.store.updateState(this.hostname, patch);
    this.ctx.bus.emit({ type: 'device', hostname: this.hostname, status, step, message });
    this.ctx.writeback?.request();
  }

  patch(extra: StatePatch): void {
    this.ctx.store.updateState(this.hostname, extra);
    this.ctx.writeback?.request();
  }

  /** Runs one journaled step. */
  async step<T>(name: string, fn: (attempt: number) => Promise<T>, opts: { detail?: unknown; message?: (r: T) => string } = {}): Promise<T> {
    const disruptive = DISRUPTIVE.has(name);
    const toSafePoint = this.finishing && FINISHING.has(name);
    if (!toSafePoint && this.ctx.paused) {
      this.status('running', name, `paused before ${name}`);
      await this.ctx.whilePaused();
    }
    if (this.ctx.stopReason && !toSafePoint) {
      throw new Stop('pending', `stopped before ${name} (${this.ctx.stopReason}); the next run resumes`);
    }
    if (this.ctx.isCancelled(this.hostname) && !toSafePoint) throw new Stop('cancelled', `cancelled by the operator before ${name}`);
    if (name === 'activate' || name === 'switchover' || name === 'rollback') this.finishing = true;
    const { attempts, baseMs } = this.ctx.options.retry;
    const tries = disruptive ? 1 : Math.max(1, attempts);
    this.status('running', name);
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const id = this.ctx.store.beginStep({
        runId: this.ctx.runId, hostname: this.hostname, step: name, key: `${this.hostname}:${name}:${this.target ?? '-'}`,
        targetVersion: this.target, disruptive, detail: opts.detail,
      });
      this.ctx.bus.emit({ type: 'step', hostname: this.hostname, step: name, phase: 'start', attempt });
      try {
        const result = await fn(attempt);
        const skipped = typeof result === 'object' && result !== null && (result as { outcome?: string }).outcome === 'skipped';
        const message = opts.message?.(result) ?? (typeof result === 'object' && result !== null && 'message' in result ? String((result as { message: unknown }).message) : null);
        this.ctx.store.endStep(id, skipped ? 'skipped' : 'ok', message);
        this.ctx.bus.emit({ type: 'step', hostname: this.hostname, step: name, phase: 'end', outcome: skipped ? 'skipped' : 'ok', message: message ?? undefined, durationMs: Date.now() - started, attempt });
        return result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.ctx.store.endStep(id, 'failed', message);
        this.ctx.bus.emit({ type: 'step', hostname: this.hostname, step: name, phase: 'end', outcome: 'failed', message, durationMs: Date.now() - started, attempt });
        const transient = err instanceof DeviceError && err.transient;
        if (!transient || attempt >= tries || this.ctx.stopReason) throw err;
        const delay = baseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
        this.ctx.bus.log('warn', `${name} failed (${message}); retry ${attempt + 1}/${tries} in ${(delay / 1000).toFixed(1)} s`, this.hostname);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Asks the approver; journals the answer with the OS user. Held and refused end here. */
  async gate(gate: Gate): Promise<GateDecision> {
    // A rollback gate of a disrupted device is answered even when cancelled: it decides the safe point.
    const cancellable = !this.finishing;
    if (cancellable && this.ctx.isCancelled(this.hostname)) throw new Stop('cancelled', `cancelled by the operator; ${gate.kind} not started`);
    const blocked = this.ctx.disruptiveBlocked(this.row);
    if (blocked) throw new Stop('held', `${gate.kind} not started: ${blocked}`);
    this.status('held', gate.step, `waiting for approval: ${gate.kind}`);
    this.ctx.bus.emit({ type: 'gate', hostname: this.hostname, gate, phase: 'opened' });
    const d = await this.ctx.options.approver.decide(gate);
    this.ctx.bus.emit({ type: 'gate', hostname: this.hostname, gate, phase: 'answered', decision: d });
    if (d.decision !== 'held') {
      this.ctx.store.recordApproval({ runId: this.ctx.runId, hostname: this.hostname, kind: gate.kind, step: gate.step, decision: d.decision, operator: d.by, source: d.source, commands: gate.commands });
    }
    if (cancellable && this.ctx.isCancelled(this.hostname) && d.decision !== 'approved') throw new Stop('cancelled', `cancelled by the operator; ${gate.kind} not started`);
    // The window may have closed, or a stop come, while the gate was open.
    const late = this.ctx.disruptiveBlocked(this.row);
    if (d.decision === 'approved' && late) throw new Stop('held', `${gate.kind} approved but not started: ${late}`);
    return d;
  }
}
