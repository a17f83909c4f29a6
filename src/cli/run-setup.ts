// What check/stage/run and the console share: validate everything first
// (workbook, credentials, --only) so bad input exits 2 having written
// nothing; then open the state, the image server and the event listeners.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importWorkbook, InventoryError } from '../store/inventory.js';
import { credentialsFromEnv, CredentialsError, loadCredentialsFile, type Credentials } from '../store/credentials.js';
import { openDatabase } from '../store/db.js';
import { StateStore } from '../store/state.js';
import { DebouncedWriteBack } from '../store/writeback.js';
import type { DeviceRow, Inventory } from '../store/types.js';
import { RunContext, type EngineOptions, type RunCommand } from '../engine/context.js';
import { EventBus } from '../engine/events.js';
import { osUser, type Approver } from '../engine/gates.js';
import { ImageServer } from '../engine/image-server.js';
import { selectDevices, SelectionError } from '../engine/runner.js';
import { UsageError } from './errors.js';
import { eventRecorder, logFile } from './output.js';
import { resolvePaths, type CommonOptions } from './options.js';
import { recordOptions, startRecords, type RecordOptions, type RecordSession } from './records.js';

export interface Validated {
  paths: ReturnType<typeof resolvePaths>;
  inventory: Inventory;
  credentials: Credentials | null;
  selected: DeviceRow[];
  /** The change id, the metrics address and the webhooks (cli/records.ts). */
  records: RecordOptions;
}

export async function validate(opts: CommonOptions, requireCredentials: boolean): Promise<Validated> {
  const paths = resolvePaths(opts);
  if (!existsSync(paths.workbook)) throw new UsageError(`workbook ${paths.workbook} does not exist (use --workbook FILE)`);
  let inventory: Inventory;
  try {
    inventory = await importWorkbook(paths.workbook);
  } catch (err) {
    if (err instanceof InventoryError) throw new UsageError(`${paths.workbook}: ${err.message}\nnothing was changed`);
    throw err;
  }
  let credentials: Credentials | null;
  try {
    credentials = opts.credentials ? loadCredentialsFile(opts.credentials) : credentialsFromEnv();
  } catch (err) {
    if (err instanceof CredentialsError) throw new UsageError(err.message);
    throw err;
  }
  if (!credentials && requireCredentials) throw new UsageError('no credentials: give --credentials FILE (YAML or JSON, mode 600) or set UPSHIFT_USERNAME and UPSHIFT_PASSWORD');
  let selected: DeviceRow[];
  try {
    selected = selectDevices(inventory.devices, opts.only ?? []);
  } catch (err) {
    if (err instanceof SelectionError) throw new UsageError(err.message);
    throw err;
  }
  if (credentials) {
    const missing = [...new Set(inventory.devices.filter((d) => selected.includes(d) || selected.some((s) => s.via === d.hostname)).map((d) => d.credential))].filter((c) => !credentials!.has(c));
    if (missing.length) throw new UsageError(`the credentials have no entry ${missing.map((m) => `"${m}"`).join(', ')} named in the workbook's credential column`);
  }
  return { paths, inventory, credentials, selected, records: recordOptions(opts, inventory.settings) };
}

/** The state database, the event bus and the workbook write-back: open for a whole console or batch session. */
export interface StateSession {
  v: Validated;
  store: StateStore;
  bus: EventBus;
  writeback: DebouncedWriteBack;
  records: RecordSession;
  close(): Promise<void>;
}

export function openState(v: Validated, mode: 'batch' | 'console' = 'console'): StateSession {
  const store = new StateStore(openDatabase(v.paths.state));
  store.syncInventory(v.inventory);
  const bus = new EventBus();
  const log = logFile(v.paths.state);
  bus.on(log);
  const writeback = new DebouncedWriteBack(v.paths.workbook, () => store.statusCells(), (m) => bus.log('warn', m));
  const records = startRecords(v.records, v.selected, store, bus, mode);
  records.addSecrets(v.credentials);
  return {
    v, store, bus, writeback, records,
    async close() {
      await records.close();
      const written = await writeback.flush();
      if (!written) bus.log('warn', `the workbook could not be written; the status is in ${join(v.paths.state, 'upshift.db')}`);
      log.close();
      store.db.close();
    },
  };
}

/** One check/stage/run: its record in the runs table, its context, its image server. */
export interface RunHandle {
  ctx: RunContext;
  imageServer: ImageServer | null;
  finish(outcome: string): Promise<void>;
}

export async function beginRun(state: StateSession, opts: CommonOptions, command: RunCommand, approver: Approver, credentials: Credentials, selected = state.v.selected): Promise<RunHandle> {
  const { v, store, bus, writeback } = state;
  const runId = store.startRun(command, osUser(), { only: opts.only, yes: !!opts.yes, approve: opts.approve ?? [], dryRun: !!opts.dryRun, concurrency: opts.concurrency ?? null }, v.records.changeId);
  const recorder = eventRecorder(store, runId);
  const unrecord = bus.on(recorder);
  const s = v.inventory.settings;
  let imageServer: ImageServer | null = null;
  const iosxe = selected.filter((d) => d.platform === 'iosxe');
  if (command !== 'check' && !opts.dryRun && s.transfer === 'http' && iosxe.length > 0) {
    const files = new Map(v.inventory.images.filter((i) => iosxe.some((d) => d.image === i.file)).map((i) => [i.file, join(v.paths.images, i.file)] as [string, string]).filter(([, p]) => existsSync(p)));
    imageServer = new ImageServer({ files, listen: opts.serveAddress ?? '0.0.0.0', onTransfer: (t) => {
      bus.emit({ type: 'progress', hostname: t.device, step: 'stage', done: t.sent, total: t.total, rate: t.elapsedMs > 0 ? (t.sent / t.elapsedMs) * 1000 : undefined });
      if (t.done) bus.log('info', `image server: ${t.file} ${t.ok ? 'sent' : 'interrupted after'} ${(t.sent / 1e6).toFixed(1)} MB in ${(t.elapsedMs / 1000).toFixed(1)} s (${(t.sent / Math.max(1, t.elapsedMs) / 1000).toFixed(1)} MB/s)`, t.device);
    } });
    await imageServer.start();
  }
  const options: EngineOptions = {
    command, dryRun: !!opts.dryRun, approver, concurrency: opts.concurrency, acceptNewHostKeys: !!opts.acceptNewHostKeys,
    knownHostsFile: v.paths.knownHosts, stateDir: v.paths.state, imagesDir: v.paths.images, serveAddress: opts.serveAddress,
    retry: { attempts: 3, baseMs: Math.min(2000, Math.max(200, s.reloadTimeoutMs / 100)) },
    // Polls scale with the reload timeout, so the lab's short timeouts poll briskly.
    pollMs: Math.min(2000, Math.max(100, s.reloadTimeoutMs / 120)),
    transcripts: true,
  };
  const ctx = new RunContext(v.inventory, store, bus, credentials, options, runId, osUser(), imageServer, writeback);
  for (const r of selected) if (store.state(r.hostname)?.status === 'skipped') store.updateState(r.hostname, { status: 'pending', message: null });
  return {
    ctx, imageServer,
    async finish(outcome: string) {
      await imageServer?.stop();
      unrecord();
      recorder.flush();
      store.endRun(runId, outcome);
      writeback.request();
    },
  };
}

export interface Session extends Omit<StateSession, 'close'>, RunHandle {
  close(outcome: string): Promise<void>;
}

/** A batch session: the state and one run. */
export async function openSession(v: Validated, opts: CommonOptions, command: RunCommand, approver: Approver, credentials: Credentials): Promise<Session> {
  const state = openState(v, 'batch');
  const run = await beginRun(state, opts, command, approver, credentials);
  return {
    ...state, ...run,
    async close(outcome: string) {
      await run.finish(outcome);
      await state.close();
    },
  };
}
