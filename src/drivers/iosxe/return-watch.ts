// Following a device through a reload, a switchover or an ISSU: reconnect
// as soon as its address answers (from whichever member is active now),
// and decide from what it reports — never from the mere passing of time —
// until every member runs the expected version and, on redundant systems,
// the peer is STANDBY HOT again.
import type { StepResult } from '../contract.js';
import type { IosxeFacts as Facts } from './types.js';
import { DeviceError } from '../errors.js';
import { normalizeVersion } from '../../common/versions.js';

/** What the device looked like when it was whole: the members it must have again afterwards. */
export interface Topology { kind: Facts['redundancy']['kind']; members: number }

export interface ReturnProbe {
  /** Opens a session and reads the facts, or throws. */
  facts(): Promise<Facts>;
  /** Resolves true as soon as the device's port accepts connections (tried every `everyMs`), false after `withinMs`. */
  listening?(withinMs: number, everyMs: number): Promise<boolean>;
}

/** The larger of what was seen before and what is seen now (a member that is away does not shrink it). */
export function topologyOf(before: Topology | null, f: Facts): Topology {
  const now: Topology = { kind: f.redundancy.kind, members: Math.max(f.redundancy.members.length, f.redundancy.kind === 'dual-sup' ? 2 : 1) };
  if (!before || before.kind === 'none') return now;
  return { kind: now.kind === 'none' || now.kind === 'stack' ? before.kind : now.kind, members: Math.max(before.members, now.members) };
}

/** The larger of two topologies (either may be unknown): a kind seen whole wins over none, the most members count. */
export function widerTopology(a: Topology | null, b: Topology | null | undefined): Topology | null {
  if (!a || !b) return a ?? b ?? null;
  return { kind: a.kind === 'none' || (a.kind === 'stack' && b.kind !== 'none') ? b.kind : a.kind, members: Math.max(a.members, b.members) };
}

const same = (a: string | null | undefined, b: string) => !!a && normalizeVersion(a) === normalizeVersion(b);

/** What still keeps the device from being back whole on `version`; null when it is. */
export function pendingMembers(f: Facts, version: string, expected: Topology | null): string | null {
  const kind = expected?.kind ?? f.redundancy.kind;
  const r = f.redundancy;
  if (kind === 'none') return null;
  const want = Math.max(expected?.members ?? 0, kind === 'dual-sup' || kind === 'svl' ? 2 : 1);
  if ((kind === 'svl' || kind === 'dual-sup') && r.kind !== kind) return `the ${kind === 'svl' ? 'StackWise Virtual peer' : 'standby supervisor'} has not rejoined yet (peer ${r.peerState ?? 'not present'})`;
  if (r.members.length < want) return `${r.members.length} of ${want} members present`;
  const behind = r.members.filter((m) => !same(m.version, version));
  if (behind.length > 0) return `member ${behind.map((m) => `${m.number} on ${m.version ?? 'an unknown version'}${m.state ? ` (${m.state})` : ''}`).join(', ')}`;
  if (kind === 'stack') {
    const notReady = r.members.filter((m) => m.state !== 'Ready');
    if (notReady.length > 0) return `member ${notReady.map((m) => `${m.number} ${m.state ?? 'unknown'}`).join(', ')}`;
    return null;
  }
  return r.peerState === 'STANDBY HOT' ? null : `the peer is ${r.peerState ?? 'not reported'}, not STANDBY HOT`;
}

/** Logins refused in a row while following a reload before the wait gives up (the next refusal ends it). */
export const AUTH_REFUSALS_TOLERATED = 2;

function done(message: string, data: { facts: Facts; attempts: number }): StepResult<{ facts: Facts; attempts: number }> {
  return { outcome: 'ok', message, sent: [], received: '', data };
}

/**
 * Waits until the device answers on `version` with every member on it (and
 * the peer STANDBY HOT where there is one), deciding from what it reports.
 */
export async function waitForReturn(device: string, probe: ReturnProbe, expect: { version: string; timeoutMs: number; since: number; pollMs?: number; topology?: Topology | null }, step = 'wait'): Promise<StepResult<{ facts: Facts; attempts: number }>> {
  const deadline = expect.since + expect.timeoutMs;
  const poll = expect.pollMs ?? Math.min(10_000, Math.max(250, expect.timeoutMs / 60));
  let lastProblem = 'not reachable yet';
  let attempts = 0;
  let refusals = 0;
  while (Date.now() < deadline) {
    attempts++;
    let portClosed = false;
    try {
      const f = await probe.facts();
      refusals = 0;
      const elapsed = (Date.now() - expect.since) / 1000;
      if (same(f.version, expect.version)) {
        const pending = pendingMembers(f, expect.version, expect.topology ?? null);
        if (pending === null) return done(`back on ${f.version} after ${Math.round(elapsed)} s${f.redundancy.members.length > 1 ? ` (all ${f.redundancy.members.length} members)` : ''}`, { facts: f, attempts });
        lastProblem = `on ${f.version}, but ${pending}`;
      } else if (f.uptimeSeconds !== null && f.uptimeSeconds < elapsed + 120) {
        // Reloaded since, on another version. (A redundant system keeps its uptime across a switchover.)
        throw new DeviceError(device, step, 'wrong-version', `came back on ${f.version}, not ${expect.version}`, f.lastReloadReason ? `last reload reason: ${f.lastReloadReason}` : undefined, false);
      } else lastProblem = `still up on ${f.version} (uptime ${f.uptimeSeconds ?? '?'} s): the reload or switchover has not happened yet`;
    } catch (err) {
      // A device just back may refuse a login that worked minutes ago (its AAA server not reachable
      // yet): tried again, but only a few times in a row, so wrong credentials do not lock the account.
      const refused = err instanceof DeviceError && err.kind === 'auth' && ++refusals <= AUTH_REFUSALS_TOLERATED;
      if (err instanceof DeviceError && !err.transient && !refused) throw err;
      if (!refused) refusals = 0;
      lastProblem = (err as Error).message;
      portClosed = err instanceof DeviceError && err.kind === 'connect';
    }
    // While the port refuses, watch it open (a TCP connect every sixth of the interval: 333 ms
    // with the default 30 min reload_timeout) and log in only then: a login attempt per
    // interval against a refusing port learns nothing more.
    if (portClosed && probe.listening) await probe.listening(Math.max(0, deadline - Date.now()), Math.max(25, poll / 6));
    else await new Promise((r) => setTimeout(r, Math.max(0, Math.min(poll, deadline - Date.now()))));
  }
  throw new DeviceError(device, step, 'not-returned', `did not come back on ${expect.version} within ${Math.round(expect.timeoutMs / 1000)} s (ROMmon, powered off, a failed boot, or a member that did not rejoin?); last: ${lastProblem}`, undefined, false);
}
