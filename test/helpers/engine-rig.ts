// The engine on fake devices: a real state database in a temp folder, the
// real runner, steps, gates and journal — only the driver is the fake one.
import { join } from 'node:path';
import { RunContext, type EngineOptions, type RunCommand } from '../../src/engine/context.js';
import { EventBus, type Stamped } from '../../src/engine/events.js';
import { PolicyApprover, type Approver } from '../../src/engine/gates.js';
import { runFleet, type RunOutcome } from '../../src/engine/runner.js';
import { openDatabase } from '../../src/store/db.js';
import { StateStore } from '../../src/store/state.js';
import { DEFAULT_SETTINGS } from '../../src/store/settings.js';
import type { DeviceRow, Inventory, Settings } from '../../src/store/types.js';
import { FakeDevice, FakeDriver, fakeRules } from './fake-driver.js';
import { tempDir } from './workbooks.js';

export const fakeRow = (hostname: string, extra: Partial<DeviceRow> = {}): DeviceRow => ({
  hostname, host: '192.0.2.1', port: 22, platform: 'iosxe', targetVersion: '17.9.5', image: null, site: 'lab', role: null, group: null,
  wave: null, haPeer: null, via: null, credential: 'default', windowStart: null, windowEnd: null, enabled: true, notes: null, row: 2, ...extra,
});

export interface EngineRig {
  store: StateStore;
  devices: Map<string, FakeDevice>;
  rows: DeviceRow[];
  events: Stamped[];
  device(hostname: string): FakeDevice;
  /** Starts a run; `ctx` is there at once (to stop, pause or cancel it). */
  start(command: RunCommand, opts?: { approver?: Approver; dryRun?: boolean }): { ctx: RunContext; done: Promise<RunOutcome> };
  run(command: RunCommand, opts?: { approver?: Approver; dryRun?: boolean }): Promise<RunOutcome>;
  state(hostname: string): { status: string; reason: string | null; message: string | null };
  steps(hostname: string): string[];
  close(): void;
}

export function engineRig(rows: DeviceRow[], settings: Partial<Settings> = {}): EngineRig {
  const dir = tempDir('upshift-engine-');
  const devices = new Map(rows.map((r) => [r.hostname, new FakeDevice(r.hostname)]));
  const inventory: Inventory = { file: join(dir, 'fleet.xlsx'), devices: rows, images: [], settings: { ...DEFAULT_SETTINGS, reloadTimeoutMs: 2000, ...settings }, date1904: false };
  const store = new StateStore(openDatabase(join(dir, 'state')));
  store.syncInventory(inventory);
  const events: Stamped[] = [];
  const credentials = new Map([['default', { username: 'netops', password: 'not-a-secret', verifyTls: true }]]);
  const start = (command: RunCommand, opts: { approver?: Approver; dryRun?: boolean } = {}) => {
    const bus = new EventBus();
    bus.on((e) => events.push(e));
    const options: EngineOptions = {
      command, dryRun: !!opts.dryRun, approver: opts.approver ?? new PolicyApprover(true), acceptNewHostKeys: false,
      knownHostsFile: join(dir, 'known_hosts'), stateDir: join(dir, 'state'), imagesDir: join(dir, 'images'),
      retry: { attempts: 3, baseMs: 5 }, pollMs: 5, transcripts: false, startSpacingMs: 0,
      driverFactory: (target) => new FakeDriver(target, devices.get(target.hostname)!),
      rulesFactory: () => fakeRules,
    };
    const runId = store.startRun(command, 'tester', {});
    const ctx = new RunContext(inventory, store, bus, credentials, options, runId, 'tester', null, null);
    return { ctx, done: runFleet(ctx, rows) };
  };
  return {
    store, devices, rows, events,
    device: (h) => devices.get(h)!,
    start,
    run: (command, opts) => start(command, opts).done,
    state: (h) => {
      const s = store.state(h)!;
      return { status: s.status, reason: s.reason, message: s.message };
    },
    steps: (h) => store.journal(h).map((j) => `${j.step}:${j.outcome}`),
    close: () => store.db.close(),
  };
}
