// A fake driver (NAPALM's mock idea): an in-memory device that answers the
// contract at once, so engine tests go through every branch — gates,
// reconcile decisions after a crash, rollbacks — in milliseconds. The
// lab-backed end-to-end tests stay the proof that real sessions work.
import type {
  ActivationPlan, Driver, DeviceTarget, Facts, IosxeFacts, PlatformRules, Snapshot, StepKind, StepResult, StepSpec, WaitExpectation,
} from '../../src/drivers/contract.js';
import { DeviceError } from '../../src/drivers/errors.js';

/** The fake device's state, shared by every driver made for it (sessions come and go, the device stays). */
export class FakeDevice {
  version: string;
  bootedAt = Date.now() - 86_400_000;
  /** Unreachable until then (a reboot in progress). */
  downUntil = 0;
  /** After a reboot it comes back on this version instead of the one activated. */
  comesBackOn: string | null = null;
  neverReturns = false;
  uncommitted = false;
  /** Whether the device says when its auto-abort timer fires (facts' abortsAt). */
  abortTimeReadable = true;
  /** The active member of a pair: it hands its traffic over (a switchover) before its reload. */
  pairActive = false;
  /** Handed over and out of service (until a commit or restore brings it back). */
  suspended = false;
  routes = 100;
  /** Routes after the next reboot (a regression when lower). */
  routesAfterReboot: number | null = null;
  failNext = new Map<string, DeviceError>();
  /** The activation goes through (the device reloads), then the step reports this error (a session lost at the wrong moment). */
  activateThenFail: DeviceError | null = null;
  /** Steps hold here until released (a test decides when the device answers). */
  readonly holds = new Map<string, { promise: Promise<void>; release: () => void }>();
  readonly calls: string[] = [];

  constructor(readonly hostname: string, version = '17.6.5', readonly rebootMs = 30) {
    this.version = version;
  }

  reboot(to: string): void {
    this.downUntil = Date.now() + this.rebootMs;
    this.version = this.comesBackOn ?? to;
    this.comesBackOn = null;
    this.bootedAt = this.downUntil;
    if (this.routesAfterReboot !== null) this.routes = this.routesAfterReboot;
  }

  hold(step: string): () => void {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.holds.set(step, { promise, release });
    return () => {
      this.holds.delete(step);
      release();
    };
  }

  count(call: string): number {
    return this.calls.filter((c) => c === call).length;
  }
}

const result = <D = undefined>(message: string, sent: string[], data?: D): StepResult<D> => ({ outcome: 'ok', message, sent, received: '', data });

const step = (kind: StepKind, extra: Partial<StepSpec> = {}): StepSpec => ({ id: kind, kind, gate: null, disruptive: false, phase: 'upgrade', commands: [`fake ${kind}`], ...extra });

/** A small platform: stage, verify, snapshot, a gated activate, wait, post-check, commit; a gated rollback. */
export const fakeRules: PlatformRules = {
  platform: 'iosxe',
  factsCommands: ['fake facts'],
  plan: (f, want) => ({ kind: 'install', image: want.image, targetVersion: want.targetVersion, filesystem: 'flash:', previousBoot: [], previousVersion: f.version, stack: false }),
  precheck: () => [{ name: 'fake', ok: true, detail: 'always ready' }],
  sequence: (plan, f) => {
    // An active pair member (as PAN-OS's) switches over first; stopped before its reload, it is brought back.
    const pair = f.pairRole === 'active' || f.pairRole === 'suspended';
    const switchover = pair ? [step('switchover', { gate: 'switchover', disruptive: true })] : [];
    return {
      steps: [step('backup', { phase: 'stage' }), step('stage', { phase: 'stage' }), step('verify', { phase: 'stage' }), step('snapshot'), ...switchover, step('activate', { gate: 'reload', disruptive: true }), step('wait'), step('postcheck'), step('commit')],
      onFailure: [step('rollback', { gate: 'rollback', disruptive: true }), step('wait', { id: 'wait-rollback', version: plan.previousVersion })],
      restore: pair ? [step('commit', { id: 'restore' })] : undefined,
    };
  },
  commandsFor: (kind) => [`fake ${kind}`],
  gateImpact: (spec) => ({ impact: `fake ${spec.kind}`, blastRadius: [], rollback: null }),
  stepHappened: (kind, f, plan, target) => (kind === 'switchover' ? f.pairRole === 'suspended' : f.version === (kind === 'rollback' ? plan?.previousVersion : target)),
  summarize: (f) => ({ model: f.model, serial: f.serial, version: f.version, mode: null, redundancy: 'standalone', storage: null, cpu: null, notes: [] }),
};

export class FakeDriver implements Driver {
  readonly rules = fakeRules;

  constructor(readonly target: DeviceTarget, readonly device: FakeDevice) {}

  private async touch(call: string): Promise<void> {
    const d = this.device;
    d.calls.push(call);
    await d.holds.get(call)?.promise;
    const fail = d.failNext.get(call);
    if (fail) {
      d.failNext.delete(call);
      throw fail;
    }
    if (Date.now() < d.downUntil || (d.neverReturns && d.downUntil > 0)) throw new DeviceError(d.hostname, call, 'connect', 'connection refused');
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  async facts(): Promise<Facts> {
    await this.touch('facts');
    const d = this.device;
    const f: IosxeFacts = {
      platform: 'iosxe', hostname: d.hostname, model: 'FAKE-1', serial: 'FAKE0001', version: d.version, uptimeSeconds: Math.round((Date.now() - d.bootedAt) / 1000),
      lastReloadReason: null, pairRole: d.pairActive ? (d.suspended ? 'suspended' : 'active') : null, uncommitted: d.uncommitted ? { detail: 'an activated, uncommitted install', autoAbort: 'time before rollback - 01:58:00', abortsAt: d.abortTimeReadable ? new Date(Date.now() + 7_080_000).toISOString() : null } : null, collectedAt: new Date().toISOString(),
      image: 'flash:packages.conf', bootMode: 'install', filesystem: 'flash:', flashTotal: 1e9, flashFree: 5e8, files: [], redundancy: { kind: 'none', operatingMode: null, peerState: null, members: [] },
      install: null, bootVariable: ['flash:packages.conf'], manualBoot: false, configRegister: null, configSaved: true, cpu5min: 5, pagingOff: true,
    };
    return f;
  }

  async localAddress(): Promise<string | null> {
    return null;
  }

  async snapshot(): Promise<Snapshot> {
    await this.touch('snapshot');
    return { routes: this.device.routes, routesBySource: {}, arp: 10, bgp: [], ospf: [], interfaces: [], sessions: null, takenAt: new Date().toISOString() };
  }

  async backup(): Promise<StepResult<{ file: string }>> {
    await this.touch('backup');
    return result('saved', ['fake backup'], { file: '/dev/null' });
  }

  async stage(): Promise<StepResult> {
    await this.touch('stage');
    return result('staged', ['fake stage']);
  }

  async verify(): Promise<StepResult> {
    await this.touch('verify');
    return result('verified', ['fake verify']);
  }

  async install(): Promise<StepResult> {
    await this.touch('install');
    return result('installed', ['fake install']);
  }

  async activate(plan: ActivationPlan): Promise<StepResult<{ reloads: boolean }>> {
    await this.touch('activate');
    this.device.reboot(plan.targetVersion);
    // A pair member is like a PAN-OS firewall: an install has no commit step of its own.
    this.device.uncommitted = !this.device.pairActive;
    const late = this.device.activateThenFail;
    this.device.activateThenFail = null;
    if (late) throw late;
    return result('activated', ['fake activate'], { reloads: true });
  }

  async switchover(): Promise<StepResult<{ reloads: boolean }>> {
    await this.touch('switchover');
    this.device.suspended = true;
    return result('switched over', ['fake switchover'], { reloads: false });
  }

  async waitForReturn(expect: WaitExpectation): Promise<StepResult<{ facts: Facts }>> {
    const deadline = expect.since + expect.timeoutMs;
    for (;;) {
      try {
        const f = await this.facts();
        if (f.version === expect.version) return result(`back on ${f.version}`, [], { facts: f });
        throw new DeviceError(this.device.hostname, 'wait', 'wrong-version', `came back on ${f.version}, not ${expect.version}`, undefined, false);
      } catch (err) {
        if (!(err instanceof DeviceError) || !err.transient) throw err;
      }
      if (Date.now() >= deadline) throw new DeviceError(this.device.hostname, 'wait', 'not-returned', `did not come back on ${expect.version}`, undefined, false);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async commit(): Promise<StepResult> {
    await this.touch('commit');
    this.device.uncommitted = false;
    this.device.suspended = false;
    return result('committed', ['fake commit']);
  }

  async rollback(plan: ActivationPlan): Promise<StepResult<{ reloads: boolean }>> {
    await this.touch('rollback');
    this.device.uncommitted = false;
    this.device.reboot(plan.previousVersion);
    return result('rolled back', ['fake rollback'], { reloads: true });
  }

  async cleanup(): Promise<StepResult> {
    await this.touch('cleanup');
    return result('cleaned', ['fake cleanup']);
  }
}
