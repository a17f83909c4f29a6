// The run: devices selected, waves in order, units (a device, or an HA pair)
// with bounded concurrency, the circuit breaker, and the exit code.
import pLimit from 'p-limit';
import { DeviceError } from '../drivers/errors.js';
import { isUpgradable } from '../drivers/registry.js';
import type { Driver, Facts } from '../drivers/contract.js';
import { globToRegExp } from '../store/patterns.js';
import type { DeviceRow, DeviceStatus } from '../store/types.js';
import type { RunContext } from './context.js';
import { deviceFlow, type PairContext } from './device-flow.js';
import { Stop, type Reason } from './outcomes.js';
import type { RunEnd, RunStop } from './events.js';
import { exitCodeOf, KEPT_BY_CHECK, RESULTS, STATUS } from './status.js';
import { DeviceRun } from './steps.js';
import { wantFor } from './planning.js';
import { TargetError } from './targets.js';
import { planWaves, type Unit } from './waves.js';
import type { RunPlan } from './forecast.js';
import { holdCanaryCommits, promoteCanary, promotes } from './promotion.js';
import { saveRunPlan } from '../store/records.js';
import { isA, messageOf, stackOf } from '../common/errors.js';


export class SelectionError extends Error {}

/** --only: hostname glob, group=X, site=X, wave=N; several expressions add up. */
export function selectDevices(rows: DeviceRow[], only: string[]): DeviceRow[] {
  const candidates = rows.filter((r) => r.enabled && isUpgradable(r.platform));
  if (only.length === 0) return candidates;
  const tests = only.map((expr) => {
    const m = /^(group|site|wave)=(.+)$/i.exec(expr.trim());
    if (m) {
      const key = m[1].toLowerCase() as 'group' | 'site' | 'wave';
      const value = m[2].trim().toLowerCase();
      if (key === 'wave' && !/^\d+$/.test(value)) throw new SelectionError(`--only ${expr}: a wave is a number`);
      return (r: DeviceRow) => String(r[key] ?? '').toLowerCase() === value;
    }
    if (!/^[\w.*?-]+$/.test(expr.trim())) throw new SelectionError(`--only ${expr}: use a hostname glob, group=X, site=X or wave=N`);
    const re = globToRegExp(expr.trim());
    return (r: DeviceRow) => re.test(r.hostname);
  });
  const picked = candidates.filter((r) => tests.some((t) => t(r)));
  // An HA pair travels together: picking one member brings the other.
  for (const r of [...picked]) {
    const peer = r.haPeer ? candidates.find((c) => c.hostname.toLowerCase() === r.haPeer!.toLowerCase()) : undefined;
    if (peer && !picked.includes(peer)) picked.push(peer);
  }
  if (picked.length === 0) throw new SelectionError(`no enabled device matches --only ${only.join(' ')}`);
  return candidates.filter((r) => picked.includes(r));
}

async function runDevice(ctx: RunContext, row: DeviceRow, pair?: PairContext): Promise<DeviceStatus> {
  const dr = new DeviceRun(ctx, row);
  const counted = !pair?.only;
  if (counted) ctx.started++;
  let status: DeviceStatus = 'failed';
  let driver: Driver | null = null;
  const before = ctx.store.state(row.hostname);
  const credential = row.credential || 'default';
  let tried = false;
  try {
    const spared = ctx.spared(credential);
    if (spared) throw new DeviceError(row.hostname, 'connect', 'auth', spared, undefined, false);
    tried = true;
    driver = ctx.driver(row);
    const r = await deviceFlow(dr, driver, pair);
    ctx.noteLogin(credential, row.hostname, false);
    status = r.status;
    // How an earlier run ended, found so again: the times of that run stand (the change record's durations).
    const times = r.earlier && before ? { started_at: before.started_at, finished_at: before.finished_at } : {};
    dr.status(r.status, null, r.message, r.reason, times);
  } catch (err) {
    const message = messageOf(err);
    let reason: Reason = 'device-error';
    if (isA(err, Stop)) {
      status = err.status;
      reason = err.reason;
    } else if (isA(err, TargetError)) {
      status = 'blocked';
      reason = 'not-upgradable';
    }
    const step = isA(err, DeviceError) ? err.step : ctx.store.state(row.hostname)?.step ?? null;
    // A refused login counts against its credentials entry; an end past the login shows one that got through.
    const atLogin = isA(err, DeviceError) && (step === 'facts' || step === 'connect');
    if (tried && !dr.finishing && atLogin && (err as DeviceError).kind === 'auth') ctx.noteLogin(credential, row.hostname, true);
    else if (tried && !atLogin) ctx.noteLogin(credential, row.hostname, false);
    // A look that did not get through (a wrong password, the device down) — a check's, or any command's before it
    // did anything — says so; how an earlier upgrade ended stands. Not a failure of this run: nothing happened.
    const onlyLooked = ctx.options.command === 'check' || ctx.options.dryRun || (!dr.finishing && (step === 'facts' || step === 'connect'));
    if (onlyLooked && !pair?.only && isA(err, DeviceError) && before && KEPT_BY_CHECK.has(before.status)) {
      dr.restore(before, `not read by ${ctx.options.command}: ${message}`);
      ctx.bus.log('error', `${ctx.options.command} could not read it (${message}); its status stays ${before.status}`, row.hostname);
      ctx.unread++;
      return before.status;
    }
    dr.status(status, status === 'pending' ? null : step, message, reason);
    if (!(isA(err, Stop) || isA(err, DeviceError) || isA(err, TargetError))) ctx.bus.log('debug', stackOf(err), row.hostname);
    if (reason === 'window') ctx.windowStops++;
  } finally {
    await driver?.close().catch(() => undefined);
    if (counted) ctx.deviceFinished(STATUS[status].failure);
  }
  return status;
}

/** A device this run did not start: `pending`, unless an earlier run's result stands (an upgraded device stays upgraded). */
function notStartedHere(ctx: RunContext, hostname: string): void {
  const why = `not started: ${ctx.stopReason ?? 'the circuit breaker tripped'}`;
  const s = ctx.store.state(hostname);
  if (s && RESULTS.has(s.status)) {
    ctx.bus.log('info', `${why}; its earlier result stands (${s.status})`, hostname);
    return;
  }
  // Left mid-way by an earlier run that is gone: the next run finishes it.
  const left = s?.status === 'running' && s.step ? `; an earlier run left it at ${s.step}: the next run finishes it` : '';
  new DeviceRun(ctx, ctx.row(hostname)).status('pending', null, why + left, 'not-started');
}

/** The gates a member's sequence will ask, planned from the facts its check just read (none when it cannot be planned). */
function plannedGates(ctx: RunContext, r: DeviceRow): string[] {
  const f = ctx.store.latestFacts<Facts>(r.hostname)?.facts;
  if (!f) return [];
  try {
    const want = wantFor(new DeviceRun(ctx, r));
    const rules = ctx.rules(r);
    if (!rules) return [];
    return rules.sequence(rules.plan(f, want), f).steps.flatMap((s) => (s.gate ? [s.gate] : []));
  } catch {
    return [];
  }
}

const isActive = (ctx: RunContext, r: DeviceRow) => ctx.store.latestFacts<Facts>(r.hostname)?.facts.pairRole === 'active';

/**
 * An HA pair: both members checked before either is touched, then both
 * staged (neither waits for its download while the other runs the target);
 * a member already half-way is finished first; then one member after the
 * other in the configured order (the active is suspended before its turn).
 */
async function runPair(ctx: RunContext, rows: DeviceRow[]): Promise<void> {
  const command = ctx.options.command;
  if (command === 'check' || ctx.options.dryRun) {
    for (const r of rows) await runDevice(ctx, r);
    return;
  }
  const peerOf = (r: DeviceRow) => rows.find((x) => x !== r)!.hostname;
  const checked = new Map<DeviceRow, DeviceStatus>();
  for (const r of rows) checked.set(r, await runDevice(ctx, r, { peer: peerOf(r), only: 'check' }));
  const reasonOf = (r: DeviceRow) => ctx.store.state(r.hostname)?.reason;
  const inProgress = rows.filter((r) => checked.get(r) === 'held' && reasonOf(r) === 'in-progress');
  // Done already (on the target, or upgraded by an earlier run of this campaign) counts as ready for the pair.
  const done = (r: DeviceRow) => checked.get(r) === 'already-current' || checked.get(r) === 'upgraded';
  const blocked = rows.filter((r) => !inProgress.includes(r) && checked.get(r) !== 'ready' && !done(r));
  if (blocked.length > 0) {
    for (const r of inProgress) await runDevice(ctx, r, { peer: peerOf(r) });
    for (const r of rows.filter((x) => !inProgress.includes(x) && !blocked.includes(x) && !done(x))) {
      new DeviceRun(ctx, r).status('blocked', null, `its HA peer ${blocked[0].hostname} is ${checked.get(blocked[0])}: the pair is upgraded together`, 'peer');
    }
    return;
  }
  const todo = rows.filter((r) => !inProgress.includes(r) && !done(r));
  if (command === 'stage') {
    for (const r of todo) await runDevice(ctx, r, { peer: peerOf(r) });
    return;
  }
  for (const r of todo) {
    const s = await runDevice(ctx, r, { peer: peerOf(r), only: 'stage' });
    if (s !== 'staged') {
      for (const other of todo.filter((x) => x !== r)) new DeviceRun(ctx, other).status('held', null, `waits for its HA peer ${r.hostname} (${s})`, 'peer');
      return;
    }
  }
  const activeFirst = ctx.settings.panosHaOrder === 'active-first';
  const rest = todo.sort((a, b) => (Number(isActive(ctx, a)) - Number(isActive(ctx, b))) * (activeFirst ? -1 : 1));
  const order = [...inProgress, ...rest];
  // A pair one of whose members must hand its traffic over, in a run that will hold switchover gates:
  // upgrading the other member first would leave the pair split at that gate. Nothing is restarted.
  const needsSwitchover = order.some((r) => plannedGates(ctx, r).includes('switchover'));
  if (needsSwitchover && ctx.options.approver.holds?.('switchover') && !inProgress.length) {
    for (const r of order) {
      new DeviceRun(ctx, r).status('held', null, 'held before its pair is touched: the pair needs a switchover gate, which this run\'s approvals do not cover (add switchover to --approve, or --yes); upgrading one member alone would leave the pair split', 'gate-held');
    }
    return;
  }
  for (const [i, r] of order.entries()) {
    const status = await runDevice(ctx, r, { peer: peerOf(r) });
    if (status !== 'upgraded' && status !== 'already-current') {
      for (const other of order.slice(i + 1)) new DeviceRun(ctx, other).status('held', null, `waits for its HA peer ${r.hostname} (${status})`, 'peer');
      tellSplit(ctx, r, order.slice(0, i));
      return;
    }
  }
}

/** A member stopped short while its peer already runs the new release: said on the member and as an error, not only per device. */
function tellSplit(ctx: RunContext, r: DeviceRow, before: DeviceRow[]): void {
  const st = ctx.store.state(r.hostname);
  const ahead = before.map((x) => ctx.store.state(x.hostname)).filter((x) => x?.status === 'upgraded');
  if (!st || ahead.length === 0 || ahead.every((a) => a!.current_version === st.current_version)) return;
  const split = `the HA pair runs split versions: ${ahead.map((a) => `${a!.hostname} on ${a!.current_version ?? '?'}`).join(', ')}, ${r.hostname} on ${st.current_version ?? '?'}`;
  ctx.bus.log('error', split, r.hostname);
  new DeviceRun(ctx, r).status(st.status, st.step, `${st.message ? `${st.message}; ` : ''}${split}`, st.reason as Reason | null);
}

/** `stop` is the reason code when the run stopped short; `stopped` says it in words. */
export interface RunOutcome { exitCode: 0 | 1 | 3; stop: RunStop | null; stopped: string | null; statuses: Map<string, DeviceStatus> }

export async function runFleet(ctx: RunContext, selected: DeviceRow[]): Promise<RunOutcome> {
  const waves = planWaves(selected, ctx.settings);
  const limit = pLimit(ctx.options.concurrency ?? ctx.settings.concurrency);
  const promoting = promotes(ctx, waves.length);
  if (promoting) holdCanaryCommits(ctx, waves[0]);
  // What the forecast and the change record read back: the waves and the settings that time them.
  saveRunPlan(ctx.store.db, ctx.runId, {
    waves: waves.map((w) => w.units.map((u) => u.hostnames)), concurrency: ctx.options.concurrency ?? ctx.settings.concurrency,
    pauseBetweenWavesMs: ctx.settings.pauseBetweenWavesMs, monitorAfterCanaryMs: promoting ? ctx.settings.monitorAfterCanaryMs : 0, dryRun: ctx.options.dryRun,
  } satisfies RunPlan);
  // Measured on bench/engine (1,000 devices, 100 at once): starting a wave's devices all at
  // once made every login and first command queue behind the others (overhead 1.1 s a
  // device); 20 ms apart it was 0.3 s, for a 2 s ramp per wave of 100.
  const spacing = ctx.options.startSpacingMs ?? 20;
  let nextStart = 0;
  const startSlot = async () => {
    const at = Math.max(Date.now(), nextStart);
    nextStart = at + spacing;
    if (at > Date.now()) await new Promise((r) => setTimeout(r, at - Date.now()));
  };
  let notStarted = 0;
  ctx.bus.emit({ type: 'run', phase: 'started', command: ctx.options.command, runId: ctx.runId, waves: waves.length, devices: selected.length });
  for (const [i, wave] of waves.entries()) {
    if (ctx.stopReason || ctx.breakerTripped) break;
    ctx.bus.emit({ type: 'run', phase: 'wave', command: ctx.options.command, runId: ctx.runId, wave: i + 1, waves: waves.length, devices: wave.units.reduce((n, u) => n + u.hostnames.length, 0) });
    await Promise.all(wave.units.map((u: Unit) => limit(async () => {
      await ctx.whilePaused();
      if (u.hostnames.some((h) => ctx.isCancelled(h))) {
        // An HA pair travels together, so cancelling one member cancels the pair.
        for (const h of u.hostnames) new DeviceRun(ctx, ctx.row(h)).status('cancelled', null, ctx.isCancelled(h) ? 'cancelled by the operator before it started' : 'cancelled with its HA peer', 'cancelled');
        return;
      }
      const stopped = () => {
        if (!ctx.stopReason && !ctx.breakerTripped) return false;
        for (const h of u.hostnames) notStartedHere(ctx, h);
        notStarted += u.hostnames.length;
        return true;
      };
      if (stopped()) return;
      // Spaced after that check, so a stop marks the devices left at once; checked again after the wait.
      if (spacing > 0) {
        await startSlot();
        if (stopped()) return;
      }
      if (u.hostnames.length === 1) await runDevice(ctx, ctx.row(u.hostnames[0]));
      else await runPair(ctx, u.hostnames.map((h) => ctx.row(h)));
    })));
    if (i === 0 && promoting && !(await promoteCanary(ctx, wave, waves.slice(1)))) break;
    const pause = ctx.settings.pauseBetweenWavesMs;
    if (pause > 0 && i < waves.length - 1 && ctx.options.command === 'run' && !ctx.options.dryRun) {
      ctx.bus.log('info', `pausing ${Math.round(pause / 1000)} s before wave ${i + 2}`);
      const until = Date.now() + pause;
      while (Date.now() < until && !ctx.stopReason) await new Promise((r) => setTimeout(r, Math.min(500, until - Date.now())));
    }
  }
  // Devices of waves that never started were kept from starting too.
  for (const wave of waves) for (const u of wave.units) for (const h of u.hostnames) {
    const s = ctx.store.state(h);
    if (s?.status === 'pending' && s.reason !== 'not-started') {
      notStartedHere(ctx, h);
      notStarted++;
    }
  }
  const statuses = new Map(selected.map((r) => [r.hostname, ctx.store.state(r.hostname)?.status ?? 'pending']));
  // "Stopped" means work was left undone because of it, not that a last failure tripped the breaker.
  const stop: RunStop | null = ctx.stopReason ? 'stopped' : ctx.breakerTripped && notStarted > 0 ? 'breaker' : ctx.windowStops > 0 ? 'window' : null;
  const stopped = stop === 'stopped' ? ctx.stopReason : stop === 'breaker' ? 'circuit breaker' : stop === 'window' ? 'maintenance window' : null;
  // A check that could not read a device whose earlier result it kept did not do its job.
  const exitCode = stop ? 3 : ctx.unread > 0 ? 1 : exitCodeOf(statuses.values(), ctx.options.dryRun ? 'check' : ctx.options.command);
  const outcome: RunEnd = exitCode === 0 ? 'ok' : exitCode === 3 ? 'stopped' : 'attention';
  ctx.bus.emit({ type: 'run', phase: 'finished', command: ctx.options.command, runId: ctx.runId, outcome, ...(stop ? { stop } : {}), reason: stopped ?? undefined });
  return { exitCode, stop, stopped, statuses };
}
