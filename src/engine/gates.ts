// Approval gates. A gate is a question with the exact commands and the blast
// radius; an Approver answers it: the TUI (a person), or in batch the --yes /
// --approve policy, which leaves unapproved gates "held".
import { userInfo } from 'node:os';
import type { ActivationPlan, Driver, Facts, StepSpec } from '../drivers/contract.js';
import type { DeviceRow } from '../store/types.js';

/**
 * Device steps' gates; `promote`: go on past the canary wave (no device of its own);
 * `commit`: after a refused rollback, keep the new version for good (or leave it to its auto-abort timer).
 */
export const GATE_KINDS = ['reload', 'switchover', 'rollback', 'cleanup', 'promote', 'commit'] as const;
export type GateKind = (typeof GATE_KINDS)[number];

/**
 * What --yes / --approve may answer. Not `commit`: it is asked only after a person refused a
 * rollback, and keeping a version that failed its post-checks is that person's call, every time.
 */
export const POLICY_GATE_KINDS = GATE_KINDS.filter((k) => k !== 'commit');

export interface Gate {
  id: string;
  hostname: string;
  kind: GateKind;
  step: string;
  commands: string[];
  /** What stops, for how long, and who else is affected (HA peer, stack members, standby). */
  impact: string;
  blastRadius: string[];
  rollback: string | null;
  /** What refusing leaves, where that is more than "the step is not done" (a commit gate). */
  ifRefused?: string;
  /** Why the gate is asked, where it follows a failure (a rollback: what the post-check found lost). */
  why?: string;
}

/** The gate in front of a device step: its exact commands, and what the driver says of its impact. */
export function gateFor(spec: StepSpec & { gate: NonNullable<StepSpec['gate']> }, row: DeviceRow, driver: Driver, facts: Facts, plan: ActivationPlan, reloadTimeoutMs: number): Gate {
  const impact = driver.rules.gateImpact(spec, plan, facts, { peer: row.haPeer, reloadTimeoutMs });
  return { id: `${row.hostname}:${spec.id}:${Date.now()}`, hostname: row.hostname, kind: spec.gate, step: spec.id, commands: spec.commands, ...impact };
}

export interface GateDecision {
  decision: 'approved' | 'refused' | 'held';
  by: string;
  source: string;
  at: string;
}

export interface Approver {
  decide(gate: Gate): Promise<GateDecision>;
  /**
   * Known before any gate opens: whether gates of this kind will be held (a batch run whose
   * --yes / --approve do not cover them). False where a person may still approve (the console).
   */
  holds?(kind: GateKind): boolean;
}

export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Batch approvals: --yes approves every gate, --approve KINDS some kinds; the rest are held. */
export class PolicyApprover implements Approver {
  constructor(private readonly yes: boolean, private readonly kinds: readonly string[] = []) {}

  async decide(gate: Gate): Promise<GateDecision> {
    return this.answer(gate);
  }

  holds(kind: GateKind): boolean {
    return !(POLICY_GATE_KINDS as readonly string[]).includes(kind) || (!this.yes && !this.kinds.includes(kind));
  }

  answer(gate: Gate): GateDecision {
    const at = new Date().toISOString();
    if (!(POLICY_GATE_KINDS as readonly string[]).includes(gate.kind)) return { decision: 'held', by: osUser(), source: 'asked of a person only', at };
    if (this.yes) return { decision: 'approved', by: osUser(), source: '--yes', at };
    if (this.kinds.includes(gate.kind)) return { decision: 'approved', by: osUser(), source: `--approve ${gate.kind}`, at };
    return { decision: 'held', by: osUser(), source: 'batch (no approval given)', at };
  }
}

export interface PendingGate { gate: Gate; openedAt: number }

/**
 * The console's approver: gates wait in a queue until a person answers them
 * (the UI calls answer()); what --yes / --approve already cover is approved
 * at once. Nothing here knows about the UI: listeners hear the queue change.
 */
export class QueueApprover implements Approver {
  private readonly waiting = new Map<string, { pending: PendingGate; resolve: (d: GateDecision) => void }>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly policy: PolicyApprover = new PolicyApprover(false), private readonly user: string = osUser()) {}

  /** Queues the gate at once (not a tick later), so an answer given right after the gate opened finds it. */
  decide(gate: Gate): Promise<GateDecision> {
    const byPolicy = this.policy.answer(gate);
    if (byPolicy.decision === 'approved') return Promise.resolve(byPolicy);
    return new Promise<GateDecision>((resolve) => {
      this.waiting.set(gate.id, { pending: { gate, openedAt: Date.now() }, resolve });
      this.changed();
    });
  }

  /** Open gates, oldest first. */
  pending(): PendingGate[] {
    return [...this.waiting.values()].map((w) => w.pending);
  }

  forHost(hostname: string): PendingGate | undefined {
    return this.pending().find((p) => p.gate.hostname === hostname);
  }

  /** Answers one gate; false when it is no longer open (answered elsewhere, or the run stopped). */
  answer(id: string, decision: 'approved' | 'refused' | 'held', source = 'console'): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.waiting.delete(id);
    w.resolve({ decision, by: this.user, source, at: new Date().toISOString() });
    this.changed();
    return true;
  }

  /** Leaves every open gate held (nothing disruptive happens): the run is stopping. */
  holdAll(source: string): number {
    const ids = [...this.waiting.keys()];
    for (const id of ids) this.answer(id, 'held', source);
    return ids.length;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
