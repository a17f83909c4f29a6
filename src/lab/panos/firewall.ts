// A simulated PAN-OS firewall: software versions, jobs that progress over
// time (ACT/PEND → FIN OK|FAIL), restart with the management plane gone for a
// while, HA pairs (active/passive/suspended) and the data the checks read.
import { createHash } from 'node:crypto';
import type { LabClock } from '../clock.js';
import type { LabTimings } from '../iosxe/device.js';
import type { PanosFault } from '../faults.js';
import { errorMsg, success, xmlOf, type OpCommand } from './xml.js';

export interface Job { id: number; type: string; started: number; duration: number; result: 'OK' | 'FAIL' | null; details: string[]; onDone: () => string | null }
export type HaState = 'active' | 'passive' | 'suspended' | 'initial' | 'non-functional';

export interface FirewallConfig { hostname: string; version: string; target: string | null; faults: PanosFault[]; haRole?: 'active' | 'passive'; panorama?: boolean }

const BASE = (v: string) => `${v.split('.').slice(0, 2).join('.')}.0`;

export class Firewall {
  readonly hostname: string;
  readonly serial: string;
  readonly model: string;
  readonly faults: Set<PanosFault>;
  readonly isPanorama: boolean;
  readonly key: string;
  version: string;
  installed: string | null = null;
  readonly software = new Map<string, { size: number; downloaded: boolean; released: string }>();
  readonly jobs = new Map<number, Job>();
  private nextJob = 1;
  peer: Firewall | null = null;
  haState: HaState = 'initial';
  lifecycle: 'up' | 'rebooting' | 'never' = 'up';
  readyAt = 0;
  bootedAt: number;
  sessions: number;
  routes: number;
  arp: number;
  pendingChanges: boolean;
  busyLeft: number;
  readonly journal: { at: string; kind: string; detail: string }[] = [];
  reboots = 0;
  port = 0;
  onReboot: (fw: Firewall) => void = () => undefined;

  constructor(cfg: FirewallConfig, private readonly clock: LabClock, private readonly timings: LabTimings, credentialsSeed: string) {
    const h = createHash('sha256').update(cfg.hostname).digest();
    this.hostname = cfg.hostname;
    this.isPanorama = cfg.panorama ?? false;
    this.serial = `007054${String(h.readUInt32BE(0) % 1_000_000_000).padStart(9, '0')}`;
    this.model = this.isPanorama ? 'Panorama' : 'PA-3220';
    this.faults = new Set(cfg.faults);
    this.key = createHash('sha256').update(`${credentialsSeed}:${cfg.hostname}`).digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
    this.version = cfg.version;
    this.bootedAt = Date.now() - (40 + (h[4] % 200)) * 86_400_000 / clock.speed;
    this.sessions = 20_000 + h.readUInt16BE(5);
    this.routes = 40 + (h[7] % 200);
    this.arp = 30 + (h[8] % 150);
    this.pendingChanges = this.faults.has('pending-changes');
    this.busyLeft = this.faults.has('busy') ? 2 : 0;
    const versions = new Set([cfg.version, '10.2.10', '11.0.0', '11.1.0', '11.1.2', '11.1.4-h7', '11.2.3']);
    if (cfg.target) versions.add(cfg.target).add(BASE(cfg.target));
    for (const v of versions) this.software.set(v, { size: 400 + (v.length * 37) % 200, downloaded: v === cfg.version, released: '2025/03/14 10:11:12' });
    if (cfg.haRole) this.haState = cfg.haRole;
  }

  log(kind: string, detail = ''): void {
    this.journal.push({ at: new Date().toISOString(), kind, detail });
  }

  count(kind: string): number {
    return this.journal.filter((e) => e.kind === kind).length;
  }

  get haEnabled(): boolean {
    return this.peer !== null;
  }

  ready(): boolean {
    return this.lifecycle === 'up' && Date.now() >= this.readyAt;
  }

  private startJob(type: string, durationBase: number, details: string[], onDone: () => string | null): Job {
    const job: Job = { id: this.nextJob++, type, started: Date.now(), duration: this.clock.ms(durationBase), result: null, details, onDone };
    this.jobs.set(job.id, job);
    return job;
  }

  /** Settles jobs whose time has come, applying their effect once. */
  private tick(): void {
    for (const job of this.jobs.values()) {
      if (job.result !== null || Date.now() - job.started < job.duration) continue;
      const failure = job.onDone();
      job.result = failure ? 'FAIL' : 'OK';
      if (failure) job.details.push(failure);
    }
  }

  private jobXml(job: Job): string {
    const elapsed = Math.min(100, Math.floor(((Date.now() - job.started) / job.duration) * 100));
    const done = job.result !== null;
    return xmlOf({
      tenq: '2026/11/21 10:00:00', tdeq: '10:00:00', id: job.id, user: 'admin', type: job.type,
      status: done ? 'FIN' : 'ACT', queued: 'NO', stoppable: done ? 'no' : 'yes', result: job.result ?? 'PEND',
      tfin: done ? '10:01:00' : 'Still Active', description: '', positionInQ: 0, progress: done ? 100 : elapsed,
      details: { line: job.details.join('\n') }, warnings: '',
    }, 'job');
  }

  /** Runs an op command; returns the XML response body. */
  op(cmd: OpCommand): string {
    this.tick();
    const key = cmd.path.join(' ');
    const p = cmd.params;
    switch (key) {
      case 'show system info':
        return success(xmlOf({ system: {
          hostname: this.hostname, 'ip-address': '127.0.0.1', model: this.model, serial: this.serial, family: this.isPanorama ? 'pc' : '3200',
          'sw-version': this.version, 'app-version': '8799-8509', 'threat-version': '8799-8509', 'av-version': '4712-5231',
          uptime: `${Math.floor((Date.now() - this.bootedAt) * this.clock.speed / 86_400_000)} days, 4:12:31`, 'multi-vsys': 'off', 'operational-mode': 'normal',
          devicename: this.hostname, 'advanced-routing': 'off',
        } }));
      case 'show chassis-ready':
        return success(this.ready() ? 'yes' : 'no');
      case 'show high-availability state':
        return success(this.haXml());
      case 'show jobs all':
        return success([...this.jobs.values()].map((j) => this.jobXml(j)).join(''));
      case 'show jobs': {
        const job = this.jobs.get(Number(p.id));
        return job ? success(this.jobXml(job)) : errorMsg(`job ${p.id} not found`, 7);
      }
      case 'request system software check':
      case 'request system software info':
        return success(xmlOf({ 'sw-updates': { '@last-updated-at': '2026/11/21 09:00:00', versions: [...this.software].map(([v, s]) => ({
          version: v, filename: `PanOS_3200-${v}`, size: s.size, 'size-kb': s.size * 1024, 'released-on': s.released,
          'release-notes': `https://www.paloaltonetworks.com/documentation/${v}`, downloaded: s.downloaded ? 'yes' : 'no', current: v === this.version ? 'yes' : 'no', latest: v === '11.2.3' ? 'yes' : 'no', uploaded: 'no',
        })) } }));
      case 'request system software download':
        return this.download(p.version);
      case 'request system software install':
        return this.install(p.version);
      case 'request restart system':
        this.restart();
        return success('Command succeeded with no output');
      case 'request high-availability state suspend':
      case 'request high-availability state functional':
        return this.setHa(cmd.path[3] === 'suspend');
      case 'show system disk-space':
        return success(`<![CDATA[Filesystem      Size  Used Avail Use% Mounted on\n/dev/root       6.9G  4.1G  2.5G  63% /\n/dev/md6         23G  ${this.faults.has('disk-full') ? '22G  500M  98%' : '4.2G   18G  19%'} /opt/panrepo\n/dev/md5         16G  2.1G   13G  14% /opt/pancfg]]>`);
      case 'check pending-changes':
        return success(this.pendingChanges ? 'yes' : 'no');
      case 'request license info':
        return success(xmlOf({ licenses: [{ feature: 'Threat Prevention', description: 'Threat Prevention', serial: this.serial, issued: 'March 01, 2025', expires: 'March 01, 2028', expired: 'no', authcode: '' },
          { feature: 'PAN-DB URL Filtering', description: 'URL filtering', serial: this.serial, issued: 'March 01, 2025', expires: 'March 01, 2028', expired: 'no', authcode: '' }] }));
      case 'show session info':
        return success(xmlOf({ 'num-max': 2_000_000, 'num-active': this.sessions, 'num-tcp': Math.floor(this.sessions * 0.7), 'num-udp': Math.floor(this.sessions * 0.28), 'num-icmp': 120, cps: 340, kbps: 91_200, pps: 12_400 }));
      case 'show routing route': {
        const entries = Array.from({ length: this.routes }, (_, i) => xmlOf({ 'virtual-router': 'default', destination: `10.${i >> 8}.${i & 255}.0/24`, nexthop: '10.0.0.1', metric: 10, flags: 'A S', age: '', interface: 'ethernet1/1', 'route-table': 'unicast' }, 'entry'));
        return success(`<flags>flags: A:active, ?:loose, C:connect, H:host, S:static</flags>${entries.join('')}`);
      }
      case 'show arp entry':
        return success(xmlOf({ max: 32_000, total: this.arp, timeout: 1800, dp: 'dp0', entries: Array.from({ length: this.arp }, (_, i) => ({ status: ' c ', ip: `10.1.${i >> 8}.${(i & 255) + 1}`, mac: `00:50:56:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, ttl: 1500, interface: 'ethernet1/2', port: 'ethernet1/2' })) }));
      case 'show interface':
        return success(xmlOf({ hw: Array.from({ length: 8 }, (_, i) => ({ name: `ethernet1/${i + 1}`, state: i < 6 ? 'up' : 'down', mac: `00:1b:17:00:01:${(16 + i).toString(16)}`, speed: '10000', duplex: 'full' })) }));
      case 'show config running':
        return success(`<config version="${this.version}"><devices><entry name="localhost.localdomain"><deviceconfig><system><hostname>${this.hostname}</hostname></system></deviceconfig></entry></devices></config>`);
      default:
        return errorMsg(`${cmd.path.join(' > ')} is unexpected`, 17);
    }
  }

  private haXml(): string {
    if (!this.peer) return xmlOf({ enabled: 'no' });
    const peerUp = this.peer.lifecycle === 'up';
    const synced = this.peer.version === this.version && !this.faults.has('not-synced') && peerUp;
    return xmlOf({ enabled: 'yes', group: {
      mode: 'Active-Passive', 'running-sync': synced ? 'synchronized' : 'not synchronized', 'running-sync-enabled': 'yes',
      'local-info': { state: this.haState, 'build-rel': this.version, preemptive: 'no', priority: this.haState === 'active' ? 100 : 110, 'mgmt-ip': '127.0.0.1/8', 'state-sync': 'Complete' },
      'peer-info': { state: peerUp ? this.peer.haState : 'unknown', 'build-rel': this.peer.version, 'conn-status': peerUp ? 'up' : 'down', 'mgmt-ip': '127.0.0.1/8' },
    } });
  }

  private download(version: string | undefined): string {
    const sw = version ? this.software.get(version) : undefined;
    if (!version || !sw) return errorMsg(`Failed to download ${version ?? '(no version)'}: not in the list of available software; run request system software check`, 17);
    const job = this.startJob('Downld', this.timings.panosJobMs, [], () => {
      sw.downloaded = true;
      return null;
    });
    this.log('download', version);
    return success(`<msg><line>Download job enqueued with jobid ${job.id}</line></msg><job>${job.id}</job>`, 19);
  }

  private install(version: string | undefined): string {
    const sw = version ? this.software.get(version) : undefined;
    if (!version || !sw) return errorMsg(`Failed to install ${version ?? '(no version)'}: unknown version`, 17);
    if (this.busyLeft > 0) {
      this.busyLeft--;
      return errorMsg('The software manager is currently in use. Please try again later.');
    }
    if (!sw.downloaded) return errorMsg(`Failed to install ${version}: image is not downloaded`);
    const base = BASE(version);
    if (BASE(this.version) !== base && !this.software.get(base)?.downloaded) return errorMsg(`Failed to install ${version}: the base image ${base} must be downloaded first`);
    const job = this.startJob('Install', this.timings.panosJobMs * 1.5, [], () => {
      this.installed = version;
      return null;
    });
    this.log('install', version);
    return success(`<msg><line>Software install job enqueued with jobid ${job.id}. Run 'show jobs id ${job.id}' to monitor its status. Please reboot the device after the installation is done.</line></msg><job>${job.id}</job>`, 19);
  }

  private setHa(suspend: boolean): string {
    if (!this.peer) return errorMsg('HA is not enabled', 14);
    if (suspend) {
      this.haState = 'suspended';
      if (this.peer.haState === 'passive' && this.peer.lifecycle === 'up') this.peer.haState = 'active';
    } else {
      this.haState = this.peer.haState === 'active' && this.peer.lifecycle === 'up' ? 'passive' : 'active';
    }
    this.log('ha', this.haState);
    return success(`Successfully changed HA state to ${suspend ? 'suspended' : 'functional'}`);
  }

  private restart(): void {
    this.log('reboot', `from ${this.version}`);
    this.reboots++;
    setTimeout(() => {
      this.lifecycle = 'rebooting';
      if (this.peer && this.haState === 'active' && this.peer.haState === 'passive') this.peer.haState = 'active';
      this.onReboot(this);
    }, this.clock.ms(this.timings.dropAfterMs));
  }

  /** Called by the lab when the reboot time is over. */
  bootComplete(): void {
    if (this.faults.has('never-returns')) {
      this.lifecycle = 'never';
      this.log('boot-failed', 'never returns');
      return;
    }
    if (this.installed && !this.faults.has('old-version')) this.version = this.installed;
    this.installed = null;
    for (const [v, s] of this.software) if (v === this.version) s.downloaded = true;
    if (this.faults.has('regression')) {
      this.sessions = Math.floor(this.sessions * 0.4);
      this.routes = Math.floor(this.routes * 0.6);
    }
    if (this.peer && this.haState !== 'suspended') this.haState = this.peer.haState === 'active' && this.peer.lifecycle === 'up' ? 'passive' : 'active';
    this.bootedAt = Date.now();
    this.readyAt = Date.now() + this.clock.ms(this.timings.panosRebootMs * 0.15);
    this.lifecycle = 'up';
    this.log('boot', this.version);
  }
}
