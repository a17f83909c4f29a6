// What a gate shows: the exact commands, what stops and for how long, who
// else is affected (HA peer, stack members, standby), and the way back.
import type { ActivationPlan, Facts } from '../drivers/contract.js';
import type { DeviceRow } from '../store/types.js';
import type { Gate, GateKind } from './gates.js';

export function describeGate(kind: GateKind, row: DeviceRow, facts: Facts, plan: ActivationPlan | null, commands: string[], reloadTimeoutMs: number, step: string): Gate {
  const limit = reloadTimeoutMs < 120_000 ? `${Math.round(reloadTimeoutMs / 1000)} s` : `${Math.round(reloadTimeoutMs / 60_000)} min`;
  const r = facts.redundancy;
  const blast: string[] = [];
  let impact: string;
  let rollback: string | null = null;
  if (facts.platform === 'panos') {
    const ha = facts.extra.ha as { local: string; peer: string } | null;
    if (kind === 'switchover') {
      impact = `${row.hostname} suspends its HA role: ${row.haPeer ?? 'the peer'} takes over the traffic`;
      blast.push(`HA peer ${row.haPeer ?? '(peer)'} becomes active`);
    } else {
      impact = ha ? `${row.hostname} (${ha.local}) restarts; ${ha.local === 'passive' || ha.local === 'suspended' ? 'traffic stays on' : 'traffic fails over to'} ${row.haPeer ?? 'its peer'}` : `traffic through ${row.hostname} stops until it is back (up to ${limit})`;
      if (ha) blast.push(`HA peer ${row.haPeer ?? '(peer)'}`);
    }
    if (kind === 'reload' && plan) rollback = `reinstall ${plan.previousVersion} and restart`;
  } else {
    if (r.kind === 'stack') blast.push(`all ${r.members.length} stack members reload`);
    if (r.kind === 'svl') blast.push(plan?.kind === 'issu' && kind === 'reload' ? 'the standby chassis reloads first; the active keeps forwarding' : 'both StackWise Virtual chassis');
    if (r.kind === 'dual-sup') blast.push(plan?.kind === 'issu' && kind === 'reload' ? 'the standby supervisor reloads first; the active keeps forwarding' : 'both supervisors');
    if (kind === 'switchover') impact = `${row.hostname} switches over to its standby (already on ${plan?.targetVersion ?? 'the target'}); the old active reloads and rejoins as standby`;
    else if (kind === 'cleanup') impact = `inactive image and package files are deleted from ${facts.filesystem ?? 'flash'} (the running version is kept)`;
    else if (plan?.kind === 'issu' && kind === 'reload') impact = `the standby of ${row.hostname} reloads on ${plan.targetVersion}; traffic stays on the active`;
    else impact = `traffic through ${row.hostname} stops while it reloads (up to ${limit})`;
    if (kind === 'reload' && plan) {
      rollback = plan.kind === 'install' ? 'install abort (auto-abort timer 120 min)' : plan.kind === 'bundle' ? `restore the boot variable ${plan.previousBoot.join(';')} and reload` : plan.kind === 'issu' ? 'install abort issu' : `re-install ${plan.previousVersion}`;
    }
  }
  return { id: `${row.hostname}:${step}:${Date.now()}`, hostname: row.hostname, kind, step, commands, impact, blastRadius: blast, rollback };
}
