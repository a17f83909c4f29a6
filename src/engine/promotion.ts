// Canary promotion: in a run whose Settings say `promote = manual` or give a
// `monitor_after_canary` time, the rest of the fleet waits after the canary
// wave. The canaries are watched for that long, their post-checks run again
// (a regression takes them back the usual way, through their rollback gates,
// and the rest is not promoted), then a `promote` gate asks to go on.
// docs/records.md ("Canary promotion").
import type { Driver } from '../drivers/contract.js';
import type { DeviceRow, DeviceStatus } from '../store/types.js';
import type { RunContext } from './context.js';
import type { Diff } from './checks.js';
import { MONITOR_STEP } from './forecast.js';
import type { Gate } from './gates.js';
import { Stop, type FlowResult, type Reason } from './outcomes.js';
import { recordFacts } from './planning.js';
import { journalView } from './reconcile.js';
import { commitAfterMonitoring, compareWithPre, rollBackAfterRegression, type Execution } from './sequence-run.js';
import { DeviceRun } from './steps.js';
import type { Wave } from './waves.js';
import { isA, messageOf } from '../common/errors.js';

/** The promote gate has no device: it is shown and recorded under this name. */
export const CANARY_LABEL = 'wave 1 (canary)';

/** Whether this run holds the rest of its waves until the canary wave is promoted. */
export function promotes(ctx: RunContext, waves: number): boolean {
  const s = ctx.settings;
  return ctx.options.command === 'run' && !ctx.options.dryRun && waves > 1 && (s.promote === 'manual' || s.monitorAfterCanaryMs > 0);
}

/** Before the canary wave: its single devices keep an uncommitted activation uncommitted until the monitoring passed. */
export function holdCanaryCommits(ctx: RunContext, canary: Wave): void {
  // An HA pair's second member waits for the first to finish: its commit is never held.
  for (const u of canary.units) if (u.hostnames.length === 1) ctx.commitHeld.set(u.hostnames[0].toLowerCase(), false);
}

const clock = (t: number) => new Date(t).toLocaleTimeString('en-GB', { hour12: false });

/** Waits until `until`, or less when the run stops or the breaker trips (the rest will not start then anyway). */
async function watch(ctx: RunContext, until: number): Promise<void> {
  while (Date.now() < until && !ctx.stopReason && !ctx.breakerTripped) await new Promise((r) => setTimeout(r, Math.min(200, until - Date.now())));
}

/** One canary: watched until `until`, its post-check again, then kept (and committed) or rolled back. */
async function monitorCanary(ctx: RunContext, row: DeviceRow, until: number): Promise<DeviceStatus> {
  const key = row.hostname.toLowerCase();
  // Only a canary that really stopped before its commit has one to make (one resumed after an earlier run has not).
  const held = ctx.commitHeld.get(key) === true;
  ctx.commitHeld.delete(key);
  const dr = new DeviceRun(ctx, row);
  // An uncommitted canary is brought to an end whatever happens (its commit or its rollback).
  dr.finishing = held;
  if (!held && (ctx.stopReason || ctx.breakerTripped)) return 'upgraded';
  let driver: Driver | null = null;
  let result: FlowResult;
  try {
    driver = ctx.driver(row);
    const v = journalView(dr);
    if (!v.plan) throw new Stop('needs-attention', 'unexpected-state', 'upgraded, but its activation plan is not in the journal: the canary cannot be checked again');
    const box: { x?: Execution } = {};
    const diff = await dr.read(MONITOR_STEP, async (): Promise<Diff | null> => {
      dr.status('running', MONITOR_STEP, `monitoring until ${clock(until)}, then the post-checks again`, null);
      await watch(ctx, until);
      if (!held && ctx.stopReason) return null;
      const facts = await driver!.facts();
      recordFacts(dr, driver!, facts);
      box.x = { dr, driver: driver!, plan: v.plan!, facts, since: Date.now(), upTo: 'run' };
      return compareWithPre(box.x);
    }, (d) => d?.summary ?? `cut short: ${ctx.stopReason}`);
    const ex = box.x;
    if (!diff || !ex) result = { status: 'upgraded', reason: 'done', message: `upgraded to ${row.targetVersion}; the canary monitoring was cut short (${ctx.stopReason})` };
    else {
      const seq = driver.rules.sequence(ex.plan, ex.facts);
      if (!diff.ok) result = await rollBackAfterRegression(ex, seq, journalView(dr), diff);
      else if (held) result = await commitAfterMonitoring(ex, seq, diff);
      else result = { status: 'upgraded', reason: 'done', message: `upgraded to ${row.targetVersion} and kept through the canary monitoring (${diff.summary})` };
    }
  } catch (err) {
    const stop = isA(err, Stop) ? err : null;
    result = stop ?? { status: 'needs-attention', reason: 'device-error', message: `upgraded, but the canary could not be checked again: ${messageOf(err)}` };
  } finally {
    await driver?.close().catch(() => undefined);
  }
  dr.status(result.status, null, result.message, result.reason);
  return result.status;
}

/** The devices of the waves after the canary, left where they are and told why. */
function holdRest(ctx: RunContext, rest: Wave[], reason: Reason, message: string): void {
  for (const h of rest.flatMap((w) => w.units.flatMap((u) => u.hostnames))) {
    const s = ctx.store.state(h)?.status;
    if (s === 'upgraded' || s === 'already-current' || s === 'skipped') continue;
    new DeviceRun(ctx, ctx.row(h)).status('held', null, message, reason);
  }
}

/** Asks the approver to go on past the canary wave; records the answer like a device's gate. */
async function promoteGate(ctx: RunContext, canary: string[], rest: Wave[]): Promise<'approved' | 'refused' | 'held'> {
  const count = rest.reduce((n, w) => n + w.units.reduce((m, u) => m + u.hostnames.length, 0), 0);
  const gate: Gate = {
    id: `promote:${ctx.runId}:${Date.now()}`, hostname: CANARY_LABEL, kind: 'promote', step: 'promote', commands: [],
    impact: `the rest of the run starts: ${count} device${count === 1 ? '' : 's'} in ${rest.length} wave${rest.length === 1 ? '' : 's'}`,
    blastRadius: canary.map((h) => { const s = ctx.store.state(h); return `${h}: ${s?.status ?? '?'}${s?.postcheck ? ` (${s.postcheck})` : ''}`; }),
    rollback: null,
  };
  ctx.bus.emit({ type: 'gate', hostname: CANARY_LABEL, gate, phase: 'opened' });
  const d = await ctx.options.approver.decide(gate);
  ctx.bus.emit({ type: 'gate', hostname: CANARY_LABEL, gate, phase: 'answered', decision: d });
  if (d.decision !== 'held') ctx.store.recordApproval({ runId: ctx.runId, hostname: CANARY_LABEL, kind: 'promote', step: 'promote', decision: d.decision, operator: d.by, source: d.source, commands: [] });
  if (d.decision === 'approved') return 'approved';
  const why = d.decision === 'refused' ? `refused by ${d.by}` : `not approved (${d.source})`;
  if (!ctx.stopReason) holdRest(ctx, rest, d.decision === 'refused' ? 'gate-refused' : 'gate-held', `waits for the promotion of the canary wave: ${why}`);
  return d.decision;
}

/**
 * After the canary wave: monitoring, the canaries' post-checks again, then
 * the promote gate (Settings promote = manual). True when the rest may start.
 */
export async function promoteCanary(ctx: RunContext, canary: Wave, rest: Wave[]): Promise<boolean> {
  const hosts = canary.units.flatMap((u) => u.hostnames);
  // The canaries this run upgraded (or whose commit waits); the others have nothing to watch.
  const watched = hosts.filter((h) => {
    const s = ctx.store.state(h);
    return s?.status === 'upgraded' || (s?.status === 'running' && ctx.commitHeld.get(h.toLowerCase()) === true);
  });
  const until = Date.now() + ctx.settings.monitorAfterCanaryMs;
  if (watched.length > 0) {
    if (ctx.settings.monitorAfterCanaryMs > 0) ctx.bus.log('info', `canary wave: watching ${watched.join(', ')} until ${clock(until)}, then their post-checks again before promoting`);
    const statuses = await Promise.all(watched.map((h) => monitorCanary(ctx, ctx.row(h), until)));
    const regressed = watched.filter((_, i) => statuses[i] !== 'upgraded');
    if (ctx.stopReason || ctx.breakerTripped) return false;
    if (regressed.length > 0) {
      ctx.bus.log('error', `canary wave not promoted: ${regressed.map((h) => `${h} ${ctx.store.state(h)?.status}`).join(', ')}`);
      holdRest(ctx, rest, 'not-promoted', `not started: the canary wave was not promoted (${regressed.join(', ')} did not stay healthy)`);
      return false;
    }
  }
  for (const h of hosts) ctx.commitHeld.delete(h.toLowerCase());
  if (ctx.stopReason || ctx.breakerTripped) return false;
  if (ctx.settings.promote !== 'manual') return true;
  return (await promoteGate(ctx, hosts, rest)) === 'approved';
}
