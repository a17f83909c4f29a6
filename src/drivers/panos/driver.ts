// The PAN-OS driver: the contract's operations over the XML API, directly or
// through Panorama (target=<serial>). Software moves as jobs polled to FIN.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationPlan, Driver, DeviceTarget, DriverHooks, Facts, Snapshot, StepResult, WaitExpectation } from '../contract.js';
import { DeviceError } from '../errors.js';
import { normalizeVersion } from '../../common/versions.js';
import { list, PanosApi, text, type Xml } from './client.js';
import { CMD, diskAvailMb, uptimeSeconds } from './commands.js';
import { panosRules } from './rules.js';
import type { PanosFacts } from './types.js';

export interface PanosDriverOptions { hooks?: DriverHooks; pollMs?: number; jobTimeoutMs?: number }

const ok = <D = undefined>(message: string, sent: string[], data?: D): StepResult<D> => ({ outcome: 'ok', message, sent, received: '', data });


export class PanosDriver implements Driver {
  readonly rules = panosRules;
  private readonly api: PanosApi;
  private serial: string | undefined;

  constructor(readonly target: DeviceTarget, private readonly opts: PanosDriverOptions = {}) {
    const via = target.via;
    const auth = via ? via.api : target.api;
    if (!auth) throw new DeviceError(target.hostname, 'connect', 'auth', `no API credentials for ${via ? via.hostname : target.hostname}`, undefined, false);
    this.api = via ? new PanosApi({ label: via.hostname, host: via.host, port: via.port, auth }) : new PanosApi({ label: target.hostname, host: target.host, port: target.port, auth });
  }

  private get name(): string {
    return this.target.hostname;
  }

  private op(cmd: string, step: string): Promise<Xml> {
    return this.api.op(cmd, this.name, step, this.serial);
  }

  async connect(step = 'connect'): Promise<void> {
    await this.api.ensureKey(this.name, step);
    if (!this.target.via || this.serial) return;
    // Behind Panorama the firewall is addressed by serial: find it by hostname or address.
    const devices = list(((await this.api.op(CMD.devices, this.name, step)).devices as Xml | undefined)?.entry);
    const me = devices.find((d) => text(d.hostname).toLowerCase() === this.name.toLowerCase()) ?? devices.find((d) => text(d['ip-address']) === this.target.host && devices.filter((x) => text(x['ip-address']) === this.target.host).length === 1);
    if (!me) throw new DeviceError(this.name, step, 'precondition', `${this.target.via.hostname} does not manage a firewall named ${this.name}`, undefined, false);
    this.serial = text(me.serial);
  }

  async close(): Promise<void> {}

  async facts(opts: { step?: string; readiness?: boolean } = {}): Promise<PanosFacts> {
    const step = opts.step ?? 'facts';
    await this.connect(step);
    const sys = (await this.op(CMD.systemInfo, step)).system as Xml;
    const haDoc = await this.op(CMD.haState, step);
    const group = haDoc.group as Xml | undefined;
    const local = group?.['local-info'] as Xml | undefined;
    const peer = group?.['peer-info'] as Xml | undefined;
    const updates = (await this.op(CMD.softwareInfo, step))['sw-updates'] as Xml | undefined;
    const software = list((updates?.versions as Xml | undefined)?.entry);
    const disk = await this.api.opText(CMD.diskSpace, this.name, step, this.serial);
    const pending = await this.api.opText(CMD.pendingChanges, this.name, step, this.serial);
    const jobs = list((await this.op(CMD.jobsAll, step)).job);
    const licenses = list(((await this.op(CMD.licenses, step)).licenses as Xml | undefined)?.entry);
    const version = normalizeVersion(text(sys['sw-version']));
    const ha = text(haDoc.enabled) === 'yes' ? {
      local: text(local?.state), peer: text(peer?.state), peerVersion: text(peer?.['build-rel']) ? normalizeVersion(text(peer?.['build-rel'])) : null,
      sync: text(group?.['running-sync']), peerConnected: text(peer?.['conn-status']) === 'up', mode: text(group?.mode) || null,
      preemptive: text(local?.preemptive) ? text(local?.preemptive) === 'yes' : null,
    } : null;
    return {
      platform: 'panos', hostname: text(sys.hostname), model: text(sys.model) || null, serial: text(sys.serial) || null, version,
      uptimeSeconds: uptimeSeconds(text(sys.uptime)), lastReloadReason: null,
      pairRole: ha ? (['active', 'passive', 'suspended'].includes(ha.local) ? (ha.local as 'active' | 'passive' | 'suspended') : 'other') : null,
      uncommitted: null,
      ha,
      software: software.map((e) => ({ version: normalizeVersion(text(e.version)), sizeMb: Number(text(e.size)) || 0, downloaded: text(e.downloaded) === 'yes', current: text(e.current) === 'yes' })),
      softwareSource: 'info',
      diskFreeMb: diskAvailMb(disk),
      pendingChanges: /yes/i.test(pending),
      runningJobs: jobs.filter((j) => text(j.status) !== 'FIN').map((j) => `${text(j.type)} ${text(j.id)}`),
      expiredLicenses: licenses.filter((l) => text(l.expired) === 'yes').map((l) => text(l.feature)),
      appVersion: text(sys['app-version']) || null,
      collectedAt: new Date().toISOString(),
    };
  }

  /** Firewalls download their software themselves: no image server. */
  async localAddress(): Promise<string | null> {
    return null;
  }

  async snapshot(step = 'snapshot'): Promise<Snapshot> {
    await this.connect(step);
    const sessions = await this.op(CMD.sessionInfo, step);
    const routes = list((await this.op(CMD.routes, step)).entry);
    const arp = await this.op(CMD.arp, step);
    const nics = list(((await this.op(CMD.interfaces, step)).hw as Xml | undefined)?.entry);
    return {
      routes: routes.length, routesBySource: {}, arp: Number(text(arp.total)) || list((arp.entries as Xml | undefined)?.entry).length,
      bgp: [], ospf: [], interfaces: nics.map((n) => ({ name: text(n.name), up: text(n.state) === 'up' })),
      sessions: Number(text(sessions['num-active'])), takenAt: new Date().toISOString(),
    };
  }

  async backup(dir: string, step = 'backup'): Promise<StepResult<{ file: string }>> {
    await this.connect(step);
    const cfg = (await this.op(CMD.configRunning, step)).config;
    const folder = join(dir, this.name);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const file = join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}.xml`);
    writeFileSync(file, JSON.stringify(cfg, null, 2), { mode: 0o600 });
    return ok(`running configuration saved to ${file}`, ['show config running'], { file });
  }

  /** Polls a job to FIN; OK or the job's own failure text. */
  private async job(id: string, what: string, step: string): Promise<void> {
    const deadline = Date.now() + (this.opts.jobTimeoutMs ?? 60 * 60_000);
    while (Date.now() < deadline) {
      const j = list((await this.op(CMD.job(id), step)).job)[0];
      const progress = Number(text(j?.progress));
      if (Number.isFinite(progress)) this.opts.hooks?.onProgress?.({ step, done: progress, total: 100, note: what });
      if (text(j?.status) === 'FIN') {
        if (text(j?.result) === 'OK') return;
        throw new DeviceError(this.name, step, 'command', `${what} (job ${id}) failed`, list((j?.details as Xml | undefined)?.line).map(text).join(' ') || text(j?.result), false);
      }
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 2000));
    }
    throw new DeviceError(this.name, step, 'timeout', `${what} (job ${id}) did not finish in time`);
  }

  private async enqueue(cmd: string, what: string, step: string): Promise<string> {
    const r = await this.op(cmd, step);
    const id = text(list(r.job)[0]);
    if (!id) throw new DeviceError(this.name, step, 'api', `${what} was not enqueued`, list((r.msg as Xml | undefined)?.line).map(text).join(' '), false);
    return id;
  }

  async stage(plan: ActivationPlan, _source: unknown, version = plan.targetVersion, step = 'stage'): Promise<StepResult> {
    const f = await this.facts({ step });
    const sw = f.software;
    const wanted = [...(plan.baseImages ?? []), normalizeVersion(version)];
    const sent: string[] = [];
    const done: string[] = [];
    for (const v of wanted) {
      if (sw.find((x) => x.version === v)?.downloaded) continue;
      sent.push(`request system software download version ${v}`);
      await this.job(await this.enqueue(CMD.download(v), `download of ${v}`, step), `download of ${v}`, step);
      done.push(v);
    }
    if (done.length === 0) return { ...ok(`${wanted.join(' and ')} already downloaded; not downloaded again`, [CMD.cli.softwareInfo]), outcome: 'skipped' };
    return ok(`downloaded ${done.join(' and ')}`, [CMD.cli.softwareCheck, ...sent]);
  }

  async verify(plan: ActivationPlan, version = plan.targetVersion, step = 'verify'): Promise<StepResult> {
    const f = await this.facts({ step });
    const entry = f.software.find((x) => x.version === normalizeVersion(version));
    if (!entry?.downloaded) throw new DeviceError(this.name, step, 'precondition', `${version} is not downloaded on the firewall`, undefined, false);
    return ok(`${version} is downloaded and loaded into the software manager`, [CMD.cli.softwareInfo]);
  }

  async activate(plan: ActivationPlan, version = plan.targetVersion, step = 'activate'): Promise<StepResult<{ reloads: boolean }>> {
    const v = version;
    await this.job(await this.enqueue(CMD.install(v), `install of ${v}`, step), `install of ${v}`, step);
    await this.api.opText(CMD.restart, this.name, step, this.serial);
    return ok(`${v} installed; the firewall restarts`, [`request system software install version ${v}`, 'request restart system'], { reloads: true });
  }

  async switchover(_plan: ActivationPlan, step = 'switchover'): Promise<StepResult<{ reloads: boolean }>> {
    const r = await this.api.opText(CMD.haSuspend, this.name, step, this.serial);
    if (!/suspended/i.test(r)) throw new DeviceError(this.name, step, 'command', 'the HA suspend was not confirmed', r, false);
    return ok('HA suspended here: the peer takes over', ['request high-availability state suspend'], { reloads: false });
  }

  async waitForReturn(expect: WaitExpectation, step = 'wait'): Promise<StepResult<{ facts: Facts }>> {
    const deadline = expect.since + expect.timeoutMs;
    const poll = expect.pollMs ?? Math.min(10_000, Math.max(250, expect.timeoutMs / 60));
    let sawDown = false;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      try {
        const sys = (await this.op(CMD.systemInfo, step)).system as Xml;
        const version = normalizeVersion(text(sys['sw-version']));
        const up = uptimeSeconds(text(sys.uptime));
        const rebooted = sawDown || (up !== null && up < (Date.now() - expect.since) / 1000 + 120);
        if (version === normalizeVersion(expect.version) && rebooted) {
          if (/yes/.test(await this.api.opText(CMD.chassisReady, this.name, step, this.serial))) return ok(`back on ${version}, chassis ready`, [], { facts: await this.facts({ step }) });
          last = 'management up, chassis not ready yet';
        } else if (rebooted) {
          throw new DeviceError(this.name, step, 'wrong-version', `came back on ${version}, not ${expect.version}`, undefined, false);
        } else last = `still up on ${version}: the restart has not started`;
      } catch (err) {
        if (err instanceof DeviceError && !err.transient) throw err;
        sawDown = true;
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(poll, deadline - Date.now()))));
    }
    throw new DeviceError(this.name, step, 'not-returned', `did not come back on ${expect.version} within ${Math.round(expect.timeoutMs / 1000)} s; last: ${last}`, undefined, false);
  }

  async commit(_plan: ActivationPlan, step = 'commit'): Promise<StepResult> {
    const f = await this.facts({ step });
    if (f.ha?.local !== 'suspended') return { ...ok('nothing to commit on PAN-OS', ['show high-availability state']), outcome: 'skipped' };
    const r = await this.api.opText(CMD.haFunctional, this.name, step, this.serial);
    return ok(`HA made functional again (${r})`, ['show high-availability state', 'request high-availability state functional']);
  }

  async rollback(plan: ActivationPlan, step = 'rollback'): Promise<StepResult<{ reloads: boolean }>> {
    const v = plan.previousVersion;
    await this.job(await this.enqueue(CMD.install(v), `install of ${v}`, step), `install of ${v}`, step);
    await this.api.opText(CMD.restart, this.name, step, this.serial);
    return ok(`${v} installed again; the firewall restarts`, [`request system software install version ${v}`, 'request restart system'], { reloads: true });
  }

  async cleanup(): Promise<StepResult> {
    return { ...ok('PAN-OS keeps its software images; nothing to remove', []), outcome: 'skipped' };
  }
}
