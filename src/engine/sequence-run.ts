// Runs a driver's step sequence: from the start, or after a crash from the
// step after the last disruptive one done; the commit of a canary waiting for
// its monitoring (docs/architecture.md, "A device's flow").
import type { StepSpec, UpgradeSequence } from '../drivers/contract.js';
import type { Diff } from './checks.js';
import { Stop, type FlowResult } from './outcomes.js';
import { journalView, stepDone, type JournalView } from './reconcile.js';
import { observeFailedActivation, regressedOnPeer, restoreAfterStop, rollBack } from './safe-end.js';
import { PostcheckFailed, runStep, type Execution } from './step-run.js';
import { isA, messageOf } from '../common/errors.js';
import { compareVersions } from '../common/versions.js';

export type { Execution } from './step-run.js';
export { compareWithPre } from './step-run.js';
export { abortText } from './safe-end.js';

/** The last disruptive step of `specs` the journal shows as done. */
export function lastDone(specs: StepSpec[], v: JournalView): StepSpec | null {
  return [...specs].reverse().find((s) => s.disruptive && stepDone(v, s.id)) ?? null;
}

/**
 * From the start (a fresh upgrade) or, when resuming, from the step after the
 * last disruptive one done, skipping what the journal shows as done.
 */
export async function runSequence(x: Execution, seq: UpgradeSequence, v: JournalView, opts: { resume: boolean; cleanup: boolean }): Promise<FlowResult> {
  try {
    return await runSteps(x, seq, v, opts);
  } catch (err) {
    if (isA(err, Stop)) return restoreAfterStop(x, seq, err);
    throw err;
  }
}

async function runSteps(x: Execution, seq: UpgradeSequence, v: JournalView, opts: { resume: boolean; cleanup: boolean }): Promise<FlowResult> {
  const { dr } = x;
  const command = x.upTo;
  // A way back once begun (a rollback done, or started and interrupted before it reached the device) is
  // taken to its end, its gate asked again where not done: the failed post-check is not run again to undo it.
  if (opts.resume && (lastDone(seq.onFailure, v) || seq.onFailure.some((s) => v.last.has(s.id)))) return rollBack(x, seq, v, null);
  let from = 0;
  if (opts.resume) {
    const last = lastDone(seq.steps, v);
    from = last ? seq.steps.indexOf(last) + 1 : 0;
    const entry = last ? v.last.get(last.id) : undefined;
    x.since = entry ? Date.parse(entry.started_at) : Date.now();
  }
  for (const spec of seq.steps.slice(from)) {
    if (command === 'stage' && spec.phase !== 'stage') break;
    if (spec.onlyAsRemedy && !opts.cleanup) continue;
    if (opts.resume && stepDone(v, spec.id)) continue;
    if (spec.kind === 'commit' && commitWaitsForPromotion(x)) {
      return { status: 'running', reason: 'in-progress', message: `${movedTo(x)}${x.lastDiff ? ` (${x.lastDiff.summary})` : ''}; the commit waits for the canary monitoring` };
    }
    try {
      await runStep(x, spec);
    } catch (err) {
      if (isA(err, PostcheckFailed)) return err.diff.seenOn ? regressedOnPeer(x, seq, spec, err) : rollBack(x, seq, journalView(dr), err);
      if (isA(err, Stop) || !dr.finishing) throw err;
      // A failed activation may have changed nothing, or gone through after all: look before deciding.
      if (spec.kind === 'activate') {
        await observeFailedActivation(x, spec, err);
        continue;
      }
      // Past a reload, an error leaves the device in between versions: a person must look.
      throw new Stop('needs-attention', 'device-error', messageOf(err));
    }
  }
  if (command === 'stage') return { status: 'staged', reason: 'done', message: `${x.plan.targetVersion} staged and verified` };
  return { status: 'upgraded', reason: 'done', message: `${movedTo(x)}${x.lastDiff ? ` (${x.lastDiff.summary})` : ''}` };
}

/** The status stays `upgraded` (done), but the words say which way it went (Settings allow_downgrade). */
function movedTo(x: Execution): string {
  const back = !!x.dr.target && !!x.plan.previousVersion && compareVersions(x.dr.target, x.plan.previousVersion) < 0;
  return `${back ? 'downgraded' : 'upgraded'} to ${x.dr.target}`;
}

/**
 * A canary of a run that promotes keeps its activation uncommitted until the
 * canary monitoring passed, so that a regression found then is still undone
 * the usual way (install abort) — unless its auto-abort timer would fire first.
 */
function commitWaitsForPromotion(x: Execution): boolean {
  const { dr } = x;
  const key = dr.hostname.toLowerCase();
  if (!dr.ctx.commitHeld.has(key) || !x.facts.uncommitted) return false;
  const at = x.facts.uncommitted.abortsAt;
  const left = at ? Date.parse(at) - Date.now() : NaN;
  const needed = dr.ctx.settings.monitorAfterCanaryMs + 10 * 60_000;
  // Unknown (the device's timer could not be read) counts as too soon: the canary must not reload itself back mid-monitoring.
  if (!(left >= needed)) {
    const why = Number.isNaN(left) ? 'when the auto-abort timer fires could not be read' : `the auto-abort timer (${x.facts.uncommitted.autoAbort}) would fire before the canary monitoring ends`;
    dr.ctx.bus.log('info', `committing now: ${why}`, dr.hostname);
    return false;
  }
  dr.ctx.commitHeld.set(key, true);
  return true;
}

/** A canary whose commit waited for its monitoring: the rest of its sequence (the commit) now. */
export async function commitAfterMonitoring(x: Execution, seq: UpgradeSequence, diff: Diff): Promise<FlowResult> {
  const { dr } = x;
  const at = seq.steps.findIndex((s) => s.kind === 'commit');
  for (const spec of at < 0 ? [] : seq.steps.slice(at)) {
    try {
      await runStep(x, spec);
    } catch (err) {
      if (isA(err, Stop)) throw err;
      throw new Stop('needs-attention', 'device-error', `upgraded and monitored, but the commit failed: ${messageOf(err)}`);
    }
  }
  return { status: 'upgraded', reason: 'done', message: `${movedTo(x)} and kept through the canary monitoring (${diff.summary})` };
}

/** A regression found after the post-check passed (the canary monitoring): the same way back as a failed post-check. */
export function rollBackAfterRegression(x: Execution, seq: UpgradeSequence, v: JournalView, diff: Diff): Promise<FlowResult> {
  return rollBack(x, seq, v, new PostcheckFailed(diff, 'regression during the canary monitoring'));
}
