// The engine's decisions, fast, on fake devices: gates, windows, stops and
// the breaker, retries, rollbacks, and above all what it does after a crash
// left a disruptive step open (observe the device, never repeat blindly).
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivationPlan } from '../../src/drivers/contract.js';
import { DeviceError } from '../../src/drivers/errors.js';
import { osUser, PolicyApprover, QueueApprover } from '../../src/engine/gates.js';
import { engineRig, fakeRow, type EngineRig } from '../helpers/engine-rig.js';

let rig: EngineRig;
afterEach(() => rig?.close());

const PLAN: ActivationPlan = { kind: 'install', image: null, targetVersion: '17.9.5', filesystem: 'flash:', previousBoot: [], previousVersion: '17.6.5', stack: false };

const PRE = { routes: 100, routesBySource: {}, arp: 10, bgp: [], ospf: [], interfaces: [], sessions: null, takenAt: new Date().toISOString() };

/** What a crash leaves: the step journaled as started, never ended (after the run's pre-upgrade snapshot). */
function openStep(r: EngineRig, hostname: string, step: string, startedAgoMs = 0): void {
  const runId = r.store.startRun('run', 'tester', {});
  r.store.saveSnapshot(hostname, 'pre', '17.9.5', runId, PRE);
  const id = r.store.beginStep({ runId, hostname, step, key: `${hostname}:${step}:17.9.5`, targetVersion: '17.9.5', disruptive: true, detail: { plan: PLAN } });
  if (startedAgoMs) r.store.db.prepare('UPDATE journal SET started_at = ? WHERE id = ?').run(new Date(Date.now() - startedAgoMs).toISOString(), id);
}

function doneStep(r: EngineRig, hostname: string, step: string, outcome: 'ok' | 'failed' = 'ok', disruptive = false): void {
  const runId = r.store.startRun('run', 'tester', {});
  if (step === 'activate') r.store.saveSnapshot(hostname, 'pre', '17.9.5', runId, PRE);
  const id = r.store.beginStep({ runId, hostname, step, key: `${hostname}:${step}:17.9.5`, targetVersion: '17.9.5', disruptive, detail: step === 'activate' ? { plan: PLAN } : undefined });
  r.store.endStep(id, outcome, null);
}

async function until(test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('engine on fake devices: a normal run', () => {
  it('runs every step once, in order, with the reload gate approved and recorded', async () => {
    rig = engineRig([fakeRow('a')]);
    const out = await rig.run('run');
    expect(out.exitCode).toBe(0);
    expect(rig.state('a')).toMatchObject({ status: 'upgraded', reason: 'done' });
    // The facts are read again after the commit: what the console and the records show is the device as it is now.
    expect(rig.steps('a')).toEqual(['facts:ok', 'precheck:ok', 'backup:ok', 'stage:ok', 'verify:ok', 'snapshot:ok', 'activate:ok', 'wait:ok', 'postcheck:ok', 'commit:ok', 'facts:ok']);
    const facts = rig.events.filter((e) => e.type === 'facts');
    expect(facts.at(-1)).toMatchObject({ summary: { version: '17.9.5' } });
    expect(rig.store.latestFacts<{ uncommitted: unknown }>('a')!.facts.uncommitted).toBeNull();
    expect(rig.store.auditRows().filter((r) => r.step === 'approval: reload')).toMatchObject([{ device: 'a', outcome: 'approved', operator: osUser() }]);
    // What each step sent is journaled with it.
    expect(rig.store.journal('a').find((j) => j.step === 'activate')!.sent_json).toBe('["fake activate"]');
  });

  it('a downgrade the operator allowed ends upgraded (done), in words that say it went back', async () => {
    rig = engineRig([fakeRow('a')], { allowDowngrade: true });
    rig.device('a').version = '17.12.4';
    expect((await rig.run('run')).exitCode).toBe(0);
    expect(rig.state('a')).toMatchObject({ status: 'upgraded', reason: 'done' });
    expect(rig.store.state('a')!.message).toMatch(/^downgraded to 17\.9\.5/);
  });

  it('a check after a finished upgrade says the device was upgraded, not that an upgrade is in progress', async () => {
    rig = engineRig([fakeRow('a')]);
    await rig.run('run');
    expect((await rig.run('check')).exitCode).toBe(0);
    expect(rig.state('a')).toMatchObject({ status: 'upgraded', reason: 'done', message: 'upgraded to 17.9.5 (by an earlier run)' });
    await rig.run('run');
    expect(rig.device('a').count('activate')).toBe(1);
  });

  it('a check that cannot log in to an upgraded device says so, waits for nothing and keeps its result', async () => {
    rig = engineRig([fakeRow('a'), fakeRow('b')]);
    await rig.run('run');
    const { finished_at: finishedAt, message } = rig.store.state('a')!;
    // A wrong password (every try refused) on a device whose upgrade ended long ago.
    for (let i = 0; i < 3; i++) rig.device('a').failNext.set('facts', new DeviceError('a', 'facts', 'auth', 'authentication refused'));
    const out = await rig.run('check');
    expect(out.exitCode).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'upgraded', message });
    expect(rig.store.state('a')!.readiness).toBe('not read by check: a: facts: authentication refused');
    expect(rig.store.state('a')!.finished_at).toBe(finishedAt);
    // What screens and logs are told says it is an earlier result, not fresh news.
    const said = rig.events.filter((e) => e.type === 'device' && e.hostname === 'a').at(-1) as { message: string };
    expect(said.message).toBe(`earlier result kept (not read by check: a: facts: authentication refused): ${message}`);
    // No made-up wait for a reload that happened in an earlier run.
    expect(rig.steps('a').slice(-3)).toEqual(['commit:ok', 'facts:ok', 'facts:failed']);
    expect(rig.state('b')).toMatchObject({ status: 'upgraded' });
    // And a later run still knows the device is done.
    await rig.run('run');
    expect(rig.device('a').count('activate')).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'upgraded' });
  });

  it('a failed device a check cannot read shows this check\'s failure, not the one before', async () => {
    rig = engineRig([fakeRow('a')]);
    rig.device('a').failNext.set('facts', new DeviceError('a', 'facts', 'auth', 'authentication refused'));
    await rig.run('check');
    expect(rig.state('a')).toMatchObject({ status: 'failed', message: 'a: facts: authentication refused' });
    for (let i = 0; i < 3; i++) rig.device('a').failNext.set('facts', new DeviceError('a', 'facts', 'connect', 'connection refused', undefined, false));
    await rig.run('check');
    expect(rig.state('a')).toMatchObject({ status: 'failed', message: 'a: facts: connection refused' });
  });

  it('times the upgrade from the run that did it: a check earlier is not part of how long it took', async () => {
    rig = engineRig([fakeRow('a')]);
    await rig.run('check');
    const checked = rig.store.state('a')!;
    await until(() => Date.now() > Date.parse(checked.finished_at!) + 5);
    await rig.run('run');
    const upgraded = rig.store.state('a')!;
    expect(upgraded.status).toBe('upgraded');
    expect(Date.parse(upgraded.started_at!)).toBeGreaterThan(Date.parse(checked.finished_at!));
  });

  it('leaves a gate that nobody approved held (reason gate-held) and reloads nothing', async () => {
    rig = engineRig([fakeRow('a')]);
    const out = await rig.run('run', { approver: new PolicyApprover(false) });
    expect(out.exitCode).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'held', reason: 'gate-held' });
    expect(rig.device('a').count('activate')).toBe(0);
  });

  it('holds a device whose window has closed (reason window) and counts the run as stopped', async () => {
    rig = engineRig([fakeRow('a', { windowEnd: new Date(Date.now() - 60_000) })]);
    const out = await rig.run('run');
    expect(out.exitCode).toBe(3);
    expect(out.stop).toBe('window');
    expect(rig.state('a')).toMatchObject({ status: 'held', reason: 'window' });
    expect(rig.device('a').count('activate')).toBe(0);
    // The run says why it stopped as a code, not only in words.
    expect(rig.events.filter((e) => e.type === 'run' && e.phase === 'finished').at(-1)).toMatchObject({ outcome: 'stopped', stop: 'window', reason: 'maintenance window' });
  });

  it('a dry run and a check change nothing; the check looks at every device even when most fail', async () => {
    rig = engineRig(['a', 'b', 'c', 'd'].map((h) => fakeRow(h)), { canary: 1, batchSize: { count: 1 } });
    // Unreachable or refusing: every device is still looked at (refusals of one credentials entry stay under the point where it is spared).
    rig.device('a').failNext.set('facts', new DeviceError('a', 'facts', 'auth', 'login refused', undefined, false));
    for (const h of ['b', 'c']) rig.device(h).failNext.set('facts', new DeviceError(h, 'facts', 'host-key', 'host key changed', undefined, false));
    const out = await rig.run('check');
    expect(out.exitCode).toBe(1);
    expect(['a', 'b', 'c', 'd'].map((h) => rig.state(h).status)).toEqual(['failed', 'failed', 'failed', 'ready']);
    expect((await rig.run('run', { dryRun: true })).exitCode).toBe(0);
    expect(rig.state('a')).toMatchObject({ status: 'ready', reason: 'done' });
    expect([...rig.devices.values()].reduce((n, d) => n + d.count('activate') + d.count('stage'), 0)).toBe(0);
  });

  it('credentials refused by three devices are not tried on more: the account is spared, each device says why', async () => {
    rig = engineRig(['a', 'b', 'c', 'd', 'e'].map((h) => fakeRow(h)), { canary: 1, batchSize: { count: 1 } });
    for (const h of ['a', 'b', 'c', 'd', 'e']) rig.device(h).failNext.set('facts', new DeviceError(h, 'facts', 'auth', 'login refused', undefined, false));
    expect((await rig.run('check')).exitCode).toBe(1);
    expect(['a', 'b', 'c'].map((h) => rig.state(h).message)).toEqual(['a: facts: login refused', 'b: facts: login refused', 'c: facts: login refused']);
    for (const h of ['d', 'e']) {
      expect(rig.state(h)).toMatchObject({ status: 'failed', reason: 'device-error' });
      expect(rig.state(h).message).toBe(`${h}: connect: not tried: the credentials entry "default" was refused by 3 devices (a, b, c); upshift stops using it so the account is not locked out — correct it and run again`);
      expect(rig.device(h).count('facts')).toBe(0);
    }
  });

  it('a later check or run that finds a device upgraded by an earlier run keeps that run\'s times (the change record\'s durations)', async () => {
    rig = engineRig([fakeRow('a')]);
    await rig.run('run');
    const { started_at, finished_at } = rig.store.state('a')!;
    await new Promise((r) => setTimeout(r, 20));
    await rig.run('check');
    await rig.run('run');
    expect(rig.store.state('a')).toMatchObject({ status: 'upgraded', started_at, finished_at });
    expect(rig.state('a').message).toBe('upgraded to 17.9.5 (by an earlier run)');
  });

  it('a check does not reopen a device an earlier run left needing a person', async () => {
    rig = engineRig([fakeRow('a')]);
    rig.device('a').routesAfterReboot = 50;
    await rig.run('run', { approver: new PolicyApprover(false, ['reload']) });
    // Refuse what is left: the install stays uncommitted, the device needs a person.
    rig.store.updateState('a', { status: 'needs-attention', reason: 'uncommitted', message: 'left uncommitted by the operator' });
    await rig.run('check');
    expect(rig.state('a')).toMatchObject({ status: 'needs-attention', reason: 'uncommitted', message: 'left uncommitted by the operator' });
  });

  it('a run that cannot log in to a device an earlier run upgraded keeps it upgraded: nothing happened to it', async () => {
    rig = engineRig([fakeRow('a')]);
    await rig.run('run');
    expect(rig.state('a').status).toBe('upgraded');
    rig.device('a').failNext.set('facts', new DeviceError('a', 'facts', 'auth', 'login refused', undefined, false));
    expect((await rig.run('run')).exitCode).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'upgraded' });
    expect(rig.store.state('a')!.readiness).toBe('not read by run: a: facts: login refused');
  });

  it('the breaker stops later waves of a run, marking them not-started', async () => {
    rig = engineRig(['a', 'b', 'c'].map((h) => fakeRow(h)), { canary: 1, batchSize: { count: 1 } });
    rig.device('a').failNext.set('facts', new DeviceError('a', 'facts', 'auth', 'login refused', undefined, false));
    const out = await rig.run('run');
    expect(out.exitCode).toBe(3);
    expect(out.stop).toBe('breaker');
    expect(rig.events.find((e) => e.type === 'run' && e.phase === 'breaker')).toMatchObject({ stop: 'breaker' });
    expect(rig.state('b')).toMatchObject({ status: 'pending', reason: 'not-started' });
  });

  it('retries a transient error of a read-only step, never a disruptive one', async () => {
    rig = engineRig([fakeRow('a'), fakeRow('b')], { canary: 2, maxFailurePercent: 100 });
    rig.device('a').failNext.set('stage', new DeviceError('a', 'stage', 'closed', 'the session closed'));
    rig.device('b').failNext.set('activate', new DeviceError('b', 'activate', 'closed', 'the session closed'));
    await rig.run('run');
    expect(rig.steps('a').filter((s) => s.startsWith('stage'))).toEqual(['stage:failed', 'stage:ok']);
    expect(rig.state('a').status).toBe('upgraded');
    expect(rig.device('b').count('activate')).toBe(1);
    // Nothing changed on b (it still runs 17.6.5, no reload): failed, not a case for a person.
    expect(rig.state('b')).toMatchObject({ status: 'failed', reason: 'device-error' });
    expect(rig.state('b').message).toMatch(/; nothing changed: it still runs 17\.6\.5 and did not reload$/);
  });

  it('an activation that reports an error but went through (the device comes back on the target) is reconciled and goes on', async () => {
    rig = engineRig([fakeRow('a')]);
    rig.device('a').activateThenFail = new DeviceError('a', 'activate', 'closed', 'the session closed during "install add file"');
    await rig.run('run');
    expect(rig.state('a')).toMatchObject({ status: 'upgraded', reason: 'done' });
    expect(rig.steps('a').filter((s) => s.startsWith('activate'))).toEqual(['activate:failed', 'activate:reconciled']);
    expect(rig.device('a').count('activate')).toBe(1);
    expect(rig.device('a').count('commit')).toBe(1);
  });

  it('an activation that reports an error and leaves the device on its old version after a reload needs a person', async () => {
    rig = engineRig([fakeRow('a')]);
    Object.assign(rig.device('a'), { comesBackOn: '17.6.5', activateThenFail: new DeviceError('a', 'activate', 'closed', 'the session closed') });
    await rig.run('run');
    expect(rig.state('a')).toMatchObject({ status: 'needs-attention', reason: 'device-error' });
    expect(rig.state('a').message).toMatch(/the session closed; then: .*came back on 17\.6\.5, not 17\.9\.5/);
  });
});

describe('engine on fake devices: rollbacks and safe ends', () => {
  it('a regression after the reload raises the rollback gate; approved, it rolls back and ends rolled-back', async () => {
    rig = engineRig([fakeRow('a')]);
    rig.device('a').routesAfterReboot = 50;
    await rig.run('run');
    expect(rig.state('a')).toMatchObject({ status: 'rolled-back', reason: 'rolled-back' });
    expect(rig.state('a').message).toMatch(/post-check failed: routes 100 → 50 .*; rolled back to 17\.6\.5$/);
    expect(rig.device('a').version).toBe('17.6.5');
    expect(rig.steps('a').slice(-4)).toEqual(['postcheck:failed', 'rollback:ok', 'wait-rollback:ok', 'rolled-back:ok']);
  });

  it('neither a stop, nor the breaker, nor a closing window keeps a disrupted device from its rollback', async () => {
    const row = fakeRow('a');
    rig = engineRig([row]);
    rig.device('a').routesAfterReboot = 50;
    const approver = new QueueApprover(new PolicyApprover(false, ['reload']));
    const { ctx, done } = rig.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'rollback'));
    ctx.stop('the operator stopped the run');
    ctx.breakerTripped = true;
    row.windowEnd = new Date(Date.now() - 1000);
    approver.answer(approver.pending()[0].gate.id, 'approved');
    const out = await done;
    expect(rig.state('a')).toMatchObject({ status: 'rolled-back' });
    expect(rig.device('a').count('rollback')).toBe(1);
    expect(out.exitCode).toBe(3);
  });

  it('a stop while a device reloads lets it finish (wait, post-check, commit); devices not started stay pending', async () => {
    rig = engineRig([fakeRow('a'), fakeRow('b')], { canary: 1 });
    const release = rig.device('a').hold('activate');
    const { ctx, done } = rig.start('run');
    await until(() => rig.device('a').count('activate') === 1);
    ctx.stop('SIGINT');
    release();
    const out = await done;
    expect(out.exitCode).toBe(3);
    expect(rig.state('a')).toMatchObject({ status: 'upgraded' });
    expect(rig.state('b')).toMatchObject({ status: 'pending', reason: 'not-started' });
  });
});

describe('engine on fake devices: results from earlier runs', () => {
  it('a stopped run leaves an earlier run\'s result as it was: an upgraded device not started stays upgraded', async () => {
    rig = engineRig([fakeRow('a'), fakeRow('b'), fakeRow('c')], { canary: 1 });
    await rig.run('run');
    expect(rig.state('c')).toMatchObject({ status: 'upgraded' });
    const n = rig.device('a').count('facts');
    const release = rig.device('a').hold('facts');
    const { ctx, done } = rig.start('run');
    await until(() => rig.device('a').count('facts') > n);
    ctx.stop('standard output closed (EPIPE)');
    release();
    const out = await done;
    expect(out.exitCode).toBe(3);
    expect(rig.state('b')).toMatchObject({ status: 'upgraded' });
    expect(rig.state('c')).toMatchObject({ status: 'upgraded' });
  });
});

describe('engine on fake devices: the post-check', () => {
  it('with no snapshot from before the upgrade to compare with, fails instead of passing: the rollback gate, not a commit', async () => {
    rig = engineRig([fakeRow('a')]);
    const release = rig.device('a').hold('activate');
    const done = rig.run('run');
    await until(() => rig.device('a').count('activate') === 1);
    rig.store.db.prepare("DELETE FROM snapshots WHERE hostname = 'a' AND phase = 'pre'").run();
    release();
    await done;
    expect(rig.device('a').count('commit')).toBe(0);
    expect(rig.device('a').count('rollback')).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'rolled-back' });
    expect(rig.state('a').message).toMatch(/^post-check failed: snapshot none from before the upgrade to compare with; rolled back to 17\.6\.5$/);
  });

  it('journals the snapshot step done only once the snapshot is stored', async () => {
    rig = engineRig([fakeRow('a')]);
    const release = rig.device('a').hold('activate');
    const done = rig.run('run');
    await until(() => rig.device('a').count('activate') === 1);
    const pre = rig.store.db.prepare("SELECT taken_at FROM snapshots WHERE hostname = 'a' AND phase = 'pre'").get() as { taken_at: string };
    const step = rig.store.journal('a').find((j) => j.step === 'snapshot')!;
    expect(step.outcome).toBe('ok');
    expect(Date.parse(pre.taken_at)).toBeLessThanOrEqual(Date.parse(step.ended_at!));
    release();
    await done;
  });
});

describe('engine on fake devices: a refused rollback', () => {
  async function refuseRollback(then: 'approved' | 'refused' | null) {
    rig = engineRig([fakeRow('a')]);
    rig.device('a').routesAfterReboot = 50;
    const approver = new QueueApprover(new PolicyApprover(false, ['reload']));
    const { done } = rig.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'rollback'));
    approver.answer(approver.pending()[0].gate.id, 'refused');
    if (then) {
      await until(() => approver.pending().some((p) => p.gate.kind === 'commit'));
      const gate = approver.pending()[0].gate;
      expect(gate.impact).toMatch(/^keeps 17\.9\.5 for good, although it failed its post-checks; refusing leaves it uncommitted: its auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d \(in 1h5[78]m\)$/);
      expect(gate.commands).toEqual(['fake commit']);
      approver.answer(gate.id, then);
    }
    return done;
  }

  it('asks what to do with the uncommitted install: committed at the operator\'s request', async () => {
    await refuseRollback('approved');
    expect(rig.state('a')).toMatchObject({ status: 'needs-attention', reason: 'gate-refused' });
    expect(rig.state('a').message).toMatch(/rollback refused; 17\.9\.5 committed at .*'s request$/);
    expect(rig.device('a').uncommitted).toBe(false);
    expect(rig.device('a').count('rollback')).toBe(0);
  });

  it('or left to its auto-abort timer, whose time the status says', async () => {
    await refuseRollback('refused');
    expect(rig.state('a')).toMatchObject({ status: 'needs-attention', reason: 'uncommitted' });
    expect(rig.state('a').message).toMatch(/rollback refused by .*; left uncommitted: its auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d \(in 1h5[78]m\)$/);
    expect(rig.device('a').uncommitted).toBe(true);
  });

  it('a rollback nobody approved (batch) leaves it held, the timer in the message', async () => {
    rig = engineRig([fakeRow('a')]);
    rig.device('a').routesAfterReboot = 50;
    await rig.run('run', { approver: new PolicyApprover(false, ['reload']) });
    expect(rig.state('a')).toMatchObject({ status: 'held', reason: 'uncommitted' });
    expect(rig.state('a').message).toMatch(/left uncommitted: its auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d/);
  });
});

describe('engine on fake devices: after a crash (reconcile)', () => {
  it('an activation that happened while upshift was down is reconciled, not repeated', async () => {
    rig = engineRig([fakeRow('a')]);
    openStep(rig, 'a', 'activate', 5000);
    Object.assign(rig.device('a'), { version: '17.9.5', bootedAt: Date.now() - 1000, uncommitted: true });
    await rig.run('run');
    expect(rig.device('a').count('activate')).toBe(0);
    expect(rig.steps('a')).toContain('activate:reconciled');
    expect(rig.state('a')).toMatchObject({ status: 'upgraded' });
    expect(rig.device('a').uncommitted).toBe(false);
  });

  it('a device still rebooting is waited for, then reconciled', async () => {
    rig = engineRig([fakeRow('a')]);
    openStep(rig, 'a', 'activate');
    Object.assign(rig.device('a'), { version: '17.9.5', downUntil: Date.now() + 60, bootedAt: Date.now() + 60 });
    await rig.run('run');
    expect(rig.device('a').count('activate')).toBe(0);
    expect(rig.state('a').status).toBe('upgraded');
  });

  it('an activation that never reached the device is gated and run again, once', async () => {
    rig = engineRig([fakeRow('a')]);
    openStep(rig, 'a', 'activate');
    await rig.run('run');
    expect(rig.steps('a')[0]).toBe('activate:interrupted');
    expect(rig.device('a').count('activate')).toBe(1);
    expect(rig.state('a').status).toBe('upgraded');
  });

  it('a device that reloaded but came back on the old version needs a person', async () => {
    rig = engineRig([fakeRow('a')]);
    openStep(rig, 'a', 'activate', 3000);
    rig.device('a').bootedAt = Date.now() - 1000;
    await rig.run('run');
    expect(rig.state('a')).toMatchObject({ status: 'needs-attention', reason: 'unexpected-state' });
    expect(rig.device('a').count('activate')).toBe(0);
  });

  it('a rollback interrupted after it took place goes on to its end, without a second rollback', async () => {
    rig = engineRig([fakeRow('a')]);
    doneStep(rig, 'a', 'activate', 'ok', true);
    doneStep(rig, 'a', 'wait');
    doneStep(rig, 'a', 'postcheck', 'failed');
    openStep(rig, 'a', 'rollback', 3000);
    rig.device('a').bootedAt = Date.now() - 1000;
    await rig.run('run');
    expect(rig.device('a').count('rollback')).toBe(0);
    expect(rig.device('a').count('activate')).toBe(0);
    expect(rig.state('a')).toMatchObject({ status: 'rolled-back' });
  });

  it('a switchover that took place while upshift was down is reconciled: no second switchover, the upgrade goes on', async () => {
    rig = engineRig([fakeRow('a')]);
    for (const step of ['backup', 'stage', 'verify', 'snapshot']) doneStep(rig, 'a', step);
    openStep(rig, 'a', 'switchover', 3000);
    Object.assign(rig.device('a'), { pairActive: true, suspended: true });
    await rig.run('run');
    expect(rig.steps('a')).toContain('switchover:reconciled');
    expect(rig.device('a').count('switchover')).toBe(0);
    expect(rig.device('a').count('activate')).toBe(1);
    expect(rig.state('a').status).toBe('upgraded');
  });

  it('a switchover that never reached the device is gated and run again, once (a switchover keeps the uptime: no reload is read into it)', async () => {
    rig = engineRig([fakeRow('a')]);
    for (const step of ['backup', 'stage', 'verify', 'snapshot']) doneStep(rig, 'a', step);
    openStep(rig, 'a', 'switchover', 3000);
    Object.assign(rig.device('a'), { pairActive: true, bootedAt: Date.now() - 1000 });
    await rig.run('run');
    expect(rig.steps('a')).toContain('switchover:interrupted');
    expect(rig.device('a').count('switchover')).toBe(1);
    expect(rig.state('a').status).toBe('upgraded');
  });

  it('a rollback interrupted before it reached the device is gated and run again, once, not talked out of by a new post-check', async () => {
    rig = engineRig([fakeRow('a')]);
    doneStep(rig, 'a', 'activate', 'ok', true);
    doneStep(rig, 'a', 'wait');
    doneStep(rig, 'a', 'postcheck', 'failed');
    openStep(rig, 'a', 'rollback', 1);
    Object.assign(rig.device('a'), { version: '17.9.5', uncommitted: true });
    await rig.run('run');
    expect(rig.steps('a')).toContain('rollback:interrupted');
    // Its post-check is not run again to talk it out of the rollback that was approved.
    expect(rig.steps('a').slice(3)).not.toContain('postcheck:ok');
    expect(rig.device('a').count('rollback')).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'rolled-back' });
  });

  it('a device that does not come back after an interrupted activation ends needing a person, nothing sent again', async () => {
    rig = engineRig([fakeRow('a')]);
    openStep(rig, 'a', 'activate');
    Object.assign(rig.device('a'), { downUntil: Date.now() + 60_000, neverReturns: true });
    await rig.run('run');
    expect(rig.state('a')).toMatchObject({ status: 'needs-attention', reason: 'device-error' });
    expect(rig.state('a').message).toMatch(/did not come back on 17\.9\.5/);
    expect(rig.steps('a')).toEqual(['activate:started']);
    expect(rig.device('a').count('activate')).toBe(0);
  });

  it('an HA pair one of whose members an earlier run upgraded: the other goes on (the pair is not blocked)', async () => {
    rig = engineRig([fakeRow('a', { haPeer: 'b' }), fakeRow('b', { haPeer: 'a' })]);
    for (const step of ['backup', 'stage', 'verify', 'snapshot', 'wait', 'postcheck', 'commit']) doneStep(rig, 'b', step);
    doneStep(rig, 'b', 'activate', 'ok', true);
    rig.device('b').version = '17.9.5';
    expect((await rig.run('run')).exitCode).toBe(0);
    expect(rig.state('a').status).toBe('upgraded');
    expect(rig.state('b')).toMatchObject({ status: 'upgraded', message: 'upgraded to 17.9.5 (by an earlier run)' });
    expect([rig.device('a').count('activate'), rig.device('b').count('activate')]).toEqual([1, 0]);
  });

  it('an HA pair whose second member stops short while the first runs the new release says the pair runs split versions', async () => {
    rig = engineRig([fakeRow('a', { haPeer: 'b' }), fakeRow('b', { haPeer: 'a' })]);
    const approver = new QueueApprover(new PolicyApprover(false, []));
    const { done } = rig.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'reload'));
    const first = approver.pending()[0].gate.hostname;
    approver.answer(approver.pending()[0].gate.id, 'approved');
    await until(() => approver.pending().some((p) => p.gate.kind === 'reload' && p.gate.hostname !== first));
    approver.answer(approver.pending()[0].gate.id, 'refused');
    await done;
    const second = first === 'a' ? 'b' : 'a';
    expect(rig.state(first).status).toBe('upgraded');
    expect(rig.state(second)).toMatchObject({ status: 'held', reason: 'gate-refused' });
    expect(rig.state(second).message).toMatch(new RegExp(`; the HA pair runs split versions: ${first} on 17\\.9\\.5, ${second} on 17\\.6\\.5$`));
    expect(rig.events.some((e) => e.type === 'log' && e.level === 'error' && /split versions/.test(e.text))).toBe(true);
  });

  it('an upgrade under way is reported held (in-progress) by a check, and finished by the next run', async () => {
    rig = engineRig([fakeRow('a')]);
    doneStep(rig, 'a', 'activate', 'ok', true);
    Object.assign(rig.device('a'), { version: '17.9.5', uncommitted: true });
    expect((await rig.run('check')).exitCode).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'held', reason: 'in-progress' });
    await rig.run('run');
    expect(rig.state('a').status).toBe('upgraded');
    expect(rig.device('a').count('commit')).toBe(1);
    expect(rig.device('a').count('activate')).toBe(0);
  });
});
