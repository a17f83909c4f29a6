// The PAN-OS upgrade as data (docs/architecture.md): the plan (a chain of
// hops with their base images), then per hop download, verify, install and
// restart (a reload gate) and wait, each hop verified before the next; the
// active member of a pair suspended first (a switchover gate); post-check;
// HA functional and the pair verified. And the way back.
import { AFTER_ROLLBACK_CHECK, stepId, type ActivationPlan, type Facts, type GateImpact, type PlatformRules, type StepKind, type StepSpec, type UpgradeSequence, type UpgradeWant } from '../contract.js';
import { normalizeVersion } from '../../common/versions.js';
import { DeviceError } from '../errors.js';
import { isA } from '../../common/errors.js';
import { readiness } from './checks.js';
import { CLI, FACTS_CALLS } from './commands.js';
import { hopBases, upgradePath } from './paths.js';
import { snapshotCalls } from './snapshot.js';
import { summarizePanos } from './summary.js';
import type { PanosFacts } from './types.js';

export function planUpgrade(f: PanosFacts, want: UpgradeWant): ActivationPlan {
  const target = normalizeVersion(want.targetVersion);
  let hops: string[];
  try {
    hops = upgradePath(f.version, target, f.software.map((s) => s.version), want.paths).hops;
  } catch (err) {
    if (isA(err, DeviceError)) throw new DeviceError(f.hostname, 'plan', err.kind, err.detail, undefined, false);
    throw err;
  }
  const bases = [...new Set(hopBases(f.version, hops).flat())];
  return {
    kind: 'panos', image: null, targetVersion: target, filesystem: '', previousBoot: [], previousVersion: f.version, stack: false,
    hops, baseImages: bases, syncToPeer: want.settings.panosSyncToPeer && !!f.ha, ...(f.ha ? { haOrder: want.settings.panosHaOrder } : {}),
  };
}

/** The release a hop step works on, and the one it starts from. */
function hopOf(plan: ActivationPlan, version?: string): { v: string; from: string } {
  const hops = plan.hops ?? [plan.targetVersion];
  const v = version ?? hops[hops.length - 1];
  const i = hops.indexOf(v);
  return { v, from: i > 0 ? hops[i - 1] : plan.previousVersion };
}

export function commandsFor(kind: StepKind, plan: ActivationPlan, opts: { version?: string } = {}): string[] {
  const { v, from } = hopOf(plan, opts.version);
  const sync = plan.syncToPeer ?? false;
  switch (kind) {
    case 'backup': return [CLI.configRunning, CLI.deviceState];
    case 'cleanup': return [];
    case 'stage': return [CLI.softwareCheck, ...hopBases(from, [v])[0].map((b) => CLI.download(b, sync)), CLI.download(v, sync)];
    case 'verify': return [CLI.softwareInfo];
    case 'snapshot':
    case 'postcheck': return snapshotCalls(false);
    case 'switchover': return [CLI.haSuspend, CLI.haState];
    case 'install': return [CLI.install(v)];
    case 'activate': return [CLI.restart];
    case 'wait': return [CLI.systemInfo, CLI.chassisReady];
    case 'commit': return [CLI.haState, CLI.haFunctional];
    case 'rollback': return [CLI.install(plan.previousVersion), CLI.restart];
  }
}

export function sequence(plan: ActivationPlan, f: PanosFacts): UpgradeSequence {
  const hops = plan.hops ?? [plan.targetVersion];
  const multi = hops.length > 1;
  const snap = snapshotCalls(f.advancedRouting);
  const step = (kind: StepKind, extra: Partial<StepSpec> = {}): StepSpec => ({
    id: stepId(kind, multi ? extra.version : undefined), kind, gate: null, disruptive: false, phase: 'upgrade',
    commands: commandsFor(kind, plan, { version: extra.version }), ...extra,
  });
  const steps: StepSpec[] = [step('backup', { phase: 'stage' })];
  hops.forEach((v, i) => {
    const version = multi ? v : undefined;
    // Only the first hop downloads before the window: later ones need the release before them running.
    const phase = i === 0 ? 'stage' : 'upgrade';
    steps.push(step('stage', { version, phase, note: 'downloads as jobs, each followed to the end' }), step('verify', { version, phase }));
    if (i === 0) steps.push(step('snapshot', { commands: snap }));
    // Installed before the gates: the job's refusals (the software manager busy) are retried while nothing is disrupted yet.
    steps.push(step('install', { version, note: 'a job followed to the end, retried while the software manager is busy; nothing restarts' }));
    // The member carrying the traffic at its turn hands it over before it restarts (it stays suspended across the hops):
    // the active one, or, active first, the passive one too (its peer, upgraded first, comes back passive).
    const carries = f.pairRole === 'active' || f.pairRole === 'suspended' || (plan.haOrder === 'active-first' && f.pairRole === 'passive');
    if (i === 0 && f.ha && carries) steps.push(step('switchover', { gate: 'switchover', disruptive: true, note: 'the HA peer takes over' }));
    steps.push(
      step('activate', { version, gate: 'reload', disruptive: true, note: `${multi ? `hop ${i + 1} of ${hops.length}: ` : ''}the restart into the installed release` }),
      step('wait', { version, note: `until ${v} answers and the chassis is ready` }),
    );
  });
  steps.push(
    step('postcheck', { commands: snap }),
    step('commit', f.ha ? { note: 'HA functional again where suspended, then the pair verified' } : { commands: [CLI.haState], note: 'nothing to commit on a standalone firewall' }),
  );
  const onFailure = [
    step('rollback', { gate: 'rollback', disruptive: true }),
    step('wait', { id: 'wait-rollback', version: plan.previousVersion, commands: commandsFor('wait', plan), note: `until ${plan.previousVersion} answers again` }),
  ];
  if (f.ha) onFailure.push(step('commit', { id: 'commit-rollback', note: 'HA functional again after the rollback, then the pair verified' }));
  // Back on the release it had: is the traffic as before the upgrade? (A rollback that brought nothing back needs a person.)
  onFailure.push(step('postcheck', { id: AFTER_ROLLBACK_CHECK, commands: snap, note: 'compared with the snapshot from before the upgrade' }));
  const switches = steps.some((s) => s.kind === 'switchover');
  const restore = switches ? [step('commit', { id: 'restore', note: 'HA functional again (nothing was installed), then the pair verified' })] : undefined;
  return { steps, onFailure, restore };
}

function limitText(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/**
 * With preemption on both members, the one of higher priority (the lower number) takes the active
 * role back when it returns: a second failover. Of lower priority, it leaves its peer active.
 */
function preemptionText(f: PanosFacts, peer: string): string {
  const ha = f.ha;
  if (!ha || !ha.preemptive || ha.peerPreemptive === false) return '';
  const mine = ha.priority;
  const theirs = ha.peerPriority;
  if (mine === null || theirs === null) return `; preemption is on: when ${f.hostname} returns it may take the active role back from ${peer} (a second failover; the priorities could not be read)`;
  if (mine < theirs) return `; preemption is on and ${f.hostname} has the higher priority (${mine} < ${theirs}): when it returns it takes the active role back from ${peer} (a second failover)`;
  if (mine === theirs) return `; preemption is on with equal priorities (${mine}): the member with the lower HA1 MAC address takes the active role when ${f.hostname} returns (maybe a second failover)`;
  return `; preemption is on, but ${peer} has the higher priority (${theirs} < ${mine}): it stays active when ${f.hostname} returns`;
}

export function gateImpact(spec: StepSpec, plan: ActivationPlan, f: PanosFacts, ctx: { peer: string | null; reloadTimeoutMs: number }): GateImpact {
  const peer = ctx.peer ?? 'its HA peer';
  const ha = f.ha;
  const preempt = preemptionText(f, peer);
  if (spec.kind === 'switchover') return { impact: `${f.hostname} suspends its HA role: ${peer} takes over the traffic${preempt}`, blastRadius: [`HA peer ${peer} becomes active`], rollback: `request high-availability state functional on ${f.hostname}` };
  const hops = plan.hops ?? [plan.targetVersion];
  const v = spec.kind === 'rollback' ? plan.previousVersion : spec.version ?? plan.targetVersion;
  const hop = spec.kind === 'activate' && hops.length > 1 ? ` (hop ${hops.indexOf(v) + 1} of ${hops.length})` : '';
  // An active member is suspended by the switchover step before its restart (and stays so through a rollback):
  // the gate speaks of the member as it will be then, not as the facts read before the switchover show it.
  const local = ha && ha.local === 'active' && (f.pairRole === 'active' || f.pairRole === 'suspended') ? 'suspended' : ha?.local;
  const standby = ha && (local === 'passive' || local === 'suspended');
  const impact = ha
    ? `${f.hostname} (${local}) restarts onto ${v}${hop}; ${standby ? 'traffic stays on' : 'traffic fails over to'} ${peer}${preempt}`
    : `${f.hostname} restarts onto ${v}${hop}: traffic through it stops until it is back (up to ${limitText(ctx.reloadTimeoutMs)})`;
  return {
    impact,
    blastRadius: ha ? [`HA peer ${peer}`] : [],
    rollback: spec.kind === 'activate' ? `reinstall ${plan.previousVersion} and restart${ha ? ', then HA functional' : ''}` : null,
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
  factsCommands: FACTS_CALLS.map((k) => CLI[k]),
  plan: (facts, want) => planUpgrade(panos(facts), want),
  precheck: (facts, plan, ctx) => readiness(panos(facts), plan, ctx),
  sequence: (plan, facts) => sequence(plan, panos(facts)),
  commandsFor,
  gateImpact: (spec, plan, facts, ctx) => gateImpact(spec, plan, panos(facts), ctx),
  stepHappened: (kind, facts, plan, target) => stepHappened(kind, panos(facts), plan, target),
  summarize: (facts) => summarizePanos(panos(facts)),
};
