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
  constructor(readonly diff: Diff) {
    super(`post-check failed: ${diff.items.filter((i) => !i.ok).map((i) => `${i.name} ${i.detail}`).join('; ')}`);
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
    try {
      await runStep(x, spec);
    } catch (err) {
      if (isA(err, PostcheckFailed)) return rollBack(x, seq, journalView(dr), err);
      if (isA(err, Stop) || !dr.finishing) throw err;
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
  const r = await dr.step(spec.id, () => driver.waitForReturn({ version, timeoutMs, since: x.since, pollMs: dr.ctx.options.pollMs, plan: x.plan }));
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
      const s = ctx.settings;
      x.lastDiff = await dr.step(spec.id, async () => {
        const pre = ctx.store.latestSnapshot<Snapshot>(dr.hostname, 'pre', target);
        const post = await driver.snapshot('postcheck');
        ctx.store.saveSnapshot(dr.hostname, 'post', target, ctx.runId, post);
        const d = diffSnapshots(pre ?? EMPTY, post, { routePercent: s.routeMarginPercent, arpPercent: s.arpMarginPercent, sessionPercent: s.sessionMarginPercent });
        ctx.bus.emit({ type: 'diff', hostname: dr.hostname, diff: d });
        dr.patch({ postcheck: d.summary });
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
