// Where a disrupted device ends when its upgrade does not: the rollback
// (gated, never blocked by a stop, the breaker or a window), what to do with
// an uncommitted install whose rollback was refused, and a failed activation
// looked at before deciding (docs/architecture.md, "Safe ends").
import type { Facts, StepSpec, UpgradeSequence } from '../drivers/contract.js';
import { Stop, type FlowResult } from './outcomes.js';
import { recordFacts } from './planning.js';
import { journalView, stepDone, type JournalView } from './reconcile.js';
import { lastDone } from './sequence-run.js';
import { PostcheckFailed, runStep, type Execution } from './step-run.js';
import { isA, messageOf } from '../common/errors.js';

export /**
 * An activation step failed. Look at the device before deciding: back on the
 * target (the activation went through, the error came after) — journal it as
 * reconciled and go on; still on what it ran, no reload for a grace period —
 * nothing changed, the device `failed` (a later run may try again); anything
 * else needs a person.
 */
async function observeFailedActivation(x: Execution, spec: StepSpec, err: unknown): Promise<void> {
  const { dr, driver, plan } = x;
  const message = messageOf(err);
  const target = spec.version ?? dr.target!;
  const grace = Math.min(90_000, dr.ctx.settings.reloadTimeoutMs / 10);
  const poll = Math.min(dr.ctx.options.pollMs ?? 2000, grace);
  const wentThrough = (f: Facts, how: string) => {
    const id = dr.ctx.store.beginStep({ runId: dr.ctx.runId, hostname: dr.hostname, step: spec.id, key: `${dr.hostname}:${spec.id}:${dr.target}`, targetVersion: dr.target, disruptive: true, detail: { plan } });
    dr.ctx.store.endStep(id, 'reconciled', `${spec.id} went through despite "${message}": ${how}`);
    dr.ctx.bus.log('warn', `${spec.id} reported "${message}", but the device ${how}: going on`, dr.hostname);
    x.facts = f;
    x.reloads = true;
  };
  for (;;) {
    let f: Facts;
    try {
      f = await driver.facts({ step: 'observe' });
    } catch {
      // Not answering: reloading, perhaps onto the target. Wait for it as the step would have.
      try {
        const r = await driver.waitForReturn({ version: target, timeoutMs: dr.ctx.settings.reloadTimeoutMs, since: x.since, pollMs: dr.ctx.options.pollMs, plan: x.plan });
        const back = r.data?.facts ?? (await driver.facts({ step: 'observe' }));
        return wentThrough(back, `came back on ${back.version}`);
      } catch (e) {
        throw new Stop('needs-attention', 'device-error', `${message}; then: ${messageOf(e)}`);
      }
    }
    if (driver.rules.stepHappened('activate', f, plan, target)) return wentThrough(f, `runs ${f.version}`);
    const reloaded = f.uptimeSeconds !== null && f.uptimeSeconds < (Date.now() - x.since) / 1000;
    if (reloaded) throw new Stop('needs-attention', 'device-error', `${message}; the device reloaded and runs ${f.version}: check it before going on`);
    if (Date.now() - x.since >= grace) {
      recordFacts(dr, driver, f);
      throw new Stop('failed', 'device-error', `${message}; nothing changed: it still runs ${f.version} and did not reload`);
    }
    await new Promise((r) => setTimeout(r, poll));
  }
}

export /** The post-check failed (or a rollback was under way): the rollback gate, the rollback, and where the device ends. */
async function rollBack(x: Execution, seq: UpgradeSequence, v: JournalView, failure: PostcheckFailed | null): Promise<FlowResult> {
  const { dr } = x;
  const why = failure?.message ?? 'post-check failed';
  if (failure) dr.ctx.bus.log('error', failure.message, dr.hostname);
  x.failure = failure?.message;
  const last = lastDone(seq.onFailure, v);
  const from = last ? seq.onFailure.indexOf(last) + 1 : 0;
  for (const spec of seq.onFailure.slice(from)) {
    if (stepDone(v, spec.id) && last) continue;
    try {
      await runStep(x, spec);
    } catch (err) {
      if (isA(err, Stop) && (err.reason === 'gate-held' || err.reason === 'gate-refused')) return notRolledBack(x, why, err);
      // Rolled back, but what was lost did not come back with the release it had: a person must look.
      if (isA(err, PostcheckFailed)) throw new Stop('needs-attention', 'postcheck-failed', `${why}; rolled back to ${x.plan.previousVersion}, but the post-check after it fails too: ${err.diff.summary}`);
      throw new Stop('needs-attention', 'rollback-failed', `${why}; the rollback did not complete: ${messageOf(err)}`);
    }
  }
  // A mark that closes the campaign (journalView starts afresh after it), with what it says.
  await dr.read('rolled-back', async () => `rolled back to ${x.plan.previousVersion}`, (m) => m);
  const checked = x.lastDiff && seq.onFailure.some((s) => s.kind === 'postcheck') ? ` (after it: ${x.lastDiff.summary})` : '';
  return { status: 'rolled-back', reason: 'rolled-back', message: `${why}; rolled back to ${x.plan.previousVersion}${checked}` };
}

/**
 * Stopped after its switchover and before anything was installed (a refused or held reload, a
 * stop, a failed install that changed nothing): the platform's restore steps bring the device
 * back into service — a PAN-OS member suspended for its upgrade would otherwise stay out of the
 * pair, leaving it without a standby.
 */
export async function restoreAfterStop(x: Execution, seq: UpgradeSequence, stop: Stop): Promise<never> {
  const v = journalView(x.dr);
  const switched = seq.steps.some((s) => s.kind === 'switchover' && stepDone(v, s.id));
  const installed = seq.steps.some((s) => s.kind === 'activate' && stepDone(v, s.id));
  // A device that needs a person (it reloaded unasked, say) is left as it is for them.
  if (!seq.restore?.length || !switched || installed || stop.status === 'needs-attention') throw stop;
  try {
    for (const spec of seq.restore) await runStep(x, spec);
  } catch (err) {
    throw new Stop('needs-attention', 'device-error', `${stop.message}; then bringing ${x.dr.hostname} back into service after its switchover failed: ${messageOf(err)}`);
  }
  throw new Stop(stop.status, stop.reason, `${stop.message}; nothing was installed and ${x.dr.hostname} is back in service after its switchover`);
}

/**
 * The post-check of an HA member that is standby now compared the traffic on its peer, and the
 * traffic regressed there. Rolling this member back would not bring it back (it would return
 * as the standby, the traffic staying on the peer), so no rollback gate is raised: the member
 * is made functional again, so that the pair has its standby, and a person decides (roll both
 * back, or fail the traffic over) with the missing items named.
 */
export async function regressedOnPeer(x: Execution, seq: UpgradeSequence, failedAt: StepSpec, failure: PostcheckFailed): Promise<never> {
  const { dr } = x;
  const peer = failure.diff.seenOn!;
  dr.ctx.bus.log('error', `${failure.message} — seen on ${peer}, which carries the traffic now`, dr.hostname);
  const rest = seq.steps.slice(seq.steps.indexOf(failedAt) + 1).filter((s) => s.kind === 'commit');
  let standby = 'made functional again as the pair\'s standby';
  try {
    for (const spec of rest) await runStep(x, spec);
  } catch (err) {
    standby = `not made functional again (${messageOf(err)})`;
  }
  throw new Stop('needs-attention', 'postcheck-failed', `${failure.message} on ${peer}, which carries the traffic now; ${dr.hostname} runs ${x.plan.targetVersion}, ${standby}; not rolled back (alone it would return as the standby, the traffic staying on ${peer}): roll both members back, or move the traffic`);
}

/** "the auto-abort timer reloads it back to 17.6.5 at 04:12 (in 1h58m)" */
export function abortText(u: NonNullable<Facts['uncommitted']>, previous: string, now = Date.now()): string {
  if (!u.abortsAt) return `its auto-abort timer (${u.autoAbort ?? 'running'}) will reload it back to ${previous}`;
  const at = new Date(u.abortsAt);
  const mins = Math.max(0, Math.round((at.getTime() - now) / 60_000));
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return `its auto-abort timer reloads it back to ${previous} at ${hhmm} (in ${mins >= 60 ? `${Math.floor(mins / 60)}h${String(mins % 60).padStart(2, '0')}m` : `${mins} min`})`;
}

/**
 * The rollback was not approved: the device stays on the new version, which failed its
 * post-checks. Left uncommitted, it undoes the upgrade by itself when its timer runs out,
 * perhaps outside the window; left suspended (an HA member), its pair has no standby. When the
 * operator refused the rollback, they choose now: keep the new version for good (commit: make
 * it whole), or leave it as it is.
 */
async function notRolledBack(x: Execution, why: string, stop: Stop): Promise<never> {
  const { dr, driver, plan } = x;
  const u = x.facts.uncommitted;
  const suspended = x.facts.pairRole === 'suspended';
  if (!u && !suspended) throw new Stop(stop.status, stop.reason, `${why}; ${stop.message}`);
  const state = u ? `uncommitted: ${abortText(u, plan.previousVersion)}` : 'suspended: its HA peer carries the traffic, with no standby';
  const left = `left ${state}`;
  if (stop.reason === 'gate-held') throw new Stop(stop.status, u ? 'uncommitted' : 'gate-held', `${why}; ${stop.message}; ${left}`);
  const commands = driver.rules.commandsFor('commit', plan);
  const gate = {
    id: `${dr.hostname}:commit-kept:${Date.now()}`, hostname: dr.hostname, kind: 'commit' as const, step: 'commit-kept', commands,
    impact: `keeps ${plan.targetVersion} for good, although it failed its post-checks${suspended ? ' (HA made functional again)' : ''}; refusing leaves it ${state}`,
    blastRadius: [], rollback: null, ifRefused: `nothing is sent now; ${dr.hostname} is left ${state}`, why,
  };
  const d = await dr.gate(gate);
  if (d.decision !== 'approved') {
    throw new Stop('needs-attention', u ? 'uncommitted' : 'gate-refused', `${why}; ${stop.message}; ${left}`);
  }
  await dr.step('commit-kept', () => driver.commit(plan));
  throw new Stop('needs-attention', 'gate-refused', `${why}; rollback refused; ${plan.targetVersion} ${u ? 'committed' : 'kept, HA functional again,'} at ${d.by}'s request`);
}
