// The change summary from a state database the real engine wrote (on fake
// devices): an upgrade, a failure, a rollback, their approvals, the diffs
// that moved, and the Audit rows with versions and the run that did them.
import { afterEach, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { DeviceError } from '../../src/drivers/errors.js';
import { osUser } from '../../src/engine/gates.js';
import { changeAuditRows } from '../../src/store/records.js';
import { changeSummary, movedItems } from '../../src/store/summary.js';
import { engineRig, fakeRow, type EngineRig } from '../helpers/engine-rig.js';

let rig: EngineRig;
afterEach(() => rig?.close());

async function recordedRun(): Promise<EngineRig> {
  const r = engineRig(['ok-1', 'bad-1', 'regress-1'].map((h) => fakeRow(h)), { canary: 3, maxFailurePercent: 100 });
  r.device('bad-1').failNext.set('facts', new DeviceError('bad-1', 'facts', 'auth', 'login refused by bad-1', undefined, false));
  r.device('regress-1').routesAfterReboot = 40;
  await r.run('run');
  return r;
}

describe('change summary', () => {
  it('has every part a reviewer needs, taken from the state database', async () => {
    rig = await recordedRun();
    rig.store.db.exec(`UPDATE runs SET change_id = 'CHG0012345'; UPDATE approvals SET change_id = 'CHG0012345'`);
    const md = changeSummary(rig.store, { workbook: '/tmp/fleet.xlsx', now: new Date('2026-11-22T05:00:00') });
    expect(md).toMatch(/^# Change CHG0012345\n/);
    expect(md).toContain('- **workbook**: fleet.xlsx\n');
    expect(md).toContain(`- **operators**: tester (1 run); ${osUser()} (3 gate answers)\n`);
    // Counts per status, and each device: versions before → after, status, reason, message.
    expect(md).toMatch(/## Devices by status\n\n\| status \| devices \|\n\|---\|---\|\n\| upgraded \| 1 \|\n\| failed \| 1 \|\n\| rolled-back \| 1 \|/);
    expect(md).toMatch(/\| ok-1 \| iosxe \| 17\.6\.5 → 17\.9\.5 \| upgraded \| done \| [\d-]+ [\d:]+ \| [\d.]+s \| upgraded to 17\.9\.5/);
    expect(md).toMatch(/\| bad-1 \| iosxe \| \? \(unchanged\) \| failed \| device-error \|/);
    expect(md).toMatch(/\| regress-1 \| iosxe \| 17\.6\.5 \(unchanged\) \| rolled-back \| rolled-back \|/);
    // Approvals: who, when, what.
    expect(md).toMatch(new RegExp(`\\| [\\d-]+ [\\d:]+ \\| ${osUser()} \\| reload \\(activate\\) \\| ok-1 \\| approved \\| --yes \\| CHG0012345 \\|`));
    expect(md).toMatch(/\| rollback \(rollback\) \| regress-1 \| approved \|/);
    // The diff that moved, with the post-check's verdict.
    expect(md).toMatch(/\| regress-1 \| routes \| 100 \| 40 \| -60\.0% \| routes 100 → 40 ✗/);
    expect(md).not.toMatch(/\| ok-1 \| routes/);
    // Failures and rollbacks, with the reason code and the message.
    expect(md).toMatch(/- \*\*bad-1\*\* failed at `facts` \(reason `device-error`\): .*login refused by bad-1/);
    expect(md).toMatch(/- \*\*regress-1\*\* rolled-back \(reason `rolled-back`\): post-check failed: routes 100 → 40 .*; rolled back to 17\.6\.5/);
    // Durations: the run (where it ran) and per step.
    expect(md).toMatch(new RegExp(`\\| run 1 on ${hostname()} pid ${process.pid} tester \\| run \\| CHG0012345 \\|`));
    expect(md).toMatch(/\| activate \| 2 \| [\d.]+s \| [\d.]+s \|/);
  });

  it('lists a device upshift was killed in the middle of (still running) among those left behind', async () => {
    rig = await recordedRun();
    rig.store.db.prepare("UPDATE device_state SET status = 'running', step = 'wait', reason = NULL, message = 'waiting for it to come back' WHERE hostname = 'ok-1'").run();
    const md = changeSummary(rig.store, { workbook: 'fleet.xlsx' });
    expect(md).toMatch(/- \*\*ok-1\*\* running at `wait`: waiting for it to come back/);
  });

  it('says so plainly when nothing ran yet', async () => {
    rig = engineRig([fakeRow('a')]);
    const md = changeSummary(rig.store, { workbook: 'fleet.xlsx' });
    expect(md).toMatch(/^# Change record\n/);
    expect(md).toContain('No gate was approved or refused.');
    expect(md).toContain('Nothing moved between the pre- and post-upgrade snapshots.');
    expect(md).toContain('- **operators**: nobody has run upshift yet\n');
  });

  it('Audit rows carry the run, the change and, per device, the versions before and after and why it ended', async () => {
    rig = await recordedRun();
    const rows = changeAuditRows(rig.store.db);
    const label = `run 1 on ${hostname()} pid ${process.pid} tester`;
    expect(rows.every((r) => r.run === label)).toBe(true);
    expect(rows.filter((r) => r.step !== 'result').every((r) => r.start instanceof Date)).toBe(true);
    const results = rows.filter((r) => r.step === 'result');
    expect(results.map((r) => [r.device, r.outcome, r.versionBefore, r.versionAfter])).toEqual([
      ['ok-1', 'upgraded', '17.6.5', '17.9.5'], ['bad-1', 'failed', null, null], ['regress-1', 'rolled-back', '17.6.5', '17.6.5'],
    ]);
    expect(results[1].message).toMatch(/^device-error at facts: .*login refused by bad-1/);
    const approval = rows.find((r) => r.step === 'approval: reload')!;
    expect(approval.message).toBe('--yes · activate · fake activate');
  });

  it('lists the neighbours and interfaces that went away, not only counts', () => {
    const snap = (up: boolean) => ({
      routes: 10, arp: 5, sessions: null,
      bgp: [{ address: '10.0.0.1', state: 'Established' }, { address: '10.0.0.2', state: up ? 'Established' : 'Active' }],
      ospf: [], interfaces: [{ name: 'Gi1/0/1', up: true }, { name: 'Gi1/0/2', up }],
    });
    expect(movedItems(snap(true), snap(false))).toEqual([
      { item: 'bgp established', before: '2', after: '1', detail: 'lost: 10.0.0.2' },
      { item: 'interfaces up', before: '2', after: '1', detail: 'lost: Gi1/0/2' },
    ]);
    expect(movedItems(snap(true), snap(true))).toEqual([]);
  });
});
