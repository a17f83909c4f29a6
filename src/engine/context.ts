// What one run shares: the inventory, the state store, the event bus, the
// approver, the image server, and the reasons to stop starting new work.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from '../store/credentials.js';
import type { StateStore } from '../store/state.js';
import type { DeviceRow, Inventory, Settings } from '../store/types.js';
import type { DebouncedWriteBack } from '../store/writeback.js';
import type { Driver, DeviceTarget, DriverHooks, PlatformRules, UpgradeSettings } from '../drivers/contract.js';
import { createDriver, isUpgradable, KnownHosts, rulesFor, type DriverOptions, type Timeouts, type Transcript } from '../drivers/registry.js';
import type { EventBus } from './events.js';
import type { Approver } from './gates.js';
import type { ImageServer } from './image-server.js';
import type { Reason } from './outcomes.js';
import { targetFor } from './targets.js';

export type RunCommand = 'check' | 'stage' | 'run';

export interface EngineOptions {
  command: RunCommand;
  dryRun: boolean;
  approver: Approver;
  concurrency?: number;
  acceptNewHostKeys: boolean;
  knownHostsFile: string;
  stateDir: string;
  imagesDir: string;
  serveAddress?: string;
  retry: { attempts: number; baseMs: number };
  driverTimeouts?: Partial<Timeouts>;
  /** How often to poll a job or a returning device (the lab makes time go faster). */
  pollMs?: number;
  transcripts: boolean;
  /**
   * Devices start at least this far apart (default 20 ms), so a wave of 100 does not
   * open 100 SSH logins (and ask their AAA server) in the same instant.
   */
  startSpacingMs?: number;
  /** Makes the drivers (tests give a fake one); the platform's real driver otherwise. */
  driverFactory?: (target: DeviceTarget, opts: DriverOptions) => Driver;
  /** The platform rules without a driver (tests give the fake driver's). */
  rulesFactory?: (platform: string) => PlatformRules;
}

/** Refusals of one credentials entry after which it is not tried on more devices. */
export const SPARE_AFTER = 3;

/** The Settings keys drivers decide from. */
export function upgradeSettings(s: Settings): UpgradeSettings {
  return {
    flashMargin: s.flashMargin, cpuMaxPercent: s.cpuMaxPercent, commitAfterPostcheck: s.commitAfterPostcheck, convertToInstall: s.convertToInstall,
    issu: s.issu, panosCpuMaxPercent: s.panosCpuMaxPercent, panosSyncToPeer: s.panosSyncToPeer, panosHaOrder: s.panosHaOrder,
    allowDowngrade: s.allowDowngrade, reloadTimeoutMs: s.reloadTimeoutMs, panoramaRps: s.panoramaRps,
  };
}

export class RunContext {
  readonly knownHosts: KnownHosts;
  stopReason: string | null = null;
  breakerTripped = false;
  /** Devices stopped because their maintenance window was not open. */
  windowStops = 0;
  started = 0;
  failed = 0;
  /** Devices a check could not read whose earlier result it kept (exit code 1). */
  unread = 0;
  /**
   * Per credentials entry, the devices that refused it in this run, cleared by a login it
   * gets through: from SPARE_AFTER refusals on, it is not tried on more devices, so a wrong
   * password does not lock the account out at the AAA server (docs/commands.md).
   */
  private readonly refusedBy = new Map<string, string[]>();
  /** Devices the operator cancelled: they start no new step (a disrupted one still reaches a safe point). */
  private readonly cancelled = new Set<string>();
  private pauseGate: { promise: Promise<void>; release: () => void } | null = null;
  /** The transcript file of each device in this run (the console shows its tail). */
  readonly transcriptFiles = new Map<string, string>();
  /**
   * Canaries (lower-case hostnames) whose commit may wait for the canary monitoring, and
   * whether it does (true once the device stopped before its commit): engine/promotion.ts.
   */
  readonly commitHeld = new Map<string, boolean>();

  constructor(
    readonly inventory: Inventory,
    readonly store: StateStore,
    readonly bus: EventBus,
    readonly credentials: Credentials,
    readonly options: EngineOptions,
    readonly runId: number,
    readonly operator: string,
    readonly imageServer: ImageServer | null,
    readonly writeback: DebouncedWriteBack | null,
  ) {
    this.knownHosts = new KnownHosts(options.knownHostsFile);
  }

  get settings(): Settings {
    return this.inventory.settings;
  }

  row(hostname: string): DeviceRow {
    const r = this.inventory.devices.find((d) => d.hostname.toLowerCase() === hostname.toLowerCase());
    if (!r) throw new Error(`no device ${hostname} in the workbook`);
    return r;
  }

  /** A row's platform rules, for deciding before any connection (what a pair's members will ask). */
  rules(row: DeviceRow): PlatformRules | null {
    if (this.options.rulesFactory) return this.options.rulesFactory(row.platform);
    return isUpgradable(row.platform) ? rulesFor(row.platform) : null;
  }

  driver(row: DeviceRow): Driver {
    const make = this.options.driverFactory ?? createDriver;
    const hooks: DriverHooks = {
      onProgress: (p) => this.bus.emit({ type: 'progress', hostname: row.hostname, step: p.step, done: p.done, total: p.total, note: p.note, part: p.part }),
      onLog: (line) => this.bus.log('debug', line, row.hostname),
    };
    return make(targetFor(row, this.inventory.devices, this.credentials), {
      knownHosts: this.knownHosts,
      acceptNewHostKeys: this.options.acceptNewHostKeys,
      timeouts: this.options.driverTimeouts,
      pollMs: this.options.pollMs,
      panoramaRps: this.settings.panoramaRps,
      transcript: this.options.transcripts ? this.transcript(row.hostname) : undefined,
      hooks,
    });
  }

  /** The device transcript for this session, secrets already masked by the channel. */
  private transcript(hostname: string): Transcript {
    const dir = join(this.options.stateDir, 'transcripts');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${hostname}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    this.transcriptFiles.set(hostname, file);
    // Chunks are gathered and written every 100 ms (or at 64 KiB, or on close): a write
    // per received chunk cost more CPU than the SSH decryption under a hundred sessions.
    let fd: number | null = null;
    let pending = '';
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!pending) return;
      fd ??= openSync(file, 'a', 0o600);
      writeSync(fd, pending);
      pending = '';
    };
    return {
      write: (direction, text) => {
        pending += direction === 'sent' ? `>>> ${text}` : text;
        if (pending.length >= 65_536) flush();
        else timer ??= setTimeout(flush, 100).unref();
      },
      close: () => {
        flush();
        if (fd !== null) closeSync(fd);
        fd = null;
      },
    };
  }

  get paused(): boolean {
    return this.pauseGate !== null;
  }

  /** No new device and no new step starts until resume(); steps in flight finish. */
  pause(): boolean {
    if (this.pauseGate || this.stopReason) return false;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.pauseGate = { promise, release };
    this.bus.emit({ type: 'run', phase: 'paused', command: this.options.command, runId: this.runId });
    return true;
  }

  resume(): boolean {
    const gate = this.pauseGate;
    if (!gate) return false;
    this.pauseGate = null;
    gate.release();
    this.bus.emit({ type: 'run', phase: 'resumed', command: this.options.command, runId: this.runId });
    return true;
  }

  /** Stops starting work (a paused run is released so it can wind down). */
  stop(reason: string): void {
    this.stopReason ??= reason;
    this.bus.emit({ type: 'run', phase: 'stopping', command: this.options.command, runId: this.runId, stop: 'stopped', reason: this.stopReason });
    const gate = this.pauseGate;
    this.pauseGate = null;
    gate?.release();
  }

  async whilePaused(): Promise<void> {
    while (this.pauseGate && !this.stopReason) await this.pauseGate.promise;
  }

  cancel(hostname: string): void {
    this.cancelled.add(hostname.toLowerCase());
  }

  isCancelled(hostname: string): boolean {
    return this.cancelled.has(hostname.toLowerCase());
  }

  /** Why a disruptive step may not start now on this device, or null. */
  disruptiveBlocked(row: DeviceRow, now = new Date()): { reason: Reason; message: string } | null {
    if (this.stopReason) return { reason: 'stopped', message: this.stopReason };
    if (this.breakerTripped) return { reason: 'breaker', message: 'the circuit breaker stopped new disruptive steps' };
    const fmt = (d: Date) => d.toLocaleString('sv-SE', { hour12: false }).slice(0, 16);
    if (row.windowStart && now < row.windowStart) return { reason: 'window', message: `the maintenance window opens at ${fmt(row.windowStart)}` };
    if (row.windowEnd && now >= row.windowEnd) return { reason: 'window', message: `the maintenance window closed at ${fmt(row.windowEnd)}` };
    return null;
  }

  /** A login with this credentials entry was refused (true) or got through (false). */
  noteLogin(credential: string, hostname: string, refused: boolean): void {
    if (!refused) return void this.refusedBy.delete(credential);
    const list = this.refusedBy.get(credential) ?? [];
    if (!list.includes(hostname)) list.push(hostname);
    this.refusedBy.set(credential, list);
  }

  /** Why this credentials entry is no longer tried, or null. */
  spared(credential: string): string | null {
    const by = this.refusedBy.get(credential) ?? [];
    if (by.length < SPARE_AFTER) return null;
    return `not tried: the credentials entry "${credential}" was refused by ${by.length} devices (${by.slice(0, 3).join(', ')}${by.length > 3 ? ', …' : ''}); upshift stops using it so the account is not locked out — correct it and run again`;
  }

  /** Counts a finished device and, in a run, trips the breaker above max_failure_percent (check and stage look at every device). */
  deviceFinished(failed: boolean): void {
    if (failed) this.failed++;
    if (this.options.command !== 'run' || this.options.dryRun) return;
    const percent = this.started === 0 ? 0 : (this.failed / this.started) * 100;
    if (!this.breakerTripped && this.failed > 0 && percent > this.settings.maxFailurePercent) {
      this.breakerTripped = true;
      const why = `${this.failed} of ${this.started} devices failed (${percent.toFixed(0)}% > ${this.settings.maxFailurePercent}%)`;
      this.bus.emit({ type: 'run', phase: 'breaker', command: this.options.command, runId: this.runId, stop: 'breaker', reason: why });
      this.bus.log('error', `circuit breaker: ${why}; no new devices start`);
    }
  }
}
