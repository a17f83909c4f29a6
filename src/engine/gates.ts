// Approval gates. A gate is a question with the exact commands and the blast
// radius; an Approver answers it: the TUI (a person), or in batch the --yes /
// --approve policy, which leaves unapproved gates "held".
import { userInfo } from 'node:os';

export const GATE_KINDS = ['reload', 'switchover', 'rollback', 'cleanup'] as const;
export type GateKind = (typeof GATE_KINDS)[number];

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
}

export interface GateDecision {
  decision: 'approved' | 'refused' | 'held';
  by: string;
  source: string;
  at: string;
}

export interface Approver {
  decide(gate: Gate): Promise<GateDecision>;
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
    const at = new Date().toISOString();
    if (this.yes) return { decision: 'approved', by: osUser(), source: '--yes', at };
    if (this.kinds.includes(gate.kind)) return { decision: 'approved', by: osUser(), source: `--approve ${gate.kind}`, at };
    return { decision: 'held', by: osUser(), source: 'batch (no approval given)', at };
  }
}
