// A simulated PAN-OS firewall (or Panorama): its state, what happens over
// time (jobs, restart, HA), and its answers to operational commands. The
// answers themselves are rendered in system.ts, netxml.ts, ha.ts, software.ts.
import { createHash } from 'node:crypto';
import type { LabClock } from '../clock.js';
import type { LabTimings } from '../iosxe/device.js';
import type { PanosFault } from '../faults.js';
import { runningConfig, type LabCert } from './config.js';
import { ContentManager } from './content.js';
import { functional, goingDown, haStateXml, newHaMember, resolve, suspend, syncToRemote, type HaMember, type HaNode, type HaState } from './ha.js';
import { JobList } from './jobs.js';
import { Network, type Forwarding } from './network.js';
import { arpXml, areBgpXml, areRoutesXml, bgpPeersXml, interfacesXml, routesXml, sessionInfoXml, tunnelsXml } from './netxml.js';
import { SoftwareManager, type SoftwareHost } from './software.js';
import * as sys from './system.js';
import { cdata, errorMsg, success, unexpected, type OpCommand } from './xml.js';

export type { HaState } from './ha.js';

export interface FirewallConfig {
  hostname: string;
  version: string;
  target: string | null;
  faults: PanosFault[];
  haRole?: 'active' | 'passive';
  panorama?: boolean;
  /** The Panorama this firewall is managed by (its `show panorama-status`). */
  managedBy?: { hostname: string; address: string } | null;
}

type Handler = (p: Record<string, string>) => string | Promise<string>;

/** Thrown by a handler whose device closes the connection instead of answering (a restart under way). */
export class DropConnection extends Error {}

export class Firewall implements SoftwareHost, HaNode {
  readonly hostname: string;
  readonly serial: string;
  readonly model: string;
  readonly family: string;
  readonly dataPlanes: number;
  readonly faults: Set<PanosFault>;
  readonly isPanorama: boolean;
  readonly key: string;
  readonly managedBy: { hostname: string; address: string } | null;
  readonly jobs: JobList;
  readonly software: SoftwareManager;
  readonly content: ContentManager;
  private network: Network | null = null;
  private readonly seed: Buffer;
  ha: HaMember;
  version: string;
  peer: Firewall | null = null;
  lifecycle: 'up' | 'rebooting' | 'never' = 'up';
  bootedAt: number;
  /** `show chassis-ready` says yes from then on. */
  readyAt = 0;
  /** The release it ran when the lab started: the faults after a restart belong to any other. */
  private readonly originalVersion: string;
  /** With `warmup-403`, every request is refused with 403 until then. */
  warmupUntil = 0;
  /** With `mp-not-ready`, operational requests answer error 22 until then. */
  mpNotReadyUntil = 0;
  pendingChanges: boolean;
  certs: LabCert[] = [];
  host = '127.0.0.1';
  readonly journal: { at: string; kind: string; detail: string }[] = [];
  reboots = 0;
  port = 0;
  onReboot: (fw: Firewall) => void = () => undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly commands: Record<string, Handler>;

  constructor(cfg: FirewallConfig, readonly clock: LabClock, readonly timings: LabTimings, credentialsSeed: string) {
    const h = createHash('sha256').update(cfg.hostname).digest();
    this.hostname = cfg.hostname;
    this.isPanorama = cfg.panorama ?? false;
    this.faults = new Set(cfg.faults);
    this.serial = `007054${String(h.readUInt32BE(0) % 1_000_000_000).padStart(9, '0')}`;
    const multiDp = this.faults.has('multi-dp');
    this.model = this.isPanorama ? 'Panorama' : multiDp ? 'PA-5220' : 'PA-3220';
    this.family = this.isPanorama ? 'pc' : multiDp ? '5200' : '3200';
    this.dataPlanes = multiDp ? 3 : 1;
    this.key = createHash('sha256').update(`${credentialsSeed}:${cfg.hostname}`).digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
    this.managedBy = cfg.managedBy ?? null;
    this.version = cfg.version;
    this.originalVersion = cfg.version;
    this.bootedAt = Date.now() - ((40 + (h[4] % 200)) * 86_400_000) / clock.speed;
    this.pendingChanges = this.faults.has('pending-changes');
    this.jobs = new JobList(17 + (h[6] % 400));
    this.software = new SoftwareManager(this, [cfg.target], clock.ms(timings.panosJobMs * 2));
    this.content = new ContentManager(this.faults, this.jobs, (f) => this.jobMs(f));
    this.seed = h;
    this.ha = newHaMember(cfg.haRole, this.faults);
    this.commands = this.commandTable();
  }

  /** Forwarding state, made when first asked for (a large lab starts faster and smaller). */
  get net(): Network {
    // The members of a pair share their configuration (synchronised), so the same interfaces,
    // routes, peers and tunnels; and in active/passive the data interfaces' MACs float with the role.
    this.network ??= new Network(this.peer ? createHash('sha256').update([this.hostname, this.peer.hostname].sort().join('|')).digest() : this.seed, this.faults);
    return this.network;
  }

  // --- what the software manager and HA ask of their firewall --------------

  imageFile(version: string): string {
    return this.isPanorama ? `Panorama_pc-${version}` : `PanOS_${this.family}-${version}`;
  }

  jobMs(factor: number): number {
    return this.clock.ms(this.timings.panosJobMs * factor);
  }

  preemptHoldMs(): number {
    return this.clock.ms(this.timings.panosRebootMs * 0.1);
  }

  peerSoftware(): SoftwareManager | null | undefined {
    if (!this.peer) return undefined;
    return this.peer.lifecycle === 'up' ? this.peer.software : null;
  }

  appVersion(): string {
    return this.content.installed;
  }

  contentVersion(): string {
    return this.content.installed;
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  log(kind: string, detail = ''): void {
    this.journal.push({ at: new Date().toISOString(), kind, detail });
  }

  count(kind: string): number {
    return this.journal.filter((e) => e.kind === kind).length;
  }

  // --- state seen from outside ---------------------------------------------

  /** What the forwarding calls show: an HA member that is not active forwards nothing (Network.standby). */
  get forwarding(): Forwarding {
    return this.peer && this.haState !== 'active' ? this.net.standby() : this.net;
  }

  /** Pending HA decisions that are due (the member finished booting) are taken before anyone looks. */
  tick(): void {
    for (const fw of [this, this.peer]) {
      if (fw && fw.peer && fw.lifecycle === 'up' && fw.ha.state === 'initial' && Date.now() >= fw.readyAt) resolve(fw, 'boot complete');
    }
  }

  get haState(): HaState {
    this.tick();
    return this.ha.state;
  }

  set haState(s: HaState) {
    this.ha.state = s;
  }

  get installed(): string | null {
    return this.software.installed;
  }

  set installed(v: string | null) {
    this.software.installed = v;
  }

  ready(): boolean {
    return this.lifecycle === 'up' && Date.now() >= this.readyAt;
  }

  /** Connected to its Panorama: up, finished booting, and not cut off by the `panorama-disconnected` fault. */
  panoramaLinkUp(): boolean {
    return !!this.managedBy && this.ready() && !this.faults.has('panorama-disconnected');
  }

  // --- operational commands -------------------------------------------------

  /** Runs an op command; the XML response body. */
  op(cmd: OpCommand): string | Promise<string> {
    this.tick();
    this.jobs.settle();
    const handler = this.commands[cmd.path.join(' ')];
    return handler ? handler(cmd.params) : unexpected(cmd.path);
  }

  private commandTable(): Record<string, Handler> {
    const are = this.faults.has('advanced-routing');
    const sinceBootS = () => Math.floor(this.clock.elapsed(this.bootedAt) / 1000);
    const ha = () => haStateXml(this, `${this.host}/8`);
    const jobs = () => success(this.jobs.all().map((j) => this.jobs.xml(j)).join(''));
    return {
      'show system info': () => sys.systemInfoXml(this, this.host),
      'show system resources': () => sys.resourcesXml(this),
      'show system disk-space': () => sys.diskSpaceXml(this),
      'show system state': (p) => (/^sys\.monitor\.[^.]+\.mp\.exports$/.test(p.filter ?? '') ? sys.mpStateXml(this) : success(cdata(` '${p.filter ?? ''}': NO_MATCHES `))),
      'show system environmentals': () => sys.environmentalsXml(),
      'show chassis-ready': () => success(this.ready() ? 'yes' : 'no'),
      'show clock': () => sys.clockXml(),
      'show clock more': () => sys.clockMoreXml(this),
      'show ntp': () => sys.ntpXml(this),
      'show panorama-status': () => sys.panoramaStatusXml(this),
      'show high-availability state': ha,
      'show high-availability all': ha,
      'show jobs all': jobs,
      'show jobs': (p) => {
        const job = this.jobs.get(Number(p.id));
        return job ? success(this.jobs.xml(job)) : errorMsg(`job ${p.id ?? ''} not found`);
      },
      'show config running': () => success(runningConfig(this, this.host)),
      'show config-locks': () => sys.locksXml('config-locks', this.faults.has('config-lock')),
      'show commit-locks': () => sys.locksXml('commit-locks', this.faults.has('commit-lock')),
      'check pending-changes': () => success(this.pendingChanges ? 'yes' : 'no'),
      'check full-commit-required': () => success(this.faults.has('full-commit-required') ? 'yes' : 'no'),
      'request license info': () => sys.licensesXml(this),
      'request support check': () => sys.supportXml(this),
      'request system software check': async () => {
        await this.clock.sleep(this.timings.panosJobMs * 0.1);
        return this.software.check();
      },
      'request system software info': () => this.software.info(),
      'request system software download': (p) => this.software.download(p.version, p['sync-to-peer'] === 'yes'),
      'request system software install': (p) => this.software.install(p.version),
      'request content upgrade check': async () => {
        await this.clock.sleep(this.timings.panosJobMs * 0.1);
        return this.content.check();
      },
      'request content upgrade download latest': () => this.content.download(),
      'request content upgrade install': (p) => this.content.install(p.version),
      'request restart system': () => {
        this.restart();
        // Both shapes are seen: pan-os-python tolerates an error envelope with this text (docs/devices/panos-api.md).
        if (this.faults.has('restart-error-envelope')) return `<response status="error"><msg><line>Command succeeded with no output</line></msg></response>`;
        if (this.faults.has('restart-drop')) throw new DropConnection();
        return success('Command succeeded with no output');
      },
      'request high-availability state suspend': () => suspend(this),
      'request high-availability state functional': () => functional(this),
      'request high-availability sync-to-remote running-config': () => syncToRemote(this),
      'show routing route': () => (are ? unexpected(['show', 'routing']) : routesXml(this.forwarding)),
      'show routing protocol bgp peer': () => (are ? unexpected(['show', 'routing']) : bgpPeersXml(this.forwarding)),
      'show advanced-routing route': () => (are ? areRoutesXml(this.forwarding, sinceBootS()) : unexpected(['show', 'advanced-routing'])),
      'show advanced-routing bgp peer status': () => (are ? areBgpXml(this.forwarding) : unexpected(['show', 'advanced-routing'])),
      'show running tunnel flow all': () => tunnelsXml(this.forwarding),
      'show arp entry': () => arpXml(this.forwarding),
      'show arp all': () => arpXml(this.forwarding),
      'show interface': (p) => interfacesXml(this.forwarding, p.text ?? 'hardware'),
      'show session info': () => sessionInfoXml(this.forwarding),
      'show running resource-monitor minute': (p) => sys.resourceMonitorXml(this, Number(p.last ?? 5)),
    };
  }

  // --- restart ---------------------------------------------------------------

  /** `request restart system`: the management plane goes away a moment later. */
  restart(): void {
    this.log('reboot', `from ${this.version}`);
    this.reboots++;
    this.later(this.clock.ms(this.timings.dropAfterMs), () => {
      this.lifecycle = 'rebooting';
      goingDown(this);
      this.jobs.clear();
      this.onReboot(this);
    });
  }

  /** Called by the lab when the restart time is over: back on the installed release, not ready yet. */
  bootComplete(): void {
    if (this.faults.has('never-returns')) {
      this.lifecycle = 'never';
      this.log('boot-failed', 'never returns');
      return;
    }
    const next = this.software.boot();
    if (next && !this.faults.has('old-version')) this.version = next;
    this.net.afterReboot(this.faults, this.version === this.originalVersion);
    const now = Date.now();
    this.bootedAt = now;
    this.warmupUntil = this.faults.has('warmup-403') ? now + this.clock.ms(this.timings.panosRebootMs * 0.25) : 0;
    this.mpNotReadyUntil = this.faults.has('mp-not-ready') ? now + this.clock.ms(this.timings.panosRebootMs * 0.25) : 0;
    this.readyAt = Math.max(now + this.clock.ms(this.timings.panosRebootMs * 0.15), this.warmupUntil);
    this.lifecycle = 'up';
    this.log('boot', this.version);
    if (this.peer) this.later(this.readyAt - now, () => this.tick());
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.jobs.dispose();
  }
}
