// A switchover is a disruption: once an active pair member handed its traffic
// over, nothing but the operator keeps it from its reload, and a device
// stopped there (reload refused) is brought back into service, not left out
// of its pair. After a crash, the device decides: still switched over, the
// upgrade goes on from the reload; brought back, it starts afresh.
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyApprover, QueueApprover } from '../../src/engine/gates.js';
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

function pairMember(): EngineRig {
  rig = engineRig([fakeRow('fw')]);
  rig.device('fw').pairActive = true;
  return rig;
}

describe('engine on fake devices: after a switchover', () => {
  it('a stop, the breaker and a closed window do not block the reload gate of a member that switched over', async () => {
    const r = pairMember();
    const approver = new QueueApprover(new PolicyApprover(false, ['switchover']));
    const { ctx, done } = r.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'reload'));
    ctx.stop('the operator stopped the run');
    ctx.breakerTripped = true;
    r.rows[0].windowEnd = new Date(Date.now() - 1000);
    approver.answer(approver.pending()[0].gate.id, 'approved');
    await done;
    expect(r.state('fw')).toMatchObject({ status: 'upgraded' });
    expect(r.device('fw').suspended).toBe(false);
    expect(r.device('fw').count('activate')).toBe(1);
  });

  it('a refused reload after the switchover brings the member back into service and installs nothing', async () => {
    const r = pairMember();
    const approver = new QueueApprover(new PolicyApprover(false, ['switchover']));
    const { done } = r.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'reload'));
    expect(r.device('fw').suspended).toBe(true);
    approver.answer(approver.pending()[0].gate.id, 'refused');
    await done;
    expect(r.device('fw').suspended).toBe(false);
    expect(r.device('fw').count('activate')).toBe(0);
    expect(r.state('fw')).toMatchObject({ status: 'held', reason: 'gate-refused' });
    expect(r.state('fw').message).toMatch(/reload refused by .*; nothing was installed and fw is back in service after its switchover$/);
    const steps = r.steps('fw');
    expect(steps.indexOf('restore:ok')).toBeGreaterThan(steps.indexOf('switchover:ok'));
    expect(steps.filter((s) => s.startsWith('activate'))).toEqual([]);
  });

  it('a reload nobody approved (batch without --approve reload) also brings it back', async () => {
    const r = pairMember();
    await r.run('run', { approver: new PolicyApprover(false, ['switchover']) });
    expect(r.device('fw').suspended).toBe(false);
    expect(r.state('fw')).toMatchObject({ status: 'held', reason: 'gate-held' });
    expect(r.state('fw').message).toMatch(/back in service after its switchover$/);
  });

  it('killed after the switchover: the next run goes on from the reload, without a second switchover', async () => {
    const r = pairMember();
    const approver = new QueueApprover(new PolicyApprover(false, ['switchover']));
    const first = r.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'reload'));
    // What a kill leaves: the switchover journaled done, the device still switched over. (The first run's
    // promise is dropped with its approver still waiting; the state database is what the next run reads.)
    void first.done.catch(() => undefined);
    const second = await r.run('run', { approver: new PolicyApprover(true) });
    expect(second.exitCode).toBe(0);
    expect(r.device('fw').count('switchover')).toBe(1);
    expect(r.device('fw').count('activate')).toBe(1);
    expect(r.device('fw').suspended).toBe(false);
    expect(r.state('fw')).toMatchObject({ status: 'upgraded' });
  });

  it('brought back into service by an earlier run: the next run starts afresh with its own switchover', async () => {
    const r = pairMember();
    await r.run('run', { approver: new PolicyApprover(false, ['switchover']) });
    expect(r.device('fw').suspended).toBe(false);
    await r.run('run', { approver: new PolicyApprover(true) });
    expect(r.device('fw').count('switchover')).toBe(2);
    expect(r.device('fw').count('activate')).toBe(1);
    expect(r.state('fw')).toMatchObject({ status: 'upgraded' });
  });

  async function refuseRollback(then: 'approved' | 'refused') {
    const r = pairMember();
    r.device('fw').routesAfterReboot = 50;
    const approver = new QueueApprover(new PolicyApprover(false, ['switchover', 'reload']));
    const { done } = r.start('run', { approver });
    await until(() => approver.pending().some((p) => p.gate.kind === 'rollback'));
    approver.answer(approver.pending()[0].gate.id, 'refused');
    await until(() => approver.pending().some((p) => p.gate.kind === 'commit'));
    const gate = approver.pending()[0].gate;
    expect(gate.impact).toBe('keeps 17.9.5 for good, although it failed its post-checks (HA made functional again); refusing leaves it suspended: its HA peer carries the traffic, with no standby');
    approver.answer(gate.id, then);
    await done;
    return r;
  }

  it('a refused rollback of a suspended member asks once more: kept, it is made whole again', async () => {
    const r = await refuseRollback('approved');
    expect(r.device('fw').suspended).toBe(false);
    expect(r.device('fw').version).toBe('17.9.5');
    expect(r.state('fw')).toMatchObject({ status: 'needs-attention', reason: 'gate-refused' });
    expect(r.state('fw').message).toMatch(/rollback refused; 17\.9\.5 kept, HA functional again, at .*'s request$/);
  });

  it('or left suspended, and the status says so', async () => {
    const r = await refuseRollback('refused');
    expect(r.device('fw').suspended).toBe(true);
    expect(r.device('fw').count('rollback')).toBe(0);
    expect(r.state('fw')).toMatchObject({ status: 'needs-attention', reason: 'gate-refused' });
    expect(r.state('fw').message).toMatch(/left suspended: its HA peer carries the traffic, with no standby$/);
  });

  it('--yes never answers the commit gate: refused by a person, the rollback leaves the next question to a person too', async () => {
    const gate = { id: 'g', hostname: 'fw', kind: 'commit' as const, step: 'commit-kept', commands: [], impact: '', blastRadius: [], rollback: null };
    expect(new PolicyApprover(true).answer(gate)).toMatchObject({ decision: 'held', source: 'asked of a person only' });
    expect(new PolicyApprover(true).answer({ ...gate, kind: 'reload' })).toMatchObject({ decision: 'approved', source: '--yes' });
  });
});
