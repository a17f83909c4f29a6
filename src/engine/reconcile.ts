// After a crash, a kill or Ctrl-C: what did an interrupted disruptive step do?
// Observe the device (version, uptime, members), never repeat blindly
// (docs/architecture.md, "Resume").
import { stepOfId, type ActivationPlan, type Driver, type Facts, type StepKind } from '../drivers/contract.js';
import { DeviceError } from '../drivers/errors.js';
import type { JournalEntry } from '../store/state.js';
import { Stop } from './outcomes.js';
import type { DeviceRun } from './steps.js';
import { isA } from '../common/errors.js';

export interface JournalView {
  /** Latest entry per step for this device and target, since the last completed rollback (`rolled-back`). */
  last: Map<string, JournalEntry>;
  plan: ActivationPlan | null;
}

export function journalView(dr: DeviceRun): JournalView {
  const entries = dr.ctx.store.journal(dr.hostname).filter((e) => e.target_version === dr.target);
  // A completed rollback closes a campaign: a later run starts afresh.
  const lastRollback = entries.map((e) => (e.step === 'rolled-back' && e.outcome === 'ok' ? e.id : 0)).reduce((a, b) => Math.max(a, b), 0);
  const last = new Map<string, JournalEntry>();
  for (const e of entries) if (e.id > lastRollback) last.set(e.step, e);
  const act = [...last.values()].filter((e) => e.detail_json && kindOf(e.step) === 'activate').sort((a, b) => b.id - a.id)[0];
  const plan = act?.detail_json ? (JSON.parse(act.detail_json) as { plan?: ActivationPlan }).plan ?? null : null;
  return { last, plan };
}

const done = (e: JournalEntry | undefined) => e !== undefined && (e.outcome === 'ok' || e.outcome === 'reconciled' || e.outcome === 'skipped');

export function stepDone(v: JournalView, step: string): boolean {
  return done(v.last.get(step));
}

/** The step kind of a journal name ("activate 11.0.2" is an activate). */
export function kindOf(step: string): string {
  return stepOfId(step).kind;
}

const hasFacts = (r: { data?: { facts: Facts } }, fallback: () => Promise<Facts>) => r.data?.facts ?? fallback();

/** Facts, waiting for the device if a disruptive step left it rebooting. */
export async function observe(dr: DeviceRun, driver: Driver, v: JournalView): Promise<Facts> {
  try {
    return await dr.read('facts', () => driver.facts({ step: 'facts', readiness: true }));
  } catch (err) {
    const inFlight = [...v.last.values()].filter((e) => ['activate', 'switchover', 'rollback'].includes(kindOf(e.step))).sort((a, b) => b.id - a.id)[0];
    // Only a device left rebooting is waited for: once a wait after that step is done, an unreachable
    // device is simply unreachable (a wrong password, the device down), whatever ran before.
    const settled = inFlight && [...v.last.values()].some((e) => e.id > inFlight.id && e.step.startsWith('wait') && done(e));
    // After a reload a management plane may refuse logins while it warms up (PAN-OS answers 403): not final yet.
    // A read-only check never waits: it reports what it sees.
    if (!(isA(err, DeviceError) && (err.transient || err.kind === 'auth')) || !inFlight || settled || dr.ctx.options.command === 'check' || dr.ctx.options.dryRun) throw err;
    const expected = kindOf(inFlight.step) === 'rollback' ? v.plan?.previousVersion : dr.target;
    if (!expected) throw err;
    dr.ctx.bus.log('info', `unreachable after an earlier ${inFlight.step}: waiting for it to come back on ${expected}`, dr.hostname);
    const r = await dr.step('wait', () => driver.waitForReturn({ version: expected, timeoutMs: dr.ctx.settings.reloadTimeoutMs, since: Date.parse(inFlight.started_at), pollMs: dr.ctx.options.pollMs, plan: v.plan }));
    dr.patch({ current_version: expected });
    return hasFacts(r, () => dr.read('facts', () => driver.facts({ step: 'facts', readiness: true })));
  }
}

/**
 * A disruptive step was started and never recorded as ended. Decide from
 * the device whether it happened: `reconciled` when it did (the flow goes on
 * from there), `interrupted` when it did not (it will be gated again).
 * Returns the facts after it; throws Stop when a person must look.
 */
export async function reconcile(dr: DeviceRun, driver: Driver, entry: JournalEntry, v: JournalView): Promise<Facts> {
  const since = Date.parse(entry.started_at);
  const kind = kindOf(entry.step) as StepKind;
  const target = dr.target!;
  const expected = kind === 'rollback' ? v.plan?.previousVersion ?? null : stepOfId(entry.step).version ?? target;
  // A confirmed reload takes seconds to start: keep looking for a grace period before concluding it did not happen.
  const grace = Math.min(90_000, dr.ctx.settings.reloadTimeoutMs / 10);
  const poll = dr.ctx.options.pollMs ?? 2000;
  dr.ctx.bus.log('warn', `${entry.step} was interrupted (started ${entry.started_at}); checking what the device did`, dr.hostname);
  for (;;) {
    let f: Facts;
    try {
      f = await driver.facts({ step: 'reconcile', readiness: true });
    } catch (err) {
      if (!(isA(err, DeviceError) && err.transient) || !expected) throw err;
      // Unreachable: it is rebooting. Wait for it, up to reload_timeout from the step's start; one that
      // never answers is in between, as a device lost after its reload is: a person must look.
      let r;
      try {
        r = await driver.waitForReturn({ version: expected, timeoutMs: dr.ctx.settings.reloadTimeoutMs, since, pollMs: dr.ctx.options.pollMs, plan: v.plan });
      } catch (waitErr) {
        if (!isA(waitErr, DeviceError)) throw waitErr;
        // The entry stays open: whether the step happened is still unknown, and the next run looks again.
        throw new Stop('needs-attention', 'device-error', `${entry.step} was interrupted and the device is not back: ${waitErr.message}`);
      }
      dr.ctx.store.endStep(entry.id, 'reconciled', `${entry.step} completed while upshift was stopped: ${r.message}`);
      return hasFacts(r, () => driver.facts({ step: 'reconcile', readiness: true }));
    }
    const elapsedS = (Date.now() - since) / 1000;
    const reloaded = f.uptimeSeconds !== null && f.uptimeSeconds < elapsedS;
    if (driver.rules.stepHappened(kind, f, v.plan, expected ?? target)) {
      dr.ctx.store.endStep(entry.id, 'reconciled', `${entry.step} completed while upshift was stopped: the device runs ${f.version}`);
      return f;
    }
    if (reloaded && kind !== 'switchover') {
      dr.ctx.store.endStep(entry.id, 'interrupted', `interrupted ${entry.step}: the device reloaded and came back on ${f.version}`);
      throw new Stop('needs-attention', 'unexpected-state', `${entry.step} was interrupted and the device came back on ${f.version}, not ${expected}: check it before going on`);
    }
    if (Date.now() - since >= grace) {
      // Not done: the step will be gated and run again.
      dr.ctx.store.endStep(entry.id, 'interrupted', `${entry.step} did not happen: still on ${f.version}, no reload since it started`);
      return f;
    }
    await new Promise((r) => setTimeout(r, Math.min(poll, grace)));
  }
}
