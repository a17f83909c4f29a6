// A simulated IOS-XE device: its state, its SSH sessions, and what happens
// over time: reloads (sessions drop, connections refused, back on whatever
// the boot variable names), switchovers, ISSU and the auto-abort timer.
import type { BlobStore } from '../blobs.js';
import type { LabClock } from '../clock.js';
import type { CliSession } from './cli.js';
import { IosxeDeviceState, type IosxeDeviceConfig, type ImageCatalog } from './state.js';
import { installStamp } from './install.js';
import { paddedVersion } from '../images.js';

export interface LabTimings {
  bootMs: number;
  installAddMs: number;
  activateMs: number;
  copyBytesPerSec: number;
  verifyBytesPerSec: number;
  dropAfterMs: number;
  failoverMs: number;
  panosJobMs: number;
  panosRebootMs: number;
}

export const DEFAULT_TIMINGS: LabTimings = {
  bootMs: 12_000, installAddMs: 5_000, activateMs: 3_000, copyBytesPerSec: 4 * 1024 * 1024, verifyBytesPerSec: 40 * 1024 * 1024,
  dropAfterMs: 800, failoverMs: 4_000, panosJobMs: 6_000, panosRebootMs: 15_000,
};

/** What the SSH layer offers the device: drop sessions, refuse or accept connections. */
export interface DeviceServer {
  listen(): Promise<void>;
  stop(): Promise<void>;
  dropAll(): void;
  drop(session: CliSession): void;
  renewHostKey(): void;
}

export class IosxeSimDevice {
  readonly state: IosxeDeviceState;
  server!: DeviceServer;
  port = 0;
  bootedWith: string[];
  pendingAutoAbortMinutes: number | null = null;
  private oldVersionUsed = false;
  private timers = new Set<NodeJS.Timeout>();

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

  storeFile(name: string, bytes: Buffer): void {
    const blob = this.blobs.put(bytes);
    this.state.addFile(name, bytes.length, blob.id);
  }

  killSession(s: CliSession): void {
    this.server.drop(s);
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
    d.configDirty = false;
    d.nvramVersion = d.version;
    d.log('save', d.bootSaved.join(';'));
    await s.write('[OK]\n');
  }

  /** P5 when the configuration is unsaved; false when the user backs out. */
  private async offerSave(s: CliSession): Promise<boolean> {
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
    await s.write('\n*%SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.\n');
    this.reload('Reload Command');
  }

  async switchoverCommand(s: CliSession): Promise<void> {
    const d = this.state;
    if (d.model.redundancy !== 'dual-sup' && d.model.redundancy !== 'svl') return s.write('% There is no STANDBY present\n');
    if (d.peerState !== 'STANDBY HOT') return s.write('% Standby not ready for switchover\n');
    if (!(await this.offerSave(s))) return;
    if (!(await s.confirm('Proceed with switchover to standby RP? [confirm]'))) return;
    await s.write('%PMAN-3-RELOAD_RP: R0/0: pvp: Reloading: RP switchover initiated. This RP will be reloaded\n');
    d.switchovers++;
    d.lastSwitchoverReason = 'user forced';
    d.log('switchover', d.issu ? `to standby running ${d.issu.version}` : 'to standby');
    this.after(this.timings.dropAfterMs, async () => {
      this.server.dropAll();
      await this.server.stop();
      this.after(this.timings.failoverMs, async () => {
        if (d.issu) {
          d.version = d.issu.version;
          d.issu = null;
        }
        d.lastReloadReason = 'redundancy force-switchover';
        d.peerState = 'DISABLED'; // the old active reloads and rejoins as standby
        d.members[1].version = d.version;
        await this.server.listen();
        this.after(this.timings.bootMs, async () => {
          d.members.forEach((m) => (m.version = d.version));
          d.peerState = d.faults.has('standby-cold') ? 'STANDBY COLD' : 'STANDBY HOT';
          d.log('member-back', `standby on ${d.version}`);
        });
      });
    });
  }

  async reloadPeerCommand(s: CliSession): Promise<void> {
    const d = this.state;
    if (d.peerState === 'DISABLED') return s.write('% There is no STANDBY present\n');
    if (!(await s.confirm('Reload peer [confirm]'))) return;
    await s.write('Preparing to reload peer\n');
    d.peerState = 'DISABLED';
    d.log('member-reload', 'peer');
    this.after(this.timings.bootMs, async () => void (d.peerState = 'STANDBY HOT'));
  }

  /** ISSU as the lab runs it: the standby reloads on the new version first; the switchover is the operator's step. */
  async issuUpgradeStandby(s: CliSession, version: string, op: string): Promise<void> {
    const d = this.state;
    const pkg = d.packages.find((p) => p.version === version && p.state === 'I')!;
    await s.write(`--- Starting ISSU ---\nCopying image file: ${d.fs}${pkg.file} to standby\nInfo: Finished copying ${d.fs}${pkg.file} to standby\n  [2] Activate package(s) on ${this.tag(1)}\nStandby is reloading with the new image\n`);
    d.peerState = 'DISABLED';
    d.log('member-reload', `standby to ${version}`);
    await this.clock.sleep(this.timings.bootMs);
    d.members[1].version = version;
    d.peerState = 'STANDBY HOT';
    d.issu = { version };
    pkg.state = 'U';
    await s.write(`Standby is in STANDBY HOT state running ${paddedVersion(version)}\nISSU: run 'redundancy force-switchover' to continue on the upgraded standby, then 'install commit'.\nSUCCESS: ${op}  ${installStamp()}\n`);
  }

  async issuAbort(s: CliSession): Promise<void> {
    const d = this.state;
    const pkg = d.packages.find((p) => p.state === 'U');
    d.peerState = 'DISABLED';
    d.log('member-reload', `standby back to ${d.version}`);
    await this.clock.sleep(this.timings.bootMs);
    d.members[1].version = d.version;
    d.peerState = 'STANDBY HOT';
    d.issu = null;
    if (pkg) pkg.state = 'I';
    await s.write(`SUCCESS: install_abort  ${installStamp()}\n`);
  }

  stopAutoAbort(): void {
    if (this.state.abortTimer) clearTimeout(this.state.abortTimer);
    this.state.abortTimer = null;
    this.state.autoAbort = null;
    this.pendingAutoAbortMinutes = null;
  }

  /** The whole device reloads: sessions drop, connections are refused, then it boots. */
  reload(reason: string): void {
    const d = this.state;
    this.after(this.timings.dropAfterMs, async () => {
      d.lifecycle = 'reloading';
      d.reloads++;
      d.log('reload', `${reason}: from ${d.version}`);
      if (reason === 'Install' || reason === 'Reload Command') this.revertUnsavedConfig();
      this.server.dropAll();
      await this.server.stop();
      this.after(this.timings.bootMs, () => this.boot(reason));
    });
  }

  private revertUnsavedConfig(): void {
    const d = this.state;
    d.bootConfig = [...d.bootSaved];
    d.scpServer = d.scpServerSaved;
    d.configDirty = false;
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
    d.members.forEach((m) => (m.version = d.version));
    d.peerState = d.model.redundancy === 'dual-sup' || d.model.redundancy === 'svl' ? (d.faults.has('standby-cold') ? 'STANDBY COLD' : 'STANDBY HOT') : 'DISABLED';
    d.bootedAt = Date.now();
    d.lastReloadReason = reason;
    d.issu = null;
    this.bootedWith = [...d.bootSaved];
    if (d.faults.has('regression')) {
      d.routes = Object.fromEntries(Object.entries(d.routes).map(([k, v]) => [k, k === 'connected' ? v : Math.floor(v * 0.6)]));
      d.arpCount = Math.floor(d.arpCount * 0.5);
      if (d.bgp.length > 0) d.bgp[0] = { ...d.bgp[0], state: 'Active', prefixes: 0 };
      if (d.ospf.length > 0) d.ospf.pop();
    }
    if (d.faults.has('host-key')) this.server.renewHostKey();
    if (this.pendingAutoAbortMinutes !== null && d.packages.some((p) => p.state === 'U')) this.startAutoAbort(this.pendingAutoAbortMinutes);
    this.pendingAutoAbortMinutes = null;
    d.lifecycle = 'up';
    d.log('boot', `${d.version} (${d.mode} mode, ${d.runningImage})`);
    await this.server.listen();
  }

  private stuck(kind: 'never' | 'rommon', why: string): void {
    this.state.lifecycle = kind;
    this.state.log('boot-failed', why);
  }

  private startAutoAbort(minutes: number): void {
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

  private after(baseMs: number, fn: () => unknown): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn();
    }, this.clock.ms(baseMs));
    this.timers.add(t);
  }

  /** Stops timers (lab shutdown). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
