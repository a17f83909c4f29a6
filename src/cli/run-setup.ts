// What check/stage/run and the console share: validate everything first
// (workbook, credentials, --only) so bad input exits 2 having written
// nothing; then open the state, the image server and the event listeners.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkOwnership, requireWorkbook } from './state-dir.js';
import { lockSession, type SessionLock } from './session-lock.js';
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
import { masked, SessionSecrets } from './masking.js';
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
  requireWorkbook(paths.workbook);
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
  // Before anything is created: a state directory of another workbook is refused here.
  checkOwnership(paths.state, paths.workbook, inventory.identity);
  return { paths, inventory, credentials, selected, records: recordOptions(opts, inventory.settings) };
}

/** The state database, the event bus and the workbook write-back: open for a whole console or batch session. */
export interface StateSession {
  v: Validated;
  store: StateStore;
  bus: EventBus;
  writeback: DebouncedWriteBack;
  records: RecordSession;
  /** Every secret loaded in this session: the listeners that write somewhere mask them (masking.ts). */
  secrets: SessionSecrets;
  close(): Promise<void>;
}

/**
 * Takes the workbook and its state for this process (LockHeldError, exit 3,
 * when another upshift has them), then opens the state: claims it for the
 * workbook and closes journal entries a crash left open; starts the records
 * (metrics, notifications) for the session.
 */
export function openState(v: Validated, command = 'console'): StateSession {
  const lock: SessionLock = lockSession(v.paths, command);
  let store: StateStore | null = null;
  try {
    // Again under the lock: another workbook's run may have claimed a new state directory meanwhile.
    const ownership = checkOwnership(v.paths.state, v.paths.workbook, v.inventory.identity);
    const db = new StateStore(openDatabase(v.paths.state));
    store = db;
    db.claimOwner(v.paths.workbook, v.inventory.identity ?? null);
    const interrupted = db.closeInterruptedSteps();
    db.syncInventory(v.inventory);
    const bus = new EventBus();
    const secrets = new SessionSecrets();
    secrets.add(v.credentials);
    db.maskWith(() => secrets.list);
    const log = logFile(v.paths.state);
    bus.on(masked(log, secrets));
    for (const notice of lock.notices) bus.log('warn', notice);
    if (ownership.movedFrom) bus.log('warn', `the workbook was at ${ownership.movedFrom}; its state follows it to ${v.paths.workbook}`);
    if (interrupted > 0) bus.log('info', `${interrupted} step${interrupted === 1 ? '' : 's'} left open by an earlier upshift that stopped without ending ${interrupted === 1 ? 'it' : 'them'} (crash or kill): marked interrupted`);
    const writeback = new DebouncedWriteBack(v.paths.workbook, { stateDb: v.paths.stateDb }, (m) => bus.log('warn', m));
    const records = startRecords(v.records, v.selected, db, bus, command === 'console' ? 'console' : 'batch');
    records.addSecrets(v.credentials);
    return {
      v, store: db, bus, writeback, records, secrets,
      async close() {
        try {
          await records.close();
          const written = await writeback.close();
          if (!written) bus.log('warn', `the workbook could not be written; the status is in ${v.paths.stateDb}`);
          log.close();
          db.db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    store?.db.close();
    lock.release();
    throw err;
  }
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
  // The credentials of this run may be a console login the session has not seen yet.
  state.secrets.add(credentials);
  const recorder = eventRecorder(store, runId);
  const unrecord = bus.on(masked(recorder, state.secrets));
  const s = v.inventory.settings;
  let imageServer: ImageServer | null = null;
  // Devices whose row names an image pull it from upshift (the others download their software themselves).
  const pulling = selected.filter((d) => d.image);
  if (command !== 'check' && !opts.dryRun && s.transfer === 'http' && pulling.length > 0) {
    const files = new Map(v.inventory.images.filter((i) => pulling.some((d) => d.image === i.file)).map((i) => [i.file, join(v.paths.images, i.file)] as [string, string]).filter(([, p]) => existsSync(p)));
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
    driverTimeouts: { command: s.commandTimeoutMs },
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
  const state = openState(v, command);
  let run: RunHandle;
  try {
    run = await beginRun(state, opts, command, approver, credentials);
  } catch (err) {
    await state.close();
    throw err;
  }
  return {
    ...state, ...run,
    async close(outcome: string) {
      await run.finish(outcome);
      await state.close();
    },
  };
}
