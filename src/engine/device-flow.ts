// One device, from what it reports to where this command stops: assess
// (resume, already current, mid-upgrade), pre-checks, then the driver's step
// sequence as far as the command goes (docs/architecture.md, "A device's flow").
import type { Check, Driver, Facts, StepSpec } from '../drivers/contract.js';
import type { RunCommand } from './context.js';
import { Stop, type FlowResult, type Reason } from './outcomes.js';
import { planFor, precheckContext, recordFacts, sameVersion } from './planning.js';
import { imageFileCheck } from './transfer.js';
import { journalView, kindOf, observe, reconcile, stepDone, type JournalView } from './reconcile.js';
import { lastDone, runSequence, type Execution } from './sequence-run.js';
import type { DeviceRun } from './steps.js';

/** An HA pair member: its peer, and how far this pass goes (the runner checks, then stages, both members first). */
export interface PairContext { peer: string; only?: 'check' | 'stage' }

/** The device's whole flow for this command. */
export async function deviceFlow(dr: DeviceRun, driver: Driver, pair?: PairContext): Promise<FlowResult> {
  const ctx = dr.ctx;
  let v = journalView(dr);
  const open = [...v.last.values()].filter((e) => e.outcome === 'started' && e.disruptive === 1).sort((a, b) => b.id - a.id);
  let f: Facts;
  if (open.length > 0) {
    f = await reconcile(dr, driver, open[0], v);
    v = journalView(dr);
  } else f = await observe(dr, driver, v);
  recordFacts(dr, driver, f);

  const target = dr.target!;
  const onTarget = sameVersion(f.version, target);
  const activated = [...v.last.keys()].some((k) => kindOf(k) === 'activate' && stepDone(v, k));
  // Switched over by an earlier run and not brought back (the device still shows it: a PAN-OS member
  // still suspended): the upgrade goes on from there. Brought back since, it starts afresh.
  const switched = !activated && [...v.last.keys()].some((k) => kindOf(k) === 'switchover' && stepDone(v, k)) && driver.rules.stepHappened('switchover', f, null, target);
  if (onTarget && !activated) {
    if (f.uncommitted) throw new Stop('needs-attention', 'unexpected-state', `runs ${f.version} activated but not committed, and not by upshift: commit or abort it by hand`);
    dr.patch({ readiness: 'already current' });
    return { status: 'already-current', reason: 'done', message: `runs ${f.version}` };
  }
  // An upgrade under way goes on with the plan it started with; otherwise the facts decide afresh
  // (an interrupted attempt may have left the image added, say).
  const plan = (activated ? v.plan : null) ?? planFor(dr, driver, f);
  const seq = driver.rules.sequence(plan, f);
  // How far this pass goes: the command's own end, or less for an HA pair's first passes.
  const upTo: RunCommand = ctx.options.dryRun ? 'check' : pair?.only ?? ctx.options.command;
  const x: Execution = { dr, driver, plan, facts: f, since: 0, upTo };
  if (activated || switched) {
    // Finished earlier (every step after the last disruptive one done): upgraded, by an earlier run of this campaign.
    if (onTarget && finished(seq.steps, v) && !f.uncommitted) {
      dr.patch({ readiness: 'already current' });
      return { status: 'upgraded', reason: 'done', message: `upgraded to ${f.version} (by an earlier run)`, earlier: true };
    }
    const last = lastDone(seq.onFailure, v) ?? lastDone(seq.steps, v);
    if (last && !driver.rules.stepHappened(last.kind, f, plan, last.version ?? target)) {
      throw new Stop('needs-attention', 'unexpected-state', `was activated on ${target} but runs ${f.version} (auto-abort timer, failed boot or a manual change?)`);
    }
    if (upTo !== 'run') {
      // Ended by an earlier run as needing a person (a refused rollback and commit, say): a look does not reopen it.
      const before = dr.before;
      if (before?.status === 'needs-attention') return { status: 'needs-attention', reason: (before.reason as Reason | null) ?? 'unexpected-state', message: before.message ?? 'needs attention', earlier: true };
      return { status: 'held', reason: 'in-progress', message: `upgrade in progress (${last?.id ?? 'activate'} done): finish it with upshift run` };
    }
    dr.finishing = true;
    return runSequence(x, seq, v, { resume: true, cleanup: false });
  }
  const checks = await precheck(x, v);
  const failing = checks.filter((c) => !c.ok);
  const cleanup = failing.length > 0;
  if (upTo === 'check') {
    const message = ctx.options.dryRun ? `dry run: ${plan.kind} to ${plan.targetVersion} would follow; nothing changed` : cleanup ? 'ready after removing inactive files (cleanup gate)' : `ready for ${plan.targetVersion} (${plan.kind})`;
    return { status: 'ready', reason: 'done', message };
  }
  ctx.store.savePlan(ctx.runId, dr.hostname, seq.steps.map((s) => ({ kind: s.id, gate: s.gate, commands: s.commands })));
  return runSequence(x, seq, v, { resume: false, cleanup });
}

/** Whether every step after the last disruptive one is done: nothing of this upgrade is left. */
function finished(steps: StepSpec[], v: JournalView): boolean {
  const last = lastDone(steps, v);
  return !!last && steps.slice(steps.indexOf(last) + 1).every((s) => s.onlyAsRemedy || stepDone(v, s.id));
}

/** The pre-check step: the driver's checks and the image repository's; blocks unless a gated remedy can fix all that fails. */
async function precheck(x: Execution, v: JournalView): Promise<Check[]> {
  const { dr, driver, plan, facts: f } = x;
  const ctx = dr.ctx;
  return dr.read('precheck', async () => {
    const checks = driver.rules.precheck(f, plan, precheckContext(dr, stepDone(v, 'switchover')));
    const image = imageFileCheck(plan, ctx.options.imagesDir);
    if (image) checks.push(image);
    const failing = checks.filter((c) => !c.ok);
    const remedy = failing.length > 0 && failing.every((c) => c.remedy === 'cleanup');
    ctx.bus.emit({ type: 'checks', hostname: dr.hostname, phase: 'pre', checks });
    const reasons = failing.map((c) => `${c.name}: ${c.detail}`).join('; ');
    dr.patch({ precheck: summary(checks), readiness: failing.length === 0 ? 'ready' : remedy ? 'needs cleanup' : `✗ ${reasons}` });
    if (failing.length > 0 && !remedy) throw new Stop('blocked', 'prechecks-failed', reasons);
    return checks;
  }, summary);
}

export function summary(checks: Check[]): string {
  return checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}`).join(' ');
}
