// The disruptive part of a device's upgrade: snapshot, gates, activate and
// wait (switchover for ISSU and HA), post-check against the snapshot, then
// commit — or the rollback gate when the post-check fails.
import type { ActivationPlan, Facts, Snapshot } from '../drivers/contract.js';
import { DeviceError } from '../drivers/errors.js';
import type { AnyDriver } from '../drivers/registry.js';
import { diffSnapshots, type Diff } from './checks.js';
import type { FlowResult, PairContext } from './device-flow.js';
import { describeGate } from './gate-text.js';
import type { GateKind } from './gates.js';
import { journalView, stepDone, type JournalView } from './reconcile.js';
import { Stop, type DeviceRun } from './steps.js';

class PostcheckFailed extends Error {
  constructor(readonly diff: Diff) {
    super(`post-check failed: ${diff.items.filter((i) => !i.ok).map((i) => `${i.name} ${i.detail}`).join('; ')}`);
  }
}

const EMPTY: Snapshot = { routes: null, routesBySource: {}, arp: null, bgp: [], ospf: [], interfaces: [], sessions: null, takenAt: '' };

async function approve(dr: DeviceRun, driver: AnyDriver, f: Facts, plan: ActivationPlan, kind: GateKind, step: 'activate' | 'switchover' | 'rollback'): Promise<void> {
  const gate = describeGate(kind, dr.row, f, plan, driver.commandsFor(step, plan), dr.ctx.settings.reloadTimeoutMs, step);
  const d = await dr.gate(gate);
  if (d.decision === 'approved') return;
  if (d.decision === 'held') throw new Stop('held', `waiting for approval of the ${kind} (${d.source})`);
  throw new Stop(kind === 'rollback' ? 'needs-attention' : 'held', `${kind} refused by ${d.by}`);
}

async function wait(dr: DeviceRun, driver: AnyDriver, version: string, since: number) {
  const r = await dr.step('wait', () => driver.waitForReturn({ version, timeoutMs: dr.ctx.settings.reloadTimeoutMs, since, pollMs: dr.ctx.options.pollMs }));
  const f = r.data?.facts as Facts | undefined;
  dr.patch({ current_version: f?.version ?? version });
  if (f) {
    // What the device runs now, for the console and the next decision.
    dr.ctx.store.saveFacts(dr.hostname, f);
    dr.ctx.bus.emit({ type: 'facts', hostname: dr.hostname, facts: f });
  }
  return r;
}

export async function execute(dr: DeviceRun, driver: AnyDriver, f: Facts, plan: ActivationPlan, v: JournalView, opts: { resumeAfterActivate: boolean; pair?: PairContext }): Promise<FlowResult> {
  const ctx = dr.ctx;
  const target = dr.target!;
  if (!opts.resumeAfterActivate) {
    const pre = await dr.step('snapshot', () => driver.snapshot(), { message: (s) => `routes ${s.routes ?? '–'}, arp ${s.arp ?? '–'}, bgp ${s.bgp.length}, ospf ${s.ospf.length}${s.sessions !== null ? `, sessions ${s.sessions}` : ''}` });
    ctx.store.saveSnapshot(dr.hostname, 'pre', target, ctx.runId, pre);
    const ha = f.extra.ha as { local: string } | null | undefined;
    if (f.platform === 'panos' && ha?.local === 'active' && !stepDone(v, 'switchover')) {
      // The active member of a pair hands its traffic over before it restarts.
      await approve(dr, driver, f, plan, 'switchover', 'switchover');
      await dr.step('switchover', () => driver.switchover());
    }
    await approve(dr, driver, f, plan, 'reload', 'activate');
    const since = Date.now();
    await dr.step('activate', () => driver.activate(plan), { detail: { plan } });
    if (plan.kind !== 'issu') await afterDisruption(() => wait(dr, driver, target, since));
  }
  if (plan.kind === 'issu' && !stepDone(journalView(dr), 'switchover')) {
    await approve(dr, driver, f, plan, 'switchover', 'switchover');
    const since = Date.now();
    await afterDisruption(async () => {
      await dr.step('switchover', () => driver.switchover());
      await wait(dr, driver, target, since);
    });
  }
  return afterDisruption(() => postAndCommit(dr, driver, f, plan));
}

/** Past a reload, an error leaves the device in between versions: a person must look. */
async function afterDisruption<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Stop || err instanceof PostcheckFailed) throw err;
    throw new Stop('needs-attention', err instanceof Error ? err.message : String(err));
  }
}

async function postAndCommit(dr: DeviceRun, driver: AnyDriver, f: Facts, plan: ActivationPlan): Promise<FlowResult> {
  const ctx = dr.ctx;
  const target = dr.target!;
  const s = ctx.settings;
  let diff: Diff | null = null;
  if (!stepDone(journalView(dr), 'postcheck')) {
    try {
      diff = await dr.step('postcheck', async () => {
        const pre = ctx.store.latestSnapshot<Snapshot>(dr.hostname, 'pre', target);
        const post = await driver.snapshot('postcheck');
        ctx.store.saveSnapshot(dr.hostname, 'post', target, ctx.runId, post);
        const d = diffSnapshots(pre ?? EMPTY, post, { routePercent: s.routeMarginPercent, arpPercent: s.arpMarginPercent, sessionPercent: s.sessionMarginPercent });
        ctx.bus.emit({ type: 'diff', hostname: dr.hostname, diff: d });
        dr.patch({ postcheck: d.summary });
        if (!d.ok) throw new PostcheckFailed(d);
        return d;
      }, { message: (d) => d.summary });
    } catch (err) {
      if (err instanceof PostcheckFailed) return rollback(dr, driver, f, plan, err);
      throw err;
    }
  }
  await dr.step('commit', () => driver.commit(plan));
  return { status: 'upgraded', message: `upgraded to ${target}${diff ? ` (${diff.summary})` : ''}` };
}

async function rollback(dr: DeviceRun, driver: AnyDriver, f: Facts, plan: ActivationPlan, failure: PostcheckFailed): Promise<FlowResult> {
  dr.ctx.bus.log('error', failure.message, dr.hostname);
  try {
    await approve(dr, driver, f, plan, 'rollback', 'rollback');
  } catch (err) {
    if (err instanceof Stop) throw new Stop(err.status === 'held' ? 'held' : 'needs-attention', `${failure.message}; ${err.message}`);
    throw err;
  }
  const since = Date.now();
  try {
    const r = await dr.step('rollback', () => driver.rollback(plan), { detail: { plan } });
    if (r.data?.reloads !== false) await wait(dr, driver, plan.previousVersion, since);
  } catch (err) {
    throw new Stop('needs-attention', `${failure.message}; the rollback did not complete: ${err instanceof DeviceError || err instanceof Error ? err.message : String(err)}`);
  }
  await dr.step('rolled-back', async () => ({ message: `rolled back to ${plan.previousVersion}` }));
  return { status: 'rolled-back', message: `${failure.message}; rolled back to ${plan.previousVersion}` };
}
