// The state of one simulated IOS-XE device: what it runs, how it boots, what
// its flash holds, its redundancy and its routing tables. Operations that
// change it live in install.ts; outputs are rendered in render.ts.
import { createHash } from 'node:crypto';
import type { BlobStore } from '../blobs.js';
import type { LabClock } from '../clock.js';
import type { IosxeFault } from '../faults.js';
import type { IosxeModel } from '../models.js';
import { paddedVersion } from '../images.js';

export interface FlashFile { name: string; size: number; blob: string | null; mtime: Date; dir?: boolean }
export interface InstallPackage { version: string; state: 'C' | 'U' | 'I'; file: string }
/** A rollback point: what one commit left committed (`show install rollback`, `install rollback to id`). */
export interface RollbackPoint { id: number; version: string; label: string | null; description: string | null }
export interface Member { number: number; role: 'Active' | 'Standby' | 'Member'; state: string; serial: string; mac: string; priority: number; version: string }
export interface JournalEvent { at: string; kind: string; detail: string }
export interface Neighbor { address: string; asn: number; state: string; prefixes: number }
export interface OspfNeighbor { routerId: string; state: string; address: string; iface: string }
export interface Iface { name: string; address: string; status: string; protocol: string }

/** What the lab knows of an image file: its version, from its content. */
export interface ImageCatalog { versionOf(blobId: string): string | undefined; fileFor(model: IosxeModel, version: string): { name: string; blob: string; size: number } }

export interface IosxeDeviceConfig {
  hostname: string;
  model: IosxeModel;
  version: string;
  mode?: 'install' | 'bundle';
  /** An engineering build of `version`: show version prints the BLD_ label instead of the release. */
  build?: 'release' | 'engineering';
  username: string;
  password: string;
  /** null: the account logs in at privilege 15 (#); otherwise `enable` asks for this secret. */
  enableSecret: string | null;
  faults: IosxeFault[];
  /** Size of the image the device will be asked to take (flash-full sizes free space from it). */
  targetImageSize: number;
  index: number;
}

export type Lifecycle = 'up' | 'reloading' | 'never' | 'rommon';

/** How often and where `terminal monitor` shows log messages (probabilities 0–1). */
export interface SyslogBehaviour {
  /** Mean interval of messages arriving at any moment (ms at speed 1). */
  everyMs: number;
  /** A message right after a prompt. */
  afterPrompt: number;
  /** Of those, the share that comes a moment later rather than in the prompt's own packet (what is typed ahead may echo first). */
  afterPromptLater: number;
  /** A message between the lines of a show output. */
  betweenLines: number;
  /** The prompt and the partly typed line printed again after a message (as `logging synchronous` does). */
  reprint: number;
  /**
   * Messages end without a line break: the next output line or echo continues
   * on the message's line, and a message right after another starts mid-line.
   * Fixed per device (the line's behaviour, not a per-message draw).
   */
  glued: boolean;
}

/** A configuration change or save, as `! Last configuration change at …` prints it. */
export interface ConfigStamp { at: Date; by: string }

const hash = (s: string) => createHash('sha256').update(s).digest();

export class IosxeDeviceState {
  hostname: string;
  readonly model: IosxeModel;
  readonly serial: string;
  readonly baseMac: string;
  readonly username: string;
  readonly password: string;
  readonly enableSecret: string | null;
  readonly faults: Set<IosxeFault>;

  version: string;
  readonly build: 'release' | 'engineering';
  mode: 'install' | 'bundle';
  runningImage: string;
  packages: InstallPackage[] = [];
  /** One per commit, oldest first. */
  rollbackPoints: RollbackPoint[] = [];
  /** Auto-abort timer of an activated, uncommitted install (deadline in ms since epoch). */
  autoAbort: { deadline: number } | null = null;
  abortTimer: NodeJS.Timeout | null = null;
  /** ISSU in progress, from the standby's reload until the old active has rejoined on `version`. */
  issu: { version: string; phase: 'standby' | 'switchover' | 'rejoin' } | null = null;

  bootConfig: string[];
  bootSaved: string[];
  manualBoot = false;
  /**
   * Changed since the last save: the change clock the header lines and the
   * save questions (reload, install) go by. A change that was undone still
   * counts; what the configurations say is in the fields below.
   */
  configDirty = false;
  /** null: no change since the last restart. */
  lastChange: ConfigStamp | null = null;
  nvramSaved: ConfigStamp;
  /** The change stamp the saved configuration carries. */
  savedChange: ConfigStamp | null = null;
  scpServer = false;
  scpServerSaved = false;
  /** `logging buffered <size>`: the line an operator's unsaved change (the `unsaved` fault) alters. */
  loggingBuffered = 16384;
  loggingBufferedSaved = 16384;
  nvramVersion: string;

  readonly files = new Map<string, FlashFile>();
  reservedBytes: number;

  members: Member[];
  peerState: string;
  switchovers = 0;
  lastSwitchoverReason = 'none';

  routes: Record<string, number>;
  arpCount: number;
  bgp: Neighbor[];
  ospf: OspfNeighbor[];
  /** The release it ran when the lab started, and what it forwarded then (a `regression` is the new release's). */
  readonly original: { version: string; routes: Record<string, number>; arpCount: number; bgp: Neighbor[]; ospf: OspfNeighbor[] };
  interfaces: Iface[];
  cpu5: number;

  lifecycle: Lifecycle = 'up';
  bootedAt: number;
  lastReloadReason = 'Reload Command';
  readonly journal: JournalEvent[] = [];
  reloads = 0;
  copyAttempts = 0;
  /** Commands whose next run never returns its prompt in time (the `hung` fault, or a test). */
  hangOn: string[] = [];
  syslog: SyslogBehaviour;
  /** Sequence number of the last log message (service sequence-numbers). */
  logSeq = 0;

  constructor(cfg: IosxeDeviceConfig, readonly clock: LabClock, readonly blobs: BlobStore, readonly catalog: ImageCatalog) {
    const h = hash(cfg.hostname);
    this.hostname = cfg.hostname;
    this.model = cfg.model;
    this.username = cfg.username;
    this.password = cfg.password;
    this.enableSecret = cfg.enableSecret;
    this.faults = new Set(cfg.faults);
    this.serial = `${cfg.model.family === 'cat9k' ? 'FCW' : 'FLM'}${2200 + (h[0] % 80)}${String.fromCharCode(65 + (h[1] % 26))}${h.readUInt16BE(2).toString(36).toUpperCase().padStart(4, '0')}`;
    this.baseMac = `${h.toString('hex', 4, 6)}.${h.toString('hex', 6, 8)}.${h.toString('hex', 8, 10)}`;
    this.version = cfg.version;
    this.build = cfg.build ?? 'release';
    // Half the devices print their messages glued to what follows (a hash of the hostname, so always the same ones).
    this.syslog = { everyMs: 3_000, afterPrompt: 0.3, afterPromptLater: 0.5, betweenLines: 0.3, reprint: 0.3, glued: hash(`glue:${cfg.hostname}`)[0] % 2 === 1 };
    this.nvramVersion = cfg.version;
    this.nvramSaved = { at: new Date(Date.now() - (2 + (h[9] % 20)) * 86_400_000), by: cfg.username };
    this.mode = cfg.mode ?? cfg.model.defaultMode;
    this.bootedAt = Date.now() - (20 + (h[10] % 300)) * 86_400_000 / clock.speed;

    const fs = cfg.model.fs;
    const current = catalog.fileFor(cfg.model, cfg.version);
    this.addFile(current.name, current.size, current.blob, new Date(Date.UTC(2025, 2, 3, 9, 12)));
    // The release before, never removed: what fleets keep until someone runs install remove inactive.
    if (this.faults.has('old-images')) this.addFile(current.name.replace(/\.\d\d\.\d\d\.\d\d[a-z]?\./i, '.17.03.05.'), Math.round(cfg.targetImageSize * 1.5), null, new Date(Date.UTC(2023, 5, 12, 8, 40)));
    if (this.mode === 'install') {
      this.writeInstallFiles(cfg.version, current.size);
      this.packages = [{ version: cfg.version, state: 'C', file: current.name }];
      this.runningImage = `${fs}packages.conf`;
      // The commit that installed the running release left a point; its id counts the commits before it.
      this.addRollbackPoint(cfg.version, 1 + (h[20] % 6));
    } else {
      this.runningImage = `${fs}${current.name}`;
    }
    this.bootConfig = [this.runningImage];
    this.bootSaved = [this.runningImage];

    const used = [...this.files.values()].reduce((s, f) => s + f.size, 0);
    const free = this.faults.has('flash-full')
      ? Math.round(cfg.targetImageSize * 1.3)
      : Math.round(cfg.model.flashTotal * (0.55 + (h[11] % 30) / 100));
    this.reservedBytes = Math.max(0, cfg.model.flashTotal - used - free);

    this.members = Array.from({ length: cfg.model.members }, (_, i) => ({
      number: i + 1,
      role: cfg.model.members === 1 ? 'Active' : i === 0 ? 'Active' : i === 1 ? 'Standby' : 'Member',
      state: 'Ready',
      serial: i === 0 ? this.serial : `${this.serial.slice(0, -2)}${(i + 10).toString(36).toUpperCase()}${i}`,
      mac: i === 0 ? this.baseMac : `${this.baseMac.slice(0, -1)}${(i + 1) % 10}`,
      priority: cfg.model.members - i,
      version: cfg.version,
    }));
    this.peerState = cfg.model.redundancy === 'dual-sup' || cfg.model.redundancy === 'svl'
      ? (this.faults.has('standby-cold') ? 'STANDBY COLD' : 'STANDBY HOT')
      : 'DISABLED';

    const scale = 1 + (h[12] % 10);
    this.routes = { connected: 8 + (h[13] % 30), static: 2 + (h[14] % 5), ospf: scale * 40, bgp: cfg.model.family === 'cat9k' ? 0 : scale * 90 };
    this.arpCount = 20 + scale * 25;
    this.bgp = cfg.model.family === 'cat9k' ? [] : Array.from({ length: 2 + (h[15] % 3) }, (_, i) => ({ address: `10.255.${h[16] % 200}.${i * 4 + 1}`, asn: 65000 + i, state: 'Established', prefixes: scale * 30 + i }));
    this.ospf = Array.from({ length: 1 + (h[17] % 3) }, (_, i) => ({ routerId: `10.254.${h[18] % 200}.${i + 1}`, state: i === 0 ? 'FULL/DR' : 'FULL/BDR', address: `10.1.${h[19] % 200}.${i + 2}`, iface: cfg.model.family === 'cat9k' ? `Vlan${100 + i}` : `GigabitEthernet0/0/${i}` }));
    this.original = { version: cfg.version, routes: { ...this.routes }, arpCount: this.arpCount, bgp: this.bgp.map((b) => ({ ...b })), ospf: this.ospf.map((o) => ({ ...o })) };
    this.interfaces = this.makeInterfaces();
    this.cpu5 = this.faults.has('cpu') ? 95 : 3 + (h[20] % 20);

    if (this.faults.has('unsaved')) {
      // An operator's change an hour after the last save, never saved.
      this.loggingBuffered = 64000;
      this.configChanged(cfg.username, new Date(this.nvramSaved.at.getTime() + 3_600_000));
    }
    if (this.faults.has('hung')) this.hangOn.push('show install summary');
    if (this.faults.has('dirty-install') && this.mode === 'install') {
      this.packages = [{ version: cfg.version, state: 'U', file: current.name }];
      this.autoAbort = { deadline: Date.now() + clock.ms(95 * 60_000) };
    }
  }

  /** Running-config now differs from startup-config. */
  configChanged(by = this.username, at = new Date()): void {
    this.configDirty = true;
    this.lastChange = { at, by };
  }

  get fs(): string {
    return this.model.fs;
  }

  addFile(name: string, size: number, blob: string | null, mtime = new Date()): void {
    this.files.set(name, { name, size, blob, mtime });
  }

  /** The .pkg files and the version's .conf that `install add` extracts (cat9k-rpbase.17.09.05.SPA.pkg …). */
  writeInstallFiles(version: string, imageSize: number): void {
    const padded = paddedVersion(version);
    const stem = this.model.imagePrefix.split(/[_-]/)[0];
    const parts = this.model.family === 'cat9k'
      ? ['rpbase', 'rpboot', 'guestshell', 'webui', 'srdriver', 'lni', 'espbase']
      : ['rpbase', 'rpboot', 'rpaccess', 'rpios-universalk9', 'espbase', 'sipbase'];
    parts.forEach((p, i) => this.addFile(`${stem}-${p}.${padded}.SPA.pkg`, Math.round(imageSize * (i === 0 ? 0.5 : 0.5 / (parts.length - 1))), null));
    this.addFile(`${this.model.imagePrefix}.${padded}.SPA.conf`, 8_214, null);
    this.addFile('packages.conf', 8_214, null);
  }

  /** A commit's rollback point: the next id after the newest one (`first` for a device's first point). */
  addRollbackPoint(version: string, first = 1): RollbackPoint {
    const point = { id: (this.rollbackPoints.at(-1)?.id ?? first - 1) + 1, version, label: null, description: null };
    this.rollbackPoints.push(point);
    return point;
  }

  /** Files that belong to a version's install (its .pkg files and .conf). */
  installFilesOf(version: string): string[] {
    const padded = paddedVersion(version);
    return [...this.files.keys()].filter((f) => f.includes(`.${padded}.SPA.`) && !f.endsWith('.bin'));
  }

  freeBytes(): number {
    const used = [...this.files.values()].reduce((s, f) => s + f.size, 0);
    return Math.max(0, this.model.flashTotal - this.reservedBytes - used);
  }

  /** Version of a file on flash, judged from its content as a real device reads its header. */
  fileVersion(name: string): string | undefined {
    const f = this.files.get(name);
    return f?.blob ? this.catalog.versionOf(f.blob) : undefined;
  }

  uptimeMs(): number {
    return this.clock.elapsed(this.bootedAt);
  }

  log(kind: string, detail = ''): void {
    this.journal.push({ at: new Date().toISOString(), kind, detail });
  }

  /** Count of journal entries of a kind (tests assert "reloaded exactly once"). */
  count(kind: string): number {
    return this.journal.filter((e) => e.kind === kind).length;
  }

  /** Reloads of one stack, SVL or supervisor member (whole-device reloads count for each member). */
  memberReloads(n: number): number {
    return this.journal.filter((e) => e.kind === 'member-reload' && e.detail.startsWith(`member ${n}:`)).length;
  }

  private makeInterfaces(): Iface[] {
    const out: Iface[] = [];
    const cat = this.model.family === 'cat9k';
    const n = cat ? 12 : 4;
    for (let i = 1; i <= n; i++) {
      const name = cat ? `GigabitEthernet1/0/${i}` : `GigabitEthernet0/0/${i - 1}`;
      const up = i % 5 !== 0;
      out.push({ name, address: !cat && i <= 2 ? `10.${i}.0.1` : 'unassigned', status: up ? 'up' : 'administratively down', protocol: up ? 'up' : 'down' });
    }
    out.push({ name: cat ? 'GigabitEthernet0/0' : 'GigabitEthernet0', address: '192.0.2.10', status: 'up', protocol: 'up' });
    out.push({ name: 'Loopback0', address: `10.254.0.${1 + (this.serial.charCodeAt(5) % 200)}`, status: 'up', protocol: 'up' });
    if (cat) out.push({ name: 'Vlan100', address: '10.100.0.1', status: 'up', protocol: 'up' }, { name: 'Vlan101', address: '10.101.0.1', status: 'up', protocol: 'up' });
    return out;
  }
}
