// Canary promotion on fake devices: the promote gate holds the rest of the
// run until approved (batch: held without --approve promote); a canary that
// regresses while monitored is rolled back and the rest never starts; an
// uncommitted canary commits only once the monitoring passed.
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyApprover, QueueApprover } from '../../src/engine/gates.js';
import { CANARY_LABEL } from '../../src/engine/promotion.js';
import { engineRig, fakeRow, type EngineRig } from '../helpers/engine-rig.js';

let rig: EngineRig;
afterEach(() => rig?.close());

async function until(test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const three = () => ['a', 'b', 'c'].map((h) => fakeRow(h));
const waves = { canary: 1, batchSize: { count: 2 } } as const;
const rest = (r: EngineRig) => ['b', 'c'].map((h) => r.device(h).calls.length);

describe('canary promotion (promote = manual)', () => {
  it('holds the rest of the run at the promote gate until it is approved, and records who approved it', async () => {
    rig = engineRig(three(), { ...waves, promote: 'manual' });
    const approver = new QueueApprover(new PolicyApprover(false, ['reload']));
    const { done } = rig.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'promote'));
    const gate = approver.pending()[0].gate;
    expect(gate).toMatchObject({ hostname: CANARY_LABEL, kind: 'promote', commands: [] });
    expect(gate.impact).toBe('the rest of the run starts: 2 devices in 1 wave');
    expect(gate.blastRadius[0]).toMatch(/^a: upgraded \(routes 100 → 100 ✓/);
    expect(rig.state('a').status).toBe('upgraded');
    // Held: the other devices have not even been looked at, and are looked at only after the approval.
    expect(rest(rig)).toEqual([0, 0]);
    const approvedAt = new Date().toISOString();
    approver.answer(gate.id, 'approved');
    const out = await done;
    expect(out.exitCode).toBe(0);
    for (const h of ['b', 'c']) expect(rig.store.journal(h)[0].started_at >= approvedAt, h).toBe(true);
    expect(['b', 'c'].map((h) => rig.state(h).status)).toEqual(['upgraded', 'upgraded']);
    expect(rig.store.auditRows().filter((r) => r.step === 'approval: promote')).toMatchObject([{ device: CANARY_LABEL, outcome: 'approved' }]);
  });

  it('in batch without --approve promote leaves the rest held (nothing started), and a later run with it goes on', async () => {
    rig = engineRig(three(), { ...waves, promote: 'manual' });
    const first = await rig.run('run', { approver: new PolicyApprover(false, ['reload']) });
    expect(first.exitCode).toBe(1);
    expect(rig.state('a').status).toBe('upgraded');
    for (const h of ['b', 'c']) expect(rig.state(h)).toMatchObject({ status: 'held', reason: 'gate-held', message: 'waits for the promotion of the canary wave: not approved (batch (no approval given))' });
    expect(rest(rig)).toEqual([0, 0]);
    expect(rig.events.some((e) => e.type === 'gate' && e.gate.kind === 'promote' && e.phase === 'answered' && e.decision?.decision === 'held')).toBe(true);
    const second = await rig.run('run', { approver: new PolicyApprover(false, ['reload', 'promote']) });
    expect(second.exitCode).toBe(0);
    expect(['a', 'b', 'c'].map((h) => rig.state(h).status)).toEqual(['upgraded', 'upgraded', 'upgraded']);
    // The canary, upgraded by the first run, was not reloaded again.
    expect(['a', 'b', 'c'].map((h) => rig.device(h).count('activate'))).toEqual([1, 1, 1]);
    // Checked again as the canary of the second run, but its commit, made by the first, is not sent twice.
    expect(rig.device('a').count('commit')).toBe(1);
    expect(rig.steps('a').filter((s) => s === 'monitor:ok')).toHaveLength(2);
  });

  it('a refused promotion holds the rest with reason gate-refused', async () => {
    rig = engineRig(three(), { ...waves, promote: 'manual' });
    const approver = new QueueApprover(new PolicyApprover(false, ['reload']));
    const { done } = rig.start('run', { approver });
    await until(() => approver.pending().length > 0);
    approver.answer(approver.pending()[0].gate.id, 'refused');
    expect((await done).exitCode).toBe(1);
    expect(rig.state('b')).toMatchObject({ status: 'held', reason: 'gate-refused' });
    expect(rest(rig)).toEqual([0, 0]);
  });
});

describe('canary monitoring (monitor_after_canary)', () => {
  it('commits an uncommitted canary only after the monitoring passed, then starts the rest', async () => {
    rig = engineRig(three(), { ...waves, monitorAfterCanaryMs: 150 });
    const { done } = rig.start('run');
    await until(() => rig.state('a').status === 'running' && rig.steps('a').includes('postcheck:ok'));
    // Upgraded and post-checked, the canary waits uncommitted while it is watched.
    expect(rig.device('a').count('commit')).toBe(0);
    expect(rig.device('a').uncommitted).toBe(true);
    expect((await done).exitCode).toBe(0);
    expect(rig.steps('a').slice(-4)).toEqual(['postcheck:ok', 'monitor:ok', 'commit:ok', 'facts:ok']);
    expect(rig.device('a').uncommitted).toBe(false);
    expect(rig.state('a').message).toMatch(/^upgraded to 17\.9\.5 and kept through the canary monitoring \(routes 100 → 100 ✓/);
    // The rest started only after the monitoring ended.
    const monitorEnd = rig.store.journal('a').find((j) => j.step === 'monitor')!.ended_at!;
    expect(rig.store.journal('b')[0].started_at >= monitorEnd).toBe(true);
    expect(Date.parse(monitorEnd) - Date.parse(rig.store.journal('a').find((j) => j.step === 'monitor')!.started_at)).toBeGreaterThanOrEqual(140);
  });

  it('commits the canary at once when the time its auto-abort timer fires cannot be read (it must not reload itself back mid-monitoring)', async () => {
    rig = engineRig(three(), { ...waves, monitorAfterCanaryMs: 150 });
    rig.device('a').abortTimeReadable = false;
    expect((await rig.run('run')).exitCode).toBe(0);
    const steps = rig.steps('a');
    expect(steps.indexOf('commit:ok')).toBeGreaterThan(-1);
    expect(steps.indexOf('commit:ok')).toBeLessThan(steps.indexOf('monitor:ok'));
    expect(rig.events.some((e) => e.type === 'log' && e.text === 'committing now: when the auto-abort timer fires could not be read')).toBe(true);
  });

  it('a canary that regresses while monitored is rolled back through its rollback gate, and the rest is not promoted', async () => {
    rig = engineRig(three(), { ...waves, monitorAfterCanaryMs: 500 });
    const { done } = rig.start('run', { approver: new PolicyApprover(false, ['reload', 'rollback']) });
    await until(() => rig.steps('a').includes('monitor:started'));
    // A neighbour lost after the upgrade: 100 routes become 50.
    rig.device('a').routes = 50;
    const out = await done;
    expect(out.exitCode).toBe(1);
    expect(rig.state('a')).toMatchObject({ status: 'rolled-back', reason: 'rolled-back' });
    expect(rig.state('a').message).toMatch(/^regression during the canary monitoring: routes 100 → 50 .*; rolled back to 17\.6\.5$/);
    expect(rig.steps('a').slice(-5)).toEqual(['postcheck:ok', 'monitor:ok', 'rollback:ok', 'wait-rollback:ok', 'rolled-back:ok']);
    expect(rig.device('a').count('commit')).toBe(0);
    expect(rig.device('a').version).toBe('17.6.5');
    expect(rig.store.auditRows().filter((r) => r.step.startsWith('approval:')).map((r) => r.step)).toEqual(['approval: reload', 'approval: rollback']);
    for (const h of ['b', 'c']) expect(rig.state(h)).toMatchObject({ status: 'held', reason: 'not-promoted' });
    expect(rest(rig)).toEqual([0, 0]);
    expect(rig.events.some((e) => e.type === 'gate' && e.gate.kind === 'promote')).toBe(false);
  });

  it('a stop during the monitoring still brings an uncommitted canary to an end (checked and committed); the rest does not start', async () => {
    rig = engineRig(three(), { ...waves, monitorAfterCanaryMs: 60_000 });
    const { ctx, done } = rig.start('run');
    await until(() => rig.steps('a').includes('monitor:started'));
    ctx.stop('stopped by the test');
    const out = await done;
    expect(out.exitCode).toBe(3);
    expect(rig.state('a').status).toBe('upgraded');
    expect(rig.device('a').count('commit')).toBe(1);
    expect(rig.state('b')).toMatchObject({ status: 'pending', reason: 'not-started' });
  });
});
