// Runs a driver's step sequence: each step journaled, each gated one asked,
// the post-check compared with the snapshot, and — when it fails — the way
// back (docs/architecture.md, "A device's flow").
import { join } from 'node:path';
import type { ActivationPlan, Driver, Facts, ImageSource, Snapshot, StepSpec, UpgradeSequence } from '../drivers/contract.js';
import { diffSnapshots, type Diff } from './checks.js';
import type { RunCommand } from './context.js';
import { gateFor } from './gates.js';
import { Stop, type FlowResult } from './outcomes.js';
import { planFor, precheckContext, recordFacts } from './planning.js';
import { journalView, stepDone, type JournalView } from './reconcile.js';
import type { DeviceRun } from './steps.js';
import { isA, messageOf } from '../common/errors.js';

export interface Execution {
  dr: DeviceRun;
  driver: Driver;
  plan: ActivationPlan;
  facts: Facts;
  /** When the last disruptive step started: a wait counts its timeout from there. */
  since: number;
  /** Where this pass stops: `stage` after the staging steps, `run` at the end. */
  upTo: RunCommand;
  /** Whether the last disruptive step reloaded the device (a wait follows only then). */
  reloads?: boolean;
  /** The post-check's diff, for the final message. */
  lastDiff?: Diff;
}

class PostcheckFailed extends Error {
  constructor(readonly diff: Diff, what = 'post-check failed') {
    super(`${what}: ${diff.items.filter((i) => !i.ok).map((i) => `${i.name} ${i.detail}`).join('; ')}`);
  }
}

const EMPTY: Snapshot = { routes: null, routesBySource: {}, arp: null, bgp: [], ospf: [], interfaces: [], sessions: null, takenAt: '' };

/** The last disruptive step of `specs` the journal shows as done. */
export function lastDone(specs: StepSpec[], v: JournalView): StepSpec | null {
  return [...specs].reverse().find((s) => s.disruptive && stepDone(v, s.id)) ?? null;
}

/**
 * From the start (a fresh upgrade) or, when resuming, from the step after the
 * last disruptive one done, skipping what the journal shows as done.
 */
export async function runSequence(x: Execution, seq: UpgradeSequence, v: JournalView, opts: { resume: boolean; cleanup: boolean }): Promise<FlowResult> {
  const { dr } = x;
  const command = x.upTo;
  if (opts.resume && lastDone(seq.onFailure, v)) return rollBack(x, seq, v, null);
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
      return { status: 'running', reason: 'in-progress', message: `upgraded to ${dr.target}${x.lastDiff ? ` (${x.lastDiff.summary})` : ''}; the commit waits for the canary monitoring` };
    }
    try {
      await runStep(x, spec);
    } catch (err) {
      if (isA(err, PostcheckFailed)) return rollBack(x, seq, journalView(dr), err);
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
  return { status: 'upgraded', reason: 'done', message: `upgraded to ${dr.target}${x.lastDiff ? ` (${x.lastDiff.summary})` : ''}` };
}

async function approve(x: Execution, spec: StepSpec): Promise<void> {
  if (!spec.gate) return;
  const { dr } = x;
  const d = await dr.gate(gateFor({ ...spec, gate: spec.gate }, dr.row, x.driver, x.facts, x.plan, dr.ctx.settings.reloadTimeoutMs));
  if (d.decision === 'approved') return;
  if (d.decision === 'held') throw new Stop('held', 'gate-held', `waiting for approval of the ${spec.gate} (${d.source})`);
  throw new Stop(spec.gate === 'rollback' ? 'needs-attention' : 'held', 'gate-refused', `${spec.gate} refused by ${d.by}`);
}

async function imageSource(x: Execution): Promise<ImageSource | null> {
  const { dr, plan } = x;
  const ctx = dr.ctx;
  if (!plan.image) return null;
  const localFile = join(ctx.options.imagesDir, plan.image.file);
  if (ctx.settings.transfer === 'scp' || !ctx.imageServer) return { method: 'scp', localFile };
  const address = ctx.options.serveAddress ?? (await x.driver.localAddress());
  if (!address) {
    ctx.bus.log('info', 'upshift cannot tell which of its addresses the device reaches (a jump host?) and no --serve-address is given: pushing the image with SCP', dr.hostname);
    return { method: 'scp', localFile };
  }
  return { method: 'http', url: ctx.imageServer.url(address, dr.hostname, plan.image.file) };
}

async function wait(x: Execution, spec: StepSpec, version: string): Promise<void> {
  const { dr, driver } = x;
  const limit = dr.ctx.settings.reloadTimeoutMs;
  // Resumed long after the step began, the device was already seen up: it still gets a fair look, not an instant timeout.
  const timeoutMs = Math.max(limit, Date.now() - x.since + Math.min(limit / 4, 60_000));
  const r = await dr.step(spec.id, () => driver.waitForReturn({ version, timeoutMs, since: x.since, pollMs: dr.ctx.options.pollMs }));
  const f = r.data?.facts ?? (await dr.step('facts', () => driver.facts()));
  x.facts = f;
  recordFacts(dr, driver, f);
}

async function runStep(x: Execution, spec: StepSpec): Promise<void> {
  const { dr, driver } = x;
  const ctx = dr.ctx;
  const target = dr.target!;
  await approve(x, spec);
  switch (spec.kind) {
    case 'backup':
      await dr.step(spec.id, () => driver.backup(join(ctx.options.stateDir, 'backups')));
      return;
    case 'cleanup': {
      await dr.step(spec.id, () => driver.cleanup(x.plan));
      x.facts = await dr.step('facts', () => driver.facts({ readiness: true }));
      x.plan = planFor(dr, driver, x.facts);
      const still = driver.rules.precheck(x.facts, x.plan, precheckContext(dr, false)).filter((c) => !c.ok && c.remedy === 'cleanup');
      if (still.length > 0) throw new Stop('blocked', 'prechecks-failed', `${still.map((c) => `${c.name}: ${c.detail}`).join('; ')} even after the cleanup`);
      return;
    }
    case 'stage': {
      const source = await imageSource(x);
      await dr.step(spec.id, () => driver.stage(x.plan, source, spec.version));
      return;
    }
    case 'verify':
      await dr.step(spec.id, () => driver.verify(x.plan, spec.version));
      return;
    case 'snapshot': {
      const pre = await dr.step(spec.id, () => driver.snapshot(), { message: (s) => describeSnapshot(s) });
      ctx.store.saveSnapshot(dr.hostname, 'pre', target, ctx.runId, pre);
      return;
    }
    case 'switchover':
    case 'activate':
    case 'rollback': {
      x.since = Date.now();
      const r = await dr.step(spec.id, () => (spec.kind === 'switchover' ? driver.switchover(x.plan) : spec.kind === 'activate' ? driver.activate(x.plan, spec.version) : driver.rollback(x.plan)), { disruptive: true, detail: spec.kind === 'activate' ? { plan: x.plan } : undefined });
      x.reloads = r.data?.reloads !== false;
      return;
    }
    case 'wait':
      if (x.reloads === false) return;
      return wait(x, spec, spec.version ?? target);
    case 'postcheck': {
      x.lastDiff = await dr.step(spec.id, async () => {
        const d = await compareWithPre(x);
        if (!d.ok) throw new PostcheckFailed(d);
        return d;
      }, { message: (d) => d.summary });
      return;
    }
    case 'commit': {
      const r = await dr.step(spec.id, () => driver.commit(x.plan));
      // What the console and the records show must be the device after the commit, not before it.
      if (r.outcome === 'ok') {
        x.facts = await dr.step('facts', () => driver.facts());
        recordFacts(dr, driver, x.facts);
      }
      return;
    }
  }
}

/** The post-check: a snapshot now against the one before the upgrade, within the Settings margins (saved, shown, not judged here). */
export async function compareWithPre(x: Execution): Promise<Diff> {
  const { dr, driver } = x;
  const ctx = dr.ctx;
  const s = ctx.settings;
  const pre = ctx.store.latestSnapshot<Snapshot>(dr.hostname, 'pre', dr.target);
  const post = await driver.snapshot('postcheck');
  ctx.store.saveSnapshot(dr.hostname, 'post', dr.target, ctx.runId, post);
  const d = diffSnapshots(pre ?? EMPTY, post, { routePercent: s.routeMarginPercent, arpPercent: s.arpMarginPercent, sessionPercent: s.sessionMarginPercent });
  ctx.bus.emit({ type: 'diff', hostname: dr.hostname, diff: d });
  dr.patch({ postcheck: d.summary });
  return d;
}

/** "… time before rollback - 01:49:42" → milliseconds, or null when the text names no time. */
function autoAbortLeftMs(text: string | null): number | null {
  const m = text ? /(\d+):(\d{2}):(\d{2})\s*$/.exec(text) : null;
  return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 : null;
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
  const left = autoAbortLeftMs(x.facts.uncommitted.autoAbort);
  const needed = dr.ctx.settings.monitorAfterCanaryMs + 10 * 60_000;
  if (left !== null && left < needed) {
    dr.ctx.bus.log('info', `committing now: the auto-abort timer (${x.facts.uncommitted.autoAbort}) would fire before the canary monitoring ends`, dr.hostname);
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
  return { status: 'upgraded', reason: 'done', message: `upgraded to ${dr.target} and kept through the canary monitoring (${diff.summary})` };
}

/** A regression found after the post-check passed (the canary monitoring): the same way back as a failed post-check. */
export function rollBackAfterRegression(x: Execution, seq: UpgradeSequence, v: JournalView, diff: Diff): Promise<FlowResult> {
  return rollBack(x, seq, v, new PostcheckFailed(diff, 'regression during the canary monitoring'));
}

/**
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
        const r = await driver.waitForReturn({ version: target, timeoutMs: dr.ctx.settings.reloadTimeoutMs, since: x.since, pollMs: dr.ctx.options.pollMs });
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

/** The post-check failed (or a rollback was under way): the rollback gate, the rollback, and where the device ends. */
async function rollBack(x: Execution, seq: UpgradeSequence, v: JournalView, failure: PostcheckFailed | null): Promise<FlowResult> {
  const { dr } = x;
  const why = failure?.message ?? 'post-check failed';
  if (failure) dr.ctx.bus.log('error', failure.message, dr.hostname);
  const last = lastDone(seq.onFailure, v);
  const from = last ? seq.onFailure.indexOf(last) + 1 : 0;
  for (const spec of seq.onFailure.slice(from)) {
    if (stepDone(v, spec.id) && last) continue;
    try {
      await runStep(x, spec);
    } catch (err) {
      if (isA(err, Stop) && (err.reason === 'gate-held' || err.reason === 'gate-refused')) return notRolledBack(x, why, err);
      throw new Stop('needs-attention', 'rollback-failed', `${why}; the rollback did not complete: ${messageOf(err)}`);
    }
  }
  await dr.step('rolled-back', async () => ({ message: `rolled back to ${x.plan.previousVersion}` }));
  return { status: 'rolled-back', reason: 'rolled-back', message: `${why}; rolled back to ${x.plan.previousVersion}` };
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
 * The rollback was not approved. A device left activated and uncommitted will undo the upgrade
 * by itself when its timer runs out, perhaps outside the window: when the operator refused the
 * rollback, they choose now — commit the new version for good, or leave it to the timer.
 */
async function notRolledBack(x: Execution, why: string, stop: Stop): Promise<never> {
  const { dr, driver, plan } = x;
  const u = x.facts.uncommitted;
  if (!u) throw new Stop(stop.status, stop.reason, `${why}; ${stop.message}`);
  const timer = abortText(u, plan.previousVersion);
  if (stop.reason === 'gate-held') throw new Stop(stop.status, 'uncommitted', `${why}; ${stop.message}; left uncommitted: ${timer}`);
  const commands = driver.rules.commandsFor('commit', plan);
  const gate = {
    id: `${dr.hostname}:commit-kept:${Date.now()}`, hostname: dr.hostname, kind: 'commit' as const, step: 'commit-kept', commands,
    impact: `keeps ${plan.targetVersion} for good, although it failed its post-checks; refusing leaves it uncommitted: ${timer}`,
    blastRadius: [], rollback: null,
  };
  const d = await dr.gate(gate);
  if (d.decision !== 'approved') {
    throw new Stop('needs-attention', 'uncommitted', `${why}; ${stop.message}; left uncommitted: ${timer}`);
  }
  await dr.step('commit-kept', () => driver.commit(plan));
  throw new Stop('needs-attention', 'gate-refused', `${why}; rollback refused; ${plan.targetVersion} committed at ${d.by}'s request`);
}

function describeSnapshot(s: Snapshot): string {
  return `routes ${s.routes ?? '–'}, arp ${s.arp ?? '–'}, bgp ${s.bgp.length}, ospf ${s.ospf.length}${s.sessions !== null ? `, sessions ${s.sessions}` : ''}`;
}
