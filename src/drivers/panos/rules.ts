// The PAN-OS upgrade as data (docs/architecture.md): download, suspend the
// active member of a pair (a switchover gate), install and restart (a reload
// gate), wait, post-check, make HA functional; and the way back.
import type { ActivationPlan, Facts, GateImpact, PlatformRules, StepKind, StepSpec, UpgradeSequence } from '../contract.js';
import { normalizeVersion } from '../../common/versions.js';
import { CMD } from './commands.js';
import { planUpgrade, readiness } from './checks.js';
import { summarizePanos } from './summary.js';
import type { PanosFacts } from './types.js';

/** The snapshot's calls, in the order they are sent (CLI form). */
export const SNAPSHOT_CALLS = ['show session info', 'show routing route', 'show arp all', 'show interface hardware'];

export function commandsFor(kind: StepKind, plan: ActivationPlan, opts: { version?: string } = {}): string[] {
  const target = opts.version ?? plan.targetVersion;
  switch (kind) {
    case 'backup': return ['show config running'];
    case 'cleanup': return [];
    case 'stage': return [CMD.cli.softwareCheck, ...(plan.baseImages ?? []).map((b) => `request system software download version ${b}`), `request system software download version ${target}`];
    case 'verify': return [CMD.cli.softwareInfo];
    case 'snapshot':
    case 'postcheck': return SNAPSHOT_CALLS;
    case 'switchover': return ['request high-availability state suspend'];
    case 'activate': return [`request system software install version ${target}`, 'request restart system'];
    case 'wait': return ['show system info', 'show chassis-ready'];
    case 'commit': return ['show high-availability state', 'request high-availability state functional'];
    case 'rollback': return [`request system software install version ${plan.previousVersion}`, 'request restart system'];
  }
}

const step = (plan: ActivationPlan, kind: StepKind, extra: Partial<StepSpec> = {}): StepSpec => ({
  id: kind, kind, gate: null, disruptive: false, phase: 'upgrade', commands: commandsFor(kind, plan, { version: extra.version }), ...extra,
});

export function sequence(plan: ActivationPlan, f: PanosFacts): UpgradeSequence {
  const steps: StepSpec[] = [step(plan, 'backup', { phase: 'stage' }), step(plan, 'stage', { phase: 'stage' }), step(plan, 'verify', { phase: 'stage' }), step(plan, 'snapshot')];
  // The active member of a pair hands its traffic over before it restarts.
  if (f.ha && (f.pairRole === 'active' || f.pairRole === 'suspended')) steps.push(step(plan, 'switchover', { gate: 'switchover', disruptive: true, note: 'the HA peer takes over' }));
  steps.push(
    step(plan, 'activate', { gate: 'reload', disruptive: true }),
    step(plan, 'wait', { note: `until ${plan.targetVersion} answers and the chassis is ready` }),
    step(plan, 'postcheck'),
    step(plan, 'commit', f.ha ? { note: 'functional again only where suspended' } : { commands: [], note: 'nothing to commit' }),
  );
  const onFailure = [
    step(plan, 'rollback', { gate: 'rollback', disruptive: true }),
    step(plan, 'wait', { id: 'wait-rollback', version: plan.previousVersion, commands: commandsFor('wait', plan), note: `until ${plan.previousVersion} answers again` }),
  ];
  if (f.ha) onFailure.push(step(plan, 'commit', { id: 'commit-rollback', note: 'HA functional again after the rollback' }));
  return { steps, onFailure };
}

export function gateImpact(spec: StepSpec, plan: ActivationPlan, f: PanosFacts, ctx: { peer: string | null; reloadTimeoutMs: number }): GateImpact {
  const limit = ctx.reloadTimeoutMs < 120_000 ? `${Math.round(ctx.reloadTimeoutMs / 1000)} s` : `${Math.round(ctx.reloadTimeoutMs / 60_000)} min`;
  const peer = ctx.peer ?? 'its HA peer';
  const ha = f.ha;
  if (spec.kind === 'switchover') return { impact: `${f.hostname} suspends its HA role: ${peer} takes over the traffic`, blastRadius: [`HA peer ${peer} becomes active`], rollback: null };
  const standby = ha && (ha.local === 'passive' || ha.local === 'suspended');
  const impact = ha ? `${f.hostname} (${ha.local}) restarts; ${standby ? 'traffic stays on' : 'traffic fails over to'} ${peer}` : `traffic through ${f.hostname} stops until it is back (up to ${limit})`;
  return {
    impact: spec.kind === 'rollback' ? `${impact}, back on ${plan.previousVersion}` : impact,
    blastRadius: ha ? [`HA peer ${peer}`] : [],
    rollback: spec.kind === 'activate' ? `reinstall ${plan.previousVersion} and restart` : null,
  };
}

export function stepHappened(kind: StepKind, f: PanosFacts, plan: ActivationPlan | null, target: string): boolean {
  const on = (v: string) => normalizeVersion(f.version) === normalizeVersion(v);
  if (kind === 'switchover') return f.ha?.local === 'suspended' || on(target);
  if (kind === 'rollback') return !!plan && on(plan.previousVersion);
  return on(target);
}

function panos(f: Facts): PanosFacts {
  if (f.platform !== 'panos') throw new Error(`PAN-OS rules given ${f.platform} facts`);
  return f;
}

export const panosRules: PlatformRules = {
  platform: 'panos',
  plan: (facts, want) => planUpgrade(panos(facts), want),
  precheck: (facts, plan, ctx) => readiness(panos(facts), plan, ctx),
  sequence: (plan, facts) => sequence(plan, panos(facts)),
  commandsFor,
  gateImpact: (spec, plan, facts, ctx) => gateImpact(spec, plan, panos(facts), ctx),
  stepHappened: (kind, facts, plan, target) => stepHappened(kind, panos(facts), plan, target),
  summarize: (facts) => summarizePanos(panos(facts)),
};
