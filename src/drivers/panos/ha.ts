// HA on an active/passive pair: suspend this member (its peer must take
// over before anything restarts it), make it functional again, and verify
// the pair — both members active/passive, the peer connected, and once both
// run the same release, the configuration synchronised.
import type { ActivationPlan, StepResult } from '../contract.js';
import { normalizeVersion } from '../../common/versions.js';
import { DeviceError } from '../errors.js';
import { CLI, CMD } from './commands.js';
import type { Conn } from './facts.js';
import { parseHa } from './parse-system.js';
import { ok } from './software.js';
import type { PanosHa } from './types.js';

export interface HaOptions { pollMs: number; settleMs: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function haState(c: Conn, step: string): Promise<PanosHa | null> {
  return parseHa(await c.op(CMD.haState, step));
}

/** Polls HA state until `good` says the pair is where it should be, or the settle time is over; the last state. */
/** HA states a member passes through on its way to active, passive or suspended. */
const PASSING = new Set(['initial', 'tentative']);

async function settle(c: Conn, step: string, o: HaOptions, good: (ha: PanosHa | null) => boolean): Promise<PanosHa | null> {
  const deadline = Date.now() + o.settleMs;
  for (;;) {
    const ha = await haState(c, step);
    if (good(ha) || Date.now() >= deadline) return ha;
    await sleep(o.pollMs);
  }
}

/** `request high-availability state suspend`, then the peer must be active; if it is not, this member is made functional again. */
export async function suspend(c: Conn, step: string, o: HaOptions): Promise<StepResult<{ reloads: boolean }>> {
  const said = await c.opText(CMD.haSuspend, step);
  if (!/suspended/i.test(said)) throw new DeviceError(c.name, step, 'command', 'the HA suspend was not confirmed', said || undefined, false);
  const ha = await settle(c, step, o, (h) => h?.local === 'suspended' && h.peer === 'active' && h.peerConnected);
  if (ha?.peer === 'active' && ha.local === 'suspended') return ok('HA suspended here: the peer takes over', [CLI.haSuspend, CLI.haState], { reloads: false });
  await c.opText(CMD.haFunctional, step);
  throw new DeviceError(c.name, step, 'command', `suspended, but the peer did not take over (it is ${ha?.peer ?? 'unknown'}${ha?.peerConnected ? '' : ', not connected'}): made functional again, nothing restarted`, undefined, false);
}

/** What is wrong with the pair, or nothing. After a rollback (or while the peer runs another release) only the roles are checked. */
function pairProblems(ha: PanosHa | null, expectSame: boolean): string[] {
  if (!ha) return ['HA is not enabled any more'];
  const roles = ['active', 'passive'];
  const out: string[] = [];
  const apart = !!ha.peerVersion && !!ha.localVersion && ha.peerVersion !== ha.localVersion;
  // A member next to a peer on another release may sit non-functional (a plugin differs) until both match.
  const localOk = roles.includes(ha.local) || (apart && !expectSame && ha.local === 'non-functional');
  if (!localOk) out.push(`this member is ${ha.local}`);
  if (!ha.peerConnected) out.push('the peer is not connected');
  else if (!roles.includes(ha.peer)) out.push(`the peer is ${ha.peer}`);
  if (roles.includes(ha.local) && ha.local === ha.peer) out.push(`both members are ${ha.local}`);
  if (expectSame) {
    if (apart) out.push(`the members run ${ha.localVersion} and ${ha.peerVersion}`);
    if (ha.syncEnabled && ha.sync !== 'synchronized') out.push(`configuration ${ha.sync || 'sync unknown'}`);
  }
  return out;
}

function describe(ha: PanosHa): string {
  const apart = ha.peerVersion && ha.localVersion && ha.peerVersion !== ha.localVersion;
  return apart
    ? `this member ${ha.local} on ${ha.localVersion}, peer ${ha.peer} on ${ha.peerVersion}`
    : `this member ${ha.local}, peer ${ha.peer}, configuration ${ha.syncEnabled ? ha.sync : 'sync disabled'}, both on ${ha.localVersion ?? '?'}`;
}

/**
 * The end of an upgrade (or of its rollback) on a pair member: functional
 * again if suspended, then the pair verified. The full check (same release,
 * configuration synchronised) applies once both members run the same release;
 * a failed verification is a failed step with its reasons.
 */
export async function commitHa(c: Conn, plan: ActivationPlan, step: string, o: HaOptions): Promise<StepResult> {
  let first = await haState(c, step);
  if (!first) return { ...ok('nothing to commit on a standalone firewall', [CLI.haState]), outcome: 'skipped' };
  // Just booted, a member passes through initial (or tentative) before it shows where it stands: a
  // suspended one only says so then, and would otherwise never be made functional.
  if (PASSING.has(first.local)) first = (await settle(c, step, o, (h) => !!h && !PASSING.has(h.local))) ?? first;
  const sent = [CLI.haState];
  let made = '';
  if (first.local === 'suspended') {
    const said = await c.opText(CMD.haFunctional, step);
    if (!/functional/i.test(said)) throw new DeviceError(c.name, step, 'command', 'making HA functional again was not confirmed', said || undefined, false);
    sent.push(CLI.haFunctional);
    made = 'HA made functional again; ';
  }
  const mine = first.localVersion;
  const rolledBack = !!mine && normalizeVersion(mine) === normalizeVersion(plan.previousVersion) && plan.previousVersion !== plan.targetVersion;
  const expectSame = (ha: PanosHa | null) => !rolledBack && !!ha?.peerVersion && ha.peerVersion === ha.localVersion;
  const ha = await settle(c, step, o, (h) => pairProblems(h, expectSame(h)).length === 0);
  const problems = pairProblems(ha, expectSame(ha));
  if (problems.length) {
    throw new DeviceError(c.name, step, 'command', `${made}the HA pair did not verify within ${Math.round(o.settleMs / 1000)} s: ${problems.join('; ')}`, undefined, false);
  }
  const follows = !expectSame(ha) && !rolledBack ? ' (the pair is verified in full once the peer runs the same release)' : rolledBack ? ' (after the rollback)' : '';
  return ok(`${made}pair verified: ${describe(ha!)}${follows}`, sent);
}
