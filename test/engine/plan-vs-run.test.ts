// `upshift plan` prints what a run then sends: the same steps, in the same
// order, with the same commands — for every IOS-XE mode and for PAN-OS. Both
// come from the driver's step sequence; this proves they do not drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import type { DevicePlan } from '../../src/engine/plan.js';

interface Ran { hostname: string; step: string; outcome: string; disruptive: number; sent_json: string | null }

/** check, plan --json, run --yes on one lab; the plans and the run's journal. */
function planThenRun(fleet: LabDeviceSpec[], settings: Record<string, string | number>, runExit = 0) {
  const out = { run: null as LabRun | null, plans: [] as DevicePlan[], journal: [] as Ran[], prechecks: new Map<string, string>() };
  beforeAll(async () => {
    const run = (out.run = await startLabRun(fleet, { settings }));
    // A state folder of its own; the lab's host keys are where the lab wrote them.
    const state = join(run.dir, 'state');
    const kh = ['--known-hosts', run.files.knownHosts];
    const c = await run.cli(['check', '--state', state, ...kh]);
    expect(c.code, c.stdout).toBe(0);
    const p = await run.cli(['plan', '--json', '--state', state, ...kh]);
    expect(p.code).toBe(0);
    out.plans = JSON.parse(p.stdout) as DevicePlan[];
    const r = await run.cli(['run', '--yes', '--state', state, ...kh]);
    expect(r.code, r.stdout).toBe(runExit);
    const db = new Database(join(state, 'upshift.db'), { readonly: true });
    out.journal = db.prepare("SELECT j.hostname, j.step, j.outcome, j.disruptive, j.sent_json FROM journal j JOIN runs r ON r.id = j.run_id WHERE r.command = 'run' ORDER BY j.id").all() as Ran[];
    for (const r of db.prepare('SELECT hostname, precheck FROM device_state').all() as { hostname: string; precheck: string | null }[]) out.prechecks.set(r.hostname, r.precheck ?? '');
    db.close();
  }, 240_000);
  afterAll(async () => out.run?.lab.stop());
  return out;
}

/** The image server's address, port and token are known only to the run: compare the rest of the URL. */
const normal = (c: string) => c.replace(/http:\/\/[^/\s]+\/[^/\s]+\//, 'http://<server>/');

/** Journal steps that read (facts, checks, snapshots, marks): the engine records what they found, not what they sent. */
const READS = new Set(['facts', 'precheck', 'snapshot', 'postcheck', 'postcheck-rollback', 'rolled-back']);

function comparePlanAndRun(out: ReturnType<typeof planThenRun>, host: string, path: 'upgrade' | 'rollback' = 'upgrade'): void {
  const plan = out.plans.find((p) => p.hostname === host)!;
  expect(plan.state).toBe('planned');
  // The steps this device should have gone through: the upgrade, or the upgrade up to its post-check and then the way back.
  const upTo = plan.steps.findIndex((s) => s.step === 'postcheck');
  const steps = path === 'upgrade' ? plan.steps : [...plan.steps.slice(0, upTo + 1), ...plan.onFailure];
  const planned = new Map(steps.map((s) => [s.step, s.commands.map(normal)]));
  const ran = out.journal.filter((j) => j.hostname === host && (j.outcome !== 'failed' || (path === 'rollback' && j.step === 'postcheck')) && j.step !== 'rolled-back');
  // Every step of the run is a planned step, in the plan's order; every planned step ran (a cleanup only when flash is short).
  // The pre-checks the plan names are the ones the run checked (the image repository's included).
  const checked = (out.prechecks.get(host) ?? '').split(/\s*[✓✗]\s*/).filter(Boolean);
  expect(plan.steps.find((s) => s.step === 'precheck')!.note!.split(', '), `${host} precheck`).toEqual(checked);
  const order = [...new Set(ran.map((j) => j.step))];
  expect(order).toEqual(steps.map((s) => s.step).filter((s) => order.includes(s)));
  expect(steps.map((s) => s.step).filter((s) => !order.includes(s) && s !== 'cleanup')).toEqual([]);
  for (const j of ran) {
    // Only reads may leave what they sent unrecorded: a driver operation that sent nothing would slip through otherwise.
    if (!j.sent_json) {
      expect(READS.has(j.step.split(' ')[0]), `${host} ${j.step}: no record of what it sent`).toBe(true);
      continue;
    }
    const sent = (JSON.parse(j.sent_json) as string[]).map(normal);
    const want = planned.get(j.step)!;
    // A disruptive step sends exactly what the plan (and its gate) showed; a read-only one may skip what it already knows, but sends something when it did its work.
    if (j.disruptive) expect(sent, `${host} ${j.step}`).toEqual(want);
    else {
      for (const c of sent) expect(want, `${host} ${j.step}: "${c}" was not in the plan`).toContain(c);
      if (j.outcome === 'ok' && want.length > 0) expect(sent.length, `${host} ${j.step}: ok, yet nothing sent`).toBeGreaterThan(0);
    }
  }
}

describe('plan versus run: install, stack, bundle, ISSU, PAN-OS HA and standalone', () => {
  const out = planThenRun([
    dev('sw-inst', 'cat9300'), dev('sw-stack', 'cat9300-stack'), dev('rtr-bundle', 'asr1001x', { mode: 'bundle' }), dev('core-svl', 'cat9500-svl'),
    dev('fw-a', 'panos', { haPeer: 'fw-b', haRole: 'active', via: 'pano' }), dev('fw-b', 'panos', { haPeer: 'fw-a', haRole: 'passive', via: 'pano' }), dev('fw-solo', 'panos'),
    { hostname: 'pano', kind: 'panorama', version: '11.1.4-h7', target: null, faults: [], site: 'lab', role: 'p', group: 'm' },
    // Behind a jump host: the device cannot tell which address reaches upshift, so the image is pushed with SCP, in the plan too.
    dev('edge-jump', 'isr4451', { via: 'jump' }),
    { hostname: 'jump', kind: 'jumphost', version: '', target: null, faults: [], site: 'lab', role: 'j', group: 'm' },
  ], { concurrency: 9, canary: 9 });

  it.each(['sw-inst', 'sw-stack', 'rtr-bundle', 'core-svl', 'fw-a', 'fw-b', 'fw-solo', 'edge-jump'])('%s: the planned steps, in order, with the planned commands', (host) => comparePlanAndRun(out, host));

  it('covers each mode and both HA roles', () => {
    expect(Object.fromEntries(out.plans.map((p) => [p.hostname, p.kind]))).toMatchObject({ 'sw-inst': 'install', 'sw-stack': 'install', 'rtr-bundle': 'bundle', 'core-svl': 'issu', 'fw-a': 'panos', 'fw-solo': 'panos' });
    expect(out.plans.find((p) => p.hostname === 'fw-a')!.steps.map((s) => s.step)).toContain('switchover');
    expect(out.plans.find((p) => p.hostname === 'fw-b')!.steps.map((s) => s.step)).not.toContain('switchover');
    expect(out.plans.find((p) => p.hostname === 'edge-jump')!.steps.find((s) => s.step === 'stage')!.commands).toContain('ip scp server enable');
  });
});

describe('plan versus run: the way back after a failed post-check', () => {
  const out = planThenRun([dev('rtr-regress', 'isr4451', { faults: ['regression'] }), dev('sw-regress', 'cat9300', { faults: ['regression'] })], { canary: 2 }, 1);

  it.each(['rtr-regress', 'sw-regress'])('%s: the planned upgrade up to its post-check, then the planned rollback', (host) => {
    comparePlanAndRun(out, host, 'rollback');
    expect(out.journal.filter((j) => j.hostname === host && j.step === 'rolled-back').map((j) => j.outcome)).toEqual(['ok']);
  });
});

describe('plan versus run: one-shot install and bundle-to-install conversion', () => {
  const out = planThenRun([dev('vpn-oneshot', 'c8000v'), dev('sw-convert', 'cat9300', { mode: 'bundle' })], { commit_after_postcheck: 'no', convert_to_install: 'yes', canary: 2 });

  it.each(['vpn-oneshot', 'sw-convert'])('%s: the planned steps, in order, with the planned commands', (host) => comparePlanAndRun(out, host));

  it('covers both modes', () => {
    expect(Object.fromEntries(out.plans.map((p) => [p.hostname, p.kind]))).toEqual({ 'vpn-oneshot': 'install-oneshot', 'sw-convert': 'convert' });
    // The one-shot commits as it activates: its way back is the rollback point the check read before it.
    expect(out.plans.find((p) => p.hostname === 'vpn-oneshot')!.onFailure.find((s) => s.step === 'rollback')!.commands).toEqual([expect.stringMatching(/^install rollback to id \d+$/)]);
  });
});
