// A simulated IOS-XE device: its state, its SSH sessions, and what happens
// over time: reloads (sessions drop, connections refused, back on whatever
// the boot variable names, stack members and the standby joining after the
// active), and the auto-abort timer. Switchovers and ISSU are in ha.ts.
import type { BlobStore } from '../blobs.js';
import type { LabClock } from '../clock.js';
import type { DeviceChaos } from '../chaos.js';
import type { CliSession } from './cli.js';
import { IosxeDeviceState, type IosxeDeviceConfig, type ImageCatalog } from './state.js';
import { logLine } from './syslog.js';

export interface LabTimings {
  bootMs: number;
  installAddMs: number;
  activateMs: number;
  copyBytesPerSec: number;
  verifyBytesPerSec: number;
  dropAfterMs: number;
  failoverMs: number;
  /** After a whole-device reload: until the other stack members, or the standby, have joined. */
  memberJoinMs: number;
  /** How long a hung command keeps its prompt back. */
  hungMs: number;
  panosJobMs: number;
  panosRebootMs: number;
}

export const DEFAULT_TIMINGS: LabTimings = {
  bootMs: 12_000, installAddMs: 5_000, activateMs: 3_000, copyBytesPerSec: 4 * 1024 * 1024, verifyBytesPerSec: 40 * 1024 * 1024,
  dropAfterMs: 800, failoverMs: 4_000, memberJoinMs: 3_000, hungMs: 120_000, panosJobMs: 6_000, panosRebootMs: 15_000,
};

/** What the SSH layer offers the device: drop sessions, refuse or accept connections. */
export interface DeviceServer {
  listen(): Promise<void>;
  stop(): Promise<void>;
  dropAll(): void;
  drop(session: CliSession): void;
  renewHostKey(): void;
  /** Sessions open now (their terminals show log messages while monitoring). */
  sessions(): CliSession[];
}

export class IosxeSimDevice {
  readonly state: IosxeDeviceState;
  server!: DeviceServer;
  port = 0;
  /** Random disconnects (the lab's `chaos` option); null: none. */
  chaos: DeviceChaos | null = null;
  bootedWith: string[];
  pendingAutoAbortMinutes: number | null = null;
  private oldVersionUsed = false;
  private timers = new Set<NodeJS.Timeout>();
  /** A reload is scheduled and the device has not gone down yet. */
  private reloadPending = false;

  constructor(cfg: IosxeDeviceConfig, readonly clock: LabClock, readonly blobs: BlobStore, catalog: ImageCatalog, readonly timings: LabTimings) {
    this.state = new IosxeDeviceState(cfg, clock, blobs, catalog);
    this.bootedWith = [...this.state.bootSaved];
  }

  get hostname(): string {
    return this.state.hostname;
  }

  /** Member tag as printed in install output. */
  tag(i: number): string {
    return this.state.model.memberTags[i] ?? `switch ${i + 1}`;
  }

  tags(): string[] {
    return this.state.members.map((_, i) => this.tag(i));
  }

  /** A log message to every session that monitors. */
  log(mnemonic: string, text: string): void {
    const line = logLine(this.state, mnemonic, text);
    for (const s of this.server.sessions()) s.monitor.emit(line);
  }

  storeFile(name: string, bytes: Buffer): void {
    const blob = this.blobs.put(bytes);
    this.state.addFile(name, bytes.length, blob.id);
  }

  closeSession(s: CliSession): void {
    this.server.drop(s);
  }

  async saveConfig(s: CliSession, opts: { quiet?: boolean } = {}): Promise<void> {
    const d = this.state;
    if (!opts.quiet && d.nvramVersion !== d.version) {
      const ok = await s.confirm('Warning: Attempting to overwrite an NVRAM configuration previously written\nby a different version of the system image.\nOverwrite the previous NVRAM configuration?[confirm]');
      if (!ok) return;
    }
    await s.write('Building configuration...\n');
    await this.clock.sleep(200);
    d.bootSaved = [...d.bootConfig];
    d.scpServerSaved = d.scpServer;
    d.loggingBufferedSaved = d.loggingBuffered;
    d.configDirty = false;
    d.nvramVersion = d.version;
    d.nvramSaved = { at: new Date(), by: d.username };
    d.savedChange = d.lastChange;
    d.log('save', d.bootSaved.join(';'));
    await s.write('[OK]\n');
  }

  /** P5 when the configuration is unsaved; false when the user backs out. */
  async offerSave(s: CliSession): Promise<boolean> {
    if (!this.state.configDirty) return true;
    const a = await s.ask('System configuration has been modified. Save? [yes/no]: ');
    const c = a?.trim().toLowerCase();
    if (c === 'yes' || c === 'y') await this.saveConfig(s, { quiet: true });
    else if (c !== 'no' && c !== 'n') {
      await s.write("% Please answer 'yes' or 'no'.\n");
      return false;
    }
    return true;
  }

  async reloadCommand(s: CliSession): Promise<void> {
    if (!(await this.offerSave(s))) return;
    if (this.state.model.family === 'cat9k') await s.write('Reload command is being issued on Active unit, this will reload the whole stack\n');
    if (!(await s.confirm('Proceed with reload? [confirm]'))) return;
    this.log('SYS-5-RELOAD', 'Reload requested by console. Reload Reason: Reload Command.');
    this.reload('Reload Command');
  }

  stopAutoAbort(): void {
    if (this.state.abortTimer) clearTimeout(this.state.abortTimer);
    this.state.abortTimer = null;
    this.state.autoAbort = null;
    this.pendingAutoAbortMinutes = null;
  }

  /** The whole device reloads: sessions drop, connections are refused, then it boots. `now`: no grace before the drop. */
  reload(reason: string, opts: { now?: boolean } = {}): void {
    const d = this.state;
    // A device already going down does not go down twice: a second reload asked in that moment
    // (two operators, two tools) is lost in the first, as on a real box.
    if (this.reloadPending || d.lifecycle === 'reloading') {
      d.log('reload-ignored', `${reason}: a reload is already under way`);
      return;
    }
    this.reloadPending = true;
    const go = async () => {
      this.reloadPending = false;
      d.lifecycle = 'reloading';
      d.reloads++;
      d.log('reload', `${reason}: from ${d.version}`);
      for (const m of d.members) {
        m.state = 'Removed';
        d.log('member-reload', `member ${m.number}: ${reason}, from ${m.version}`);
      }
      this.revertUnsavedConfig();
      this.server.dropAll();
      await this.server.stop();
      this.after(this.timings.bootMs, () => this.boot(reason));
    };
    if (opts.now) void go();
    else this.after(this.timings.dropAfterMs, go);
  }

  /** What was not saved is gone after a reload. */
  private revertUnsavedConfig(): void {
    const d = this.state;
    d.bootConfig = [...d.bootSaved];
    d.scpServer = d.scpServerSaved;
    d.loggingBuffered = d.loggingBufferedSaved;
    d.configDirty = false;
    d.lastChange = null;
  }

  private async boot(reason: string): Promise<void> {
    const d = this.state;
    if (d.faults.has('never-returns')) return this.stuck('never', 'never returns');
    if (d.faults.has('rommon') || d.manualBoot) return this.stuck('rommon', 'stopped in ROMmon (switch: prompt)');
    const entry = d.bootSaved.map((b) => b.replace(/,\d+$/, '').replace(/^[a-z0-9-]+:\/?/i, '')).find((f) => d.files.has(f));
    if (!entry) return this.stuck('rommon', `boot: cannot load "${d.bootSaved.join(';')}"`);
    const oldVersion = d.faults.has('old-version') && !this.oldVersionUsed;
    if (oldVersion) this.oldVersionUsed = true;
    if (entry === 'packages.conf') {
      if (oldVersion) {
        // The box falls back to what it ran before, committed or not.
        for (const p of d.packages) p.state = p.version === d.version ? 'C' : 'I';
      }
      const active = d.packages.find((p) => p.state === 'U') ?? d.packages.find((p) => p.state === 'C');
      if (!active) return this.stuck('rommon', 'boot: packages.conf names no package');
      d.mode = 'install';
      d.version = active.version;
      d.runningImage = `${d.fs}packages.conf`;
    } else if (!oldVersion) {
      const v = d.fileVersion(entry);
      if (!v) return this.stuck('rommon', `boot: ${entry} is not a valid image`);
      d.mode = 'bundle';
      d.version = v;
      d.runningImage = `${d.fs}${entry}`;
    }
    // Every member boots the same image; the first to come up is active, the others join after it.
    d.members.forEach((m, i) => {
      m.version = d.version;
      m.role = i === 0 ? 'Active' : i === 1 ? 'Standby' : 'Member';
      m.state = i === 0 ? 'Ready' : 'Removed';
    });
    const ha = d.model.redundancy === 'dual-sup' || d.model.redundancy === 'svl';
    d.peerState = 'DISABLED';
    d.bootedAt = Date.now();
    d.lastReloadReason = reason;
    d.issu = null;
    this.bootedWith = [...d.bootSaved];
    // A regression belongs to the release it came with: booted back onto the one it had, it forwards as before.
    if (d.faults.has('regression')) {
      const o = d.original;
      d.routes = { ...o.routes };
      d.arpCount = o.arpCount;
      d.bgp = o.bgp.map((b) => ({ ...b }));
      d.ospf = o.ospf.map((n) => ({ ...n }));
      if (d.version !== o.version) {
        d.routes = Object.fromEntries(Object.entries(d.routes).map(([k, v]) => [k, k === 'connected' ? v : Math.floor(v * 0.6)]));
        d.arpCount = Math.floor(d.arpCount * 0.5);
        if (d.bgp.length > 0) d.bgp[0] = { ...d.bgp[0], state: 'Active', prefixes: 0 };
        if (d.ospf.length > 0) d.ospf.pop();
      }
    }
    if (d.faults.has('hung')) d.hangOn.push('show install summary');
    if (d.faults.has('host-key')) this.server.renewHostKey();
    if (this.pendingAutoAbortMinutes !== null && d.packages.some((p) => p.state === 'U')) this.startAutoAbort(this.pendingAutoAbortMinutes);
    this.pendingAutoAbortMinutes = null;
    d.lifecycle = 'up';
    this.chaos?.boot();
    d.log('boot', `${d.version} (${d.mode} mode, ${d.runningImage})`);
    if (d.members.length > 1) {
      this.after(this.timings.memberJoinMs, () => {
        for (const m of d.members.slice(1)) {
          m.state = 'Ready';
          d.log('member-back', `member ${m.number} on ${m.version}`);
        }
        if (ha) d.peerState = d.faults.has('standby-cold') ? 'STANDBY COLD' : 'STANDBY HOT';
      });
    }
    try {
      await this.server.listen();
    } catch (err) {
      // Its address taken (another process on the port): this device never answers; the lab goes on.
      this.stuck('never', `boot: cannot listen again: ${(err as Error).message}`);
    }
  }

  private stuck(kind: 'never' | 'rommon', why: string): void {
    this.state.lifecycle = kind;
    this.state.log('boot-failed', why);
  }

  /** The auto-abort timer of an activated, uncommitted install: at expiry, back to the committed version. */
  startAutoAbort(minutes: number): void {
    const d = this.state;
    const ms = this.clock.ms(minutes * 60_000);
    d.autoAbort = { deadline: Date.now() + ms };
    d.abortTimer = setTimeout(() => {
      d.autoAbort = null;
      d.abortTimer = null;
      const pkg = d.packages.find((p) => p.state === 'U');
      if (!pkg) return;
      pkg.state = 'I';
      d.log('auto-abort', `rolling back from ${pkg.version}`);
      this.reload('Install');
    }, ms);
    this.timers.add(d.abortTimer);
  }

  /** Runs `fn` after `baseMs` (at speed 1), unless the lab stops first. */
  after(baseMs: number, fn: () => unknown): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      // One device's failure never ends the lab: the others go on.
      Promise.resolve().then(fn).catch((err: Error) => this.state.log('lab-error', err.message));
    }, this.clock.ms(baseMs));
    this.timers.add(t);
  }

  /** Stops timers (lab shutdown). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
