// The IOS-XE upgrade as data: which steps, in which order, behind which gate,
// sending which commands — `upshift plan` prints it and the engine runs it
// (docs/architecture.md). Also what a gate says and what shows, after a
// crash, that a disruptive step took place.
import { AFTER_ROLLBACK_CHECK, type ActivationPlan, type Facts, type GateImpact, type ImageSource, type PlatformRules, type StepKind, type StepSpec, type UpgradeSequence } from '../contract.js';
import { DeviceError } from '../errors.js';
import { normalizeVersion } from '../../common/versions.js';
import { activationCommands, issuUnderWay, planActivation, precheck, rollbackCommands, sameRelease, SNAPSHOT_COMMANDS, stageCommands } from './plan.js';
import { FACTS_COMMANDS, READINESS_COMMANDS, ROLLBACK_POINTS } from './facts.js';
import { summarizeIosxe } from './summary.js';
import type { IosxeFacts } from './types.js';

export function commandsFor(kind: StepKind, plan: ActivationPlan, opts: { source?: ImageSource; facts?: Facts } = {}): string[] {
  switch (kind) {
    case 'backup': return ['show running-config', 'show startup-config'];
    case 'cleanup': return ['install remove inactive'];
    case 'stage': {
      if (!plan.image) return [];
      const src = opts.source;
      return stageCommands({ image: plan.image, filesystem: plan.filesystem, method: src?.method ?? 'http', url: src?.method === 'http' ? src.url : undefined });
    }
    case 'verify': return plan.image ? [`verify /${plan.image.sha512 ? 'sha512' : 'md5'} ${plan.filesystem}${plan.image.file}`] : [];
    case 'snapshot':
    case 'postcheck': return SNAPSHOT_COMMANDS;
    // IOS-XE installs as it activates (install add … activate): no separate install step.
    case 'install': return [];
    case 'activate': return activationCommands(plan);
    case 'switchover': return ['write memory', 'redundancy force-switchover'];
    // Each poll until it is back logs in and reads the facts (the port watched while it refuses).
    case 'wait': return [...FACTS_COMMANDS];
    // The install state is read first: a commit made before an interruption is not made again.
    case 'commit': return plan.kind === 'install' || plan.kind === 'issu' ? ['show install summary', 'install commit'] : [];
    // What the device shows decides (an ISSU stopped before its switchover, the previous image on flash): the driver sends the same.
    case 'rollback': return rollbackCommands(plan, opts.facts ? iosxe(opts.facts) : null);
  }
}

const step = (plan: ActivationPlan, kind: StepKind, extra: Partial<StepSpec> = {}, facts?: Facts): StepSpec => ({
  id: kind, kind, gate: null, disruptive: false, phase: 'upgrade', commands: commandsFor(kind, plan, { facts }), ...extra,
});

export function sequence(plan: ActivationPlan, facts: Facts): UpgradeSequence {
  const commits = plan.kind === 'install' || plan.kind === 'issu';
  const steps: StepSpec[] = [step(plan, 'backup', { phase: 'stage' })];
  // Install mode can make room for the image by removing inactive ones (gated: it deletes files).
  if (plan.kind !== 'bundle') steps.push(step(plan, 'cleanup', { phase: 'stage', gate: 'cleanup', onlyAsRemedy: true, note: 'only when flash is short and inactive images can go' }));
  steps.push(
    step(plan, 'stage', { phase: 'stage' }),
    step(plan, 'verify', { phase: 'stage' }),
    step(plan, 'snapshot'),
    // An ISSU's activation upgrades the standby, switches over and upgrades the old active by
    // itself (docs/devices/iosxe-sessions.md): its one gate says so; no second switchover.
    step(plan, 'activate', { gate: 'reload', disruptive: true, note: plan.kind === 'issu' ? 'ISSU: standby first, then a switchover, then the old active' : undefined }),
  );
  steps.push(
    step(plan, 'wait', { note: `reconnect until every member runs ${plan.targetVersion}` }),
    step(plan, 'postcheck'),
    step(plan, 'commit', commits ? {} : { note: 'nothing to commit' }),
  );
  return {
    steps,
    onFailure: [
      step(plan, 'rollback', { gate: 'rollback', disruptive: true }, facts),
      step(plan, 'wait', { id: 'wait-rollback', version: plan.previousVersion, note: `reconnect until it runs ${plan.previousVersion} again` }),
      // Back on the release it had: is it forwarding as before the upgrade? (A rollback that brought nothing back needs a person.)
      step(plan, 'postcheck', { id: AFTER_ROLLBACK_CHECK, note: 'compared with the snapshot from before the upgrade' }),
    ],
  };
}

function timeLimit(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

export function gateImpact(spec: StepSpec, plan: ActivationPlan, f: IosxeFacts, ctx: { peer: string | null; reloadTimeoutMs: number }): GateImpact {
  const r = f.redundancy;
  const issu = plan.kind === 'issu';
  const blast: string[] = [];
  if (r.kind === 'stack') blast.push(`all ${r.members.length} stack members reload`);
  if (r.kind === 'svl') blast.push(issu && spec.kind === 'activate' ? 'both StackWise Virtual chassis, one after the other: the standby first, then a switchover, then the old active' : 'both StackWise Virtual chassis');
  if (r.kind === 'dual-sup') blast.push(issu && spec.kind === 'activate' ? 'both supervisors, one after the other: the standby first, then a switchover, then the old active' : 'both supervisors');
  let impact: string;
  let rollback: string | null = null;
  if (spec.kind === 'switchover') impact = `${f.hostname} switches over to its standby (already on ${plan.targetVersion}); the old active reloads and rejoins as standby`;
  else if (spec.kind === 'cleanup') impact = `inactive image and package files are deleted from ${f.filesystem ?? 'flash'} (the running version is kept)`;
  else if (spec.kind === 'rollback') impact = `${f.hostname} goes back to ${plan.previousVersion}${plan.kind === 'issu' ? '' : `: traffic stops while it reloads (up to ${timeLimit(ctx.reloadTimeoutMs)})`}`;
  else if (issu) impact = `ISSU of ${f.hostname} to ${plan.targetVersion}: the standby reloads first, then a switchover (traffic moves to the upgraded standby; the SSH session drops), then the old active reloads and rejoins`;
  else impact = `traffic through ${f.hostname} stops while it reloads (up to ${timeLimit(ctx.reloadTimeoutMs)})`;
  if (spec.kind === 'activate') {
    rollback = plan.kind === 'install' ? 'install abort (auto-abort timer 120 min)' : plan.kind === 'bundle' ? `restore the boot variable ${plan.previousBoot.join(';')} and reload` : issu ? 'install abort (both members go back; the auto-abort timer does the same after 120 min)' : plan.kind === 'install-oneshot' ? oneshotWayBack(plan) : `re-install ${plan.previousVersion}`;
  }
  return { impact, blastRadius: blast, rollback };
}

function oneshotWayBack(plan: ActivationPlan): string {
  return plan.rollbackPoint === undefined ? `none recorded (no rollback point read before the upgrade): back to ${plan.previousVersion} by hand` : `install rollback to id ${plan.rollbackPoint} (back to ${plan.previousVersion})`;
}

/** What shows, after a crash, that an interrupted disruptive step took place. */
export function stepHappened(kind: StepKind, f: IosxeFacts, plan: ActivationPlan | null, target: string): boolean {
  const on = (v: string | null | undefined) => !!v && normalizeVersion(v) === normalizeVersion(target);
  if (kind === 'rollback') return !!plan && normalizeVersion(f.version) === normalizeVersion(plan.previousVersion);
  if (on(f.version)) return true;
  // Activated and not yet reloaded: the target is the uncommitted package, the reload follows by itself.
  if (kind === 'activate' && (f.install?.packages ?? []).some((p) => p.state === 'U' && sameRelease(p.version, target))) return true;
  // ISSU: the standby was upgraded, the active not yet; or the standby is reloading onto the added
  // target (upshift starts an ISSU only with the peer STANDBY HOT, so its absence means it began).
  if (kind === 'activate' && plan?.kind === 'issu') return issuUnderWay(f, target);
  return false;
}

function iosxe(f: Facts): IosxeFacts {
  if (f.platform !== 'iosxe') throw new Error(`IOS-XE rules given ${f.platform} facts`);
  return f;
}

export const iosxeRules: PlatformRules = {
  platform: 'iosxe',
  // `dir <fs>` follows when the default file system is not the boot one; whole configs only without header lines;
  // the rollback points in install mode only.
  factsCommands: [...FACTS_COMMANDS, ...READINESS_COMMANDS, ROLLBACK_POINTS],
  plan(facts, want) {
    const f = iosxe(facts);
    if (!want.image) throw new DeviceError(f.hostname, 'plan', 'precondition', 'no image for this device: fill its image column and the Images sheet', undefined, false);
    return planActivation(f, want.image, want.settings);
  },
  precheck: (facts, plan, ctx) => precheck(iosxe(facts), plan.image!, ctx.settings, plan),
  sequence,
  commandsFor,
  gateImpact: (spec, plan, facts, ctx) => gateImpact(spec, plan, iosxe(facts), ctx),
  stepHappened: (kind, facts, plan, target) => stepHappened(kind, iosxe(facts), plan, target),
  summarize: (facts) => summarizeIosxe(iosxe(facts)),
};
