// One step of a driver's sequence, run: its gate asked, the driver's
// operation journaled, what it hands back recorded (snapshots, facts, the
// post-check's diff) — docs/architecture.md, "A device's flow".
import { join } from 'node:path';
import { AFTER_ROLLBACK_CHECK, type ActivationPlan, type Driver, type Facts, type ImageSource, type Snapshot, type StepSpec } from '../drivers/contract.js';
import type { SnapshotPhase } from '../store/state.js';
import { diffSnapshots, type Diff } from './checks.js';
import type { RunCommand } from './context.js';
import { gateFor } from './gates.js';
import { Stop } from './outcomes.js';
import { planFor, precheckContext, recordFacts } from './planning.js';
import { imageSourceFor, transferMethod } from './transfer.js';
import type { DeviceRun } from './steps.js';

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
  /** What made the way back begin (the failed post-check), shown at its gates. */
  failure?: string;
}

/** A post-check that found a regression: the way back follows. */
export class PostcheckFailed extends Error {
  constructor(readonly diff: Diff, what = 'post-check failed') {
    super(`${what}: ${diff.items.filter((i) => !i.ok).map((i) => `${i.name} ${i.detail}`).join('; ')}`);
  }
}


async function approve(x: Execution, spec: StepSpec): Promise<void> {
  if (!spec.gate) return;
  const { dr } = x;
  const gate = gateFor({ ...spec, gate: spec.gate }, dr.row, x.driver, x.facts, x.plan, dr.ctx.settings.reloadTimeoutMs);
  const d = await dr.gate(spec.gate === 'rollback' ? { ...gate, why: x.failure, ifRefused: rollbackRefused(x) } : gate);
  if (d.decision === 'approved') return;
  if (d.decision === 'held') throw new Stop('held', 'gate-held', `waiting for approval of the ${spec.gate} (${d.source})`);
  throw new Stop(spec.gate === 'rollback' ? 'needs-attention' : 'held', 'gate-refused', `${spec.gate} refused by ${d.by}`);
}

/** What refusing a rollback leaves (safe-end.ts, notRolledBack, decides it the same way). */
function rollbackRefused(x: Execution): string {
  const host = x.dr.hostname;
  const target = x.plan.targetVersion;
  if (x.facts.uncommitted) return `${host} stays on ${target}, uncommitted; you are then asked to commit it or leave it to its auto-abort timer`;
  if (x.facts.pairRole === 'suspended') return `${host} stays on ${target}, suspended; you are then asked to make it functional on ${target} or leave it suspended`;
  return `${host} stays on ${target}, which failed its post-checks, and needs a person`;
}

async function imageSource(x: Execution): Promise<ImageSource | null> {
  const { dr, plan } = x;
  const ctx = dr.ctx;
  if (!plan.image) return null;
  const localFile = join(ctx.options.imagesDir, plan.image.file);
  const server = !!ctx.imageServer;
  const address = ctx.settings.transfer === 'scp' || !server ? null : ctx.options.serveAddress ?? (await x.driver.localAddress());
  const choice = { transfer: ctx.settings.transfer, server, address };
  if (transferMethod(choice) === 'scp' && ctx.settings.transfer === 'http' && server) {
    ctx.bus.log('info', 'upshift cannot tell which of its addresses the device reaches (a jump host?) and no --serve-address is given: pushing the image with SCP', dr.hostname);
  }
  return imageSourceFor(choice, localFile, (a) => ctx.imageServer!.url(a, dr.hostname, plan.image!.file));
}

async function wait(x: Execution, spec: StepSpec, version: string): Promise<void> {
  const { dr, driver } = x;
  const limit = dr.ctx.settings.reloadTimeoutMs;
  // Resumed long after the step began, the device was already seen up: it still gets a fair look, not an instant timeout.
  const timeoutMs = Math.max(limit, Date.now() - x.since + Math.min(limit / 4, 60_000));
  const r = await dr.step(spec.id, () => driver.waitForReturn({ version, timeoutMs, since: x.since, pollMs: dr.ctx.options.pollMs, plan: x.plan }));
  const f = r.data?.facts ?? (await dr.read('facts', () => driver.facts()));
  x.facts = f;
  recordFacts(dr, driver, f);
}

export async function runStep(x: Execution, spec: StepSpec): Promise<void> {
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
      x.facts = await dr.read('facts', () => driver.facts({ readiness: true }));
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
    case 'install':
      await dr.step(spec.id, () => driver.install(x.plan, spec.version));
      return;
    case 'snapshot': {
      // Saved inside the step: the journal says "done" only once the snapshot is stored, so a crash
      // in between takes a new one instead of leaving the post-check nothing to compare with.
      await dr.read(spec.id, async () => {
        const pre = await driver.snapshot();
        ctx.store.saveSnapshot(dr.hostname, 'pre', target, ctx.runId, pre);
        return pre;
      }, describeSnapshot);
      return;
    }
    case 'switchover':
    case 'activate':
    case 'rollback': {
      x.since = Date.now();
      const r = await dr.step(spec.id, () => (spec.kind === 'switchover' ? driver.switchover(x.plan) : spec.kind === 'activate' ? driver.activate(x.plan, spec.version) : driver.rollback(x.plan)), { disruptive: spec.disruptive, detail: spec.kind === 'activate' ? { plan: x.plan } : undefined });
      x.reloads = r.data?.reloads !== false;
      // The reload_timeout of the wait counts from the reload itself, not from work the step did before it.
      if (r.data?.restartedAt) x.since = r.data.restartedAt;
      return;
    }
    case 'wait':
      if (x.reloads === false) return;
      return wait(x, spec, spec.version ?? target);
    case 'postcheck': {
      x.lastDiff = await dr.read(spec.id, async () => {
        // After a rollback the snapshot is kept apart: the record's post snapshot stays the one that failed.
        const d = await compareWithPre(x, spec.id === AFTER_ROLLBACK_CHECK ? 'after-rollback' : 'post');
        if (!d.ok) throw new PostcheckFailed(d);
        return d;
      }, (d) => d.summary);
      return;
    }
    case 'commit': {
      const r = await dr.step(spec.id, () => driver.commit(x.plan));
      // What the console and the records show must be the device after the commit, not before it.
      if (r.outcome === 'ok') {
        x.facts = await dr.read('facts', () => driver.facts());
        recordFacts(dr, driver, x.facts);
      }
      return;
    }
  }
}

/**
 * The state the post-check compares with the one before. An HA member that carried the pair's
 * traffic before and is standby now (suspended for its upgrade, back as passive) forwards
 * nothing: what must not have regressed is the traffic, so the member carrying it now — its
 * peer — is what is compared (docs/architecture.md, "Post-checks of an HA pair").
 */
async function postState(x: Execution, pre: Snapshot | null, phase: SnapshotPhase): Promise<{ post: Snapshot; on: string | null; unanswered?: Diff }> {
  const { dr, driver } = x;
  const ctx = dr.ctx;
  const own = await driver.snapshot('postcheck');
  if (!(pre?.haRole === 'active' && own.haRole === 'standby' && dr.row.haPeer)) {
    ctx.store.saveSnapshot(dr.hostname, phase, dr.target, ctx.runId, own);
    return { post: own, on: null };
  }
  const peer = ctx.row(dr.row.haPeer);
  const pd = ctx.driver(peer);
  try {
    const now: Snapshot = { ...(await pd.snapshot('postcheck')), of: peer.hostname };
    // What the post-check compared is what the record keeps: the traffic, on the peer.
    ctx.store.saveSnapshot(dr.hostname, phase, dr.target, ctx.runId, now);
    if (now.haRole === 'active') return { post: now, on: peer.hostname };
    const unanswered = { ok: false, summary: 'no member of the pair is active', items: [{ name: 'ha', pre: `${dr.hostname} active`, post: 'both standby', ok: false, detail: `neither ${dr.hostname} nor ${peer.hostname} carries the traffic` }] };
    return { post: now, on: peer.hostname, unanswered };
  } finally {
    await pd.close();
  }
}

/** The post-check: a snapshot now against the one before the upgrade, within the Settings margins (saved, shown, not judged here). */
export async function compareWithPre(x: Execution, phase: SnapshotPhase = 'post'): Promise<Diff> {
  const { dr } = x;
  const ctx = dr.ctx;
  const s = ctx.settings;
  const pre = ctx.store.latestSnapshot<Snapshot>(dr.hostname, 'pre', dr.target);
  const { post, on, unanswered } = await postState(x, pre, phase);
  // Nothing to compare with is not a pass: the upgrade is not committed on no evidence.
  const d = unanswered ?? (pre
    ? diffSnapshots(pre, post, { routePercent: s.routeMarginPercent, arpPercent: s.arpMarginPercent, sessionPercent: s.sessionMarginPercent })
    : { ok: false, summary: 'not compared: no snapshot from before the upgrade', items: [{ name: 'snapshot', pre: '–', post: '✓', ok: false, detail: 'none from before the upgrade to compare with' }] });
  const diff = on ? { ...d, seenOn: on, summary: `${d.summary} (traffic now on ${on}, compared with ${dr.hostname} before)` } : d;
  ctx.bus.emit({ type: 'diff', hostname: dr.hostname, diff });
  if (phase === 'post') dr.patch({ postcheck: diff.summary });
  return diff;
}

function describeSnapshot(s: Snapshot): string {
  return `routes ${s.routes ?? '–'}, arp ${s.arp ?? '–'}, bgp ${s.bgp.length}, ospf ${s.ospf.length}${s.sessions !== null ? `, sessions ${s.sessions}` : ''}`;
}
