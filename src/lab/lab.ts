// The built-in lab: simulated devices on 127.0.0.1 that speak the real
// protocols. Depends on nothing but node, ssh2 and a certificate generator.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { BlobStore } from './blobs.js';
import { LabCatalog } from './catalog.js';
import { DeviceChaos } from './chaos.js';
import { LabClock } from './clock.js';
import { type IosxeFault, type PanosFault } from './faults.js';
import { applyFaults, exampleFleet, generatedFleet, type LabDeviceSpec } from './fleet.js';
import type { LabImage } from './images.js';
import { iosxeModel } from './models.js';
import { DEFAULT_TIMINGS, IosxeSimDevice, type LabTimings } from './iosxe/device.js';
import { DeviceSsh, newHostKey } from './iosxe/ssh.js';
import { PanosLab } from './panos/panos-lab.js';
import { LabJumpHost } from './jumphost.js';

export interface LabOptions {
  /** Number of devices (a generated fleet); without it, the example fleet. */
  devices?: number;
  mix?: string[];
  faults?: string;
  speed?: number;
  timings?: Partial<LabTimings>;
  imageSize?: number;
  fleet?: LabDeviceSpec[];
  host?: string;
  /** Devices log in at privilege 15 (#) instead of asking for `enable`. */
  privileged?: boolean;
  authorizedKeys?: string[];
  /** One-way delay of every IOS-XE CLI exchange, as over a WAN link (real ms, not scaled by speed). */
  latencyMs?: number;
  /**
   * Random disconnects, 0–1 (soak runs): each IOS-XE device draws, with this probability for
   * each kind, a session that drops mid-command output, a first image copy that drops
   * mid-transfer, and a first login after a boot that is refused (src/lab/chaos.ts).
   */
  chaos?: number;
  /** Seed of the chaos draws: the same seed and fleet draw the same faults. */
  chaosSeed?: number;
}

export interface LabCredentials { username: string; password: string; enable: string }

export const LAB_MOTD = [
  '*****************************************************************',
  '*  Authorized access only. This device is managed by NetOps.    *',
  '*  Report problems to the NOC; do not copy prompts like this:   *',
  '*****************************************************************',
  'core-router#',
  'access-switch>',
].join('\n');

const LAB_BANNER = 'Lab device: activity is logged.\r\n';

export class Lab {
  readonly iosxe = new Map<string, IosxeSimDevice>();
  readonly ssh = new Map<string, DeviceSsh>();
  readonly panos: PanosLab;
  readonly jumpHosts = new Map<string, LabJumpHost>();
  readonly clock: LabClock;
  readonly blobs = new BlobStore();
  readonly catalog: LabCatalog;
  readonly credentials: LabCredentials;
  readonly timings: LabTimings;

  private constructor(readonly fleet: LabDeviceSpec[], readonly options: LabOptions) {
    this.clock = new LabClock(options.speed ?? 1);
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.catalog = new LabCatalog(this.blobs, options.imageSize ?? 2 * 1024 * 1024);
    this.credentials = { username: 'netops', password: randomBytes(9).toString('base64url'), enable: randomBytes(9).toString('base64url') };
    this.panos = new PanosLab(this.clock, this.timings, this.credentials, options.host ?? '127.0.0.1');
  }

  static async start(options: LabOptions = {}): Promise<Lab> {
    const fleet = options.fleet ?? (options.devices ? generatedFleet(options.devices, options.mix) : exampleFleet());
    if (options.faults) applyFaults(fleet, options.faults);
    if (options.chaos !== undefined && !(options.chaos >= 0 && options.chaos <= 1)) throw new Error(`chaos must be a probability from 0 to 1, not ${options.chaos}`);
    const lab = new Lab(fleet, options);
    try {
      await lab.startDevices();
    } catch (err) {
      await lab.stop();
      throw err;
    }
    return lab;
  }

  /** The images a workbook's Images sheet lists: every target version per model family. */
  images(): LabImage[] {
    const out = new Map<string, LabImage>();
    for (const spec of this.fleet) {
      if (spec.kind === 'panos' || spec.kind === 'panorama' || spec.kind === 'jumphost' || !spec.target) continue;
      const img = this.catalog.image(iosxeModel(spec.kind), spec.target);
      out.set(img.file, img);
    }
    return [...out.values()];
  }

  device(hostname: string): IosxeSimDevice {
    const d = this.iosxe.get(hostname);
    if (!d) throw new Error(`no IOS-XE lab device ${hostname}`);
    return d;
  }

  /** known_hosts lines for every SSH device, as OpenSSH writes them for a non-22 port. */
  knownHosts(): string {
    const lines = [...this.iosxe.values()].map((d) => `[${this.host}]:${d.port} ${this.ssh.get(d.hostname)!.publicKey()}`);
    for (const j of this.jumpHosts.values()) lines.push(`[${this.host}]:${j.port} ${j.publicKey()}`);
    return `${lines.join('\n')}\n`;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  private async startDevices(): Promise<void> {
    const ports = new PortAllocator(this.host);
    for (const spec of this.fleet.filter((s) => s.kind === 'jumphost')) {
      const jump = new LabJumpHost(spec.hostname, this.host, this.credentials);
      await ports.next((port) => jump.listen(port));
      this.jumpHosts.set(spec.hostname, jump);
    }
    const iosxeSpecs = this.fleet.filter((s) => s.kind !== 'panos' && s.kind !== 'panorama' && s.kind !== 'jumphost');
    for (const [index, spec] of iosxeSpecs.entries()) {
      const model = iosxeModel(spec.kind);
      const target = spec.target ? this.catalog.image(model, spec.target) : null;
      const dev = new IosxeSimDevice({
        hostname: spec.hostname, model, version: spec.version, mode: spec.mode, build: spec.build, index,
        username: this.credentials.username, password: this.credentials.password,
        enableSecret: this.options.privileged ? null : this.credentials.enable,
        faults: spec.faults as IosxeFault[], targetImageSize: target?.size ?? 0,
      }, this.clock, this.blobs, this.catalog, this.timings);
      const ssh = new DeviceSsh(dev, newHostKey(), { host: this.host, banner: LAB_BANNER, motd: LAB_MOTD, authorizedKeys: this.options.authorizedKeys ?? [], latencyMs: this.options.latencyMs });
      dev.server = ssh;
      if (this.options.chaos) dev.chaos = new DeviceChaos(this.options.chaos, this.options.chaosSeed ?? 0, spec.hostname);
      dev.port = await ports.next((port) => ssh.listen(port));
      this.iosxe.set(spec.hostname, dev);
      this.ssh.set(spec.hostname, ssh);
    }
    const panosSpecs = this.fleet.filter((s) => s.kind === 'panos' || s.kind === 'panorama');
    await this.panos.start(panosSpecs.map((s) => ({ ...s, faults: s.faults as PanosFault[] })), ports);
  }

  /** Host and port of a device, whatever its platform. */
  endpoint(hostname: string): { host: string; port: number } {
    const d = this.iosxe.get(hostname);
    if (d) return { host: this.host, port: d.port };
    const j = this.jumpHosts.get(hostname);
    if (j) return { host: this.host, port: j.port };
    return { host: this.host, port: this.panos.port(hostname) };
  }

  async stop(): Promise<void> {
    for (const d of this.iosxe.values()) d.dispose();
    await Promise.all([...this.ssh.values()].map(async (s) => {
      s.dropAll();
      await s.stop();
    }));
    await this.panos.stop();
    await Promise.all([...this.jumpHosts.values()].map((j) => j.stop()));
  }
}

/**
 * Ports from a random base below Linux's ephemeral range (32768+), so a
 * device that reloads gets its port back: no outgoing connection takes it.
 */
export class PortAllocator {
  private nextPort: number;

  constructor(private readonly host: string) {
    this.nextPort = 20_000 + Math.floor(Math.random() * 10_000);
  }

  async next(bind: (port: number) => Promise<void>): Promise<number> {
    for (let tries = 0; tries < 500; tries++) {
      const port = this.nextPort++;
      if (this.nextPort >= 32_000) this.nextPort = 20_000;
      try {
        await bind(port);
        return port;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new Error(`no free port on ${this.host} between 20000 and 32000`);
  }
}

/** True when something accepts TCP connections on host:port. */
export function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
