// The session behind the console: it owns the state, runs the read-only
// readiness check on opening, starts, pauses and stops the upgrade run on
// the operator's keys, and hands the engine's gates to the approvals queue.
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Facts } from '../drivers/contract.js';
import { accessOf, summarizeFacts } from '../drivers/registry.js';
import { PolicyApprover, QueueApprover } from '../engine/gates.js';
import { runFleet, type RunOutcome } from '../engine/runner.js';
import type { RunCommand } from '../engine/context.js';
import type { Credential, Credentials } from '../store/credentials.js';
import { summaryPath } from '../store/export.js';
import { changeSummary } from '../store/summary.js';
import type { JournalEntry } from '../store/state.js';
import type { ConsoleController, ConsoleInfo, LoginAnswer } from '../ui/controller.js';
import { binding } from '../ui/keymap.js';
import { FleetModel } from '../ui/model.js';
import { beginRun, type RunHandle, type StateSession, type Validated } from './run-setup.js';
import { masked } from './masking.js';
import type { CommonOptions } from './options.js';

/** How often the header's ETA is worked out again (bench/forecast.mjs: 22 ms at 10,000 devices). */
const FORECAST_EVERY_MS = 2000;

export class ConsoleSession implements ConsoleController {
  readonly model: FleetModel;
  readonly info: ConsoleInfo;
  readonly approver: QueueApprover;
  /** The exit code of the last run (3 when the console stopped one). */
  exitCode: 0 | 1 | 3 = 0;
  private credentials: Credentials | null;
  private current: { command: RunCommand; handle: RunHandle | null; done: Promise<void> } | null = null;
  private readonly unlisten: () => void;
  private stopping: string | null = null;
  /** Transcript files of finished runs, by device. */
  private readonly transcripts = new Map<string, string>();

  constructor(private readonly v: Validated, private readonly opts: CommonOptions, private readonly state: StateSession, banner?: string) {
    const { store } = state;
    this.credentials = v.credentials;
    this.model = new FleetModel(v.selected.map((row) => {
      const s = store.state(row.hostname);
      const facts = store.latestFacts<Facts>(row.hostname)?.facts;
      return { row, port: accessOf(row.platform).port, status: s?.status, step: s?.step, message: s?.message, reason: s?.reason, readiness: s?.readiness ? { text: s.readiness, at: Date.parse(s.updated_at) } : null, current: s?.current_version, summary: facts ? summaryOf(facts) : null };
    }));
    // Until the check has run, readiness is not known: nothing can be started.
    this.model.run.phase = this.credentials ? 'checking' : 'credentials';
    this.unlisten = state.bus.on(masked((e) => this.model.apply(e), state.secrets));
    this.approver = new QueueApprover(new PolicyApprover(!!opts.yes, opts.approve ?? []));
    const starts = v.selected.map((d) => d.windowStart?.getTime()).filter((t): t is number => t !== undefined);
    const ends = v.selected.map((d) => d.windowEnd?.getTime()).filter((t): t is number => t !== undefined);
    this.info = {
      workbook: v.paths.workbook,
      stateDir: v.paths.state,
      dryRun: !!opts.dryRun,
      concurrency: opts.concurrency ?? v.inventory.settings.concurrency,
      reloadTimeoutMs: v.inventory.settings.reloadTimeoutMs,
      window: { start: starts.length ? new Date(Math.min(...starts)) : null, end: ends.length ? new Date(Math.max(...ends)) : null },
      credentialNames: [...new Set(v.inventory.devices.filter((d) => v.selected.includes(d) || v.selected.some((s) => s.via === d.hostname)).map((d) => d.credential))],
      banner,
    };
  }

  begin(): void {
    if (!this.credentials) this.model.setRun({ phase: 'credentials' });
    else this.launch('check');
  }

  provideCredentials(login: LoginAnswer): void {
    // One login for every entry the workbook names; kept in memory only. An entry already known (a credentials
    // file, or an earlier login) keeps its TLS pinning and key file: only the account's secrets are replaced.
    const known = this.credentials;
    this.credentials = new Map(this.info.credentialNames.map((name) => [name, withLogin(known?.get(name), login)]));
    this.state.records.addSecrets(this.credentials);
    this.state.secrets.add(this.credentials);
    this.launch('check');
  }

  cancelLogin(): string {
    if (this.model.run.phase !== 'credentials') return 'no login is being asked';
    if (!this.credentials) return `there are no credentials yet to go back to: enter them, or ${binding('loginQuit').keys} quits`;
    this.model.setRun({ phase: 'idle' });
    return 'login not changed: the credentials of this session stay as they were';
  }

  relogin(): string {
    const phase = this.model.run.phase;
    if (phase !== 'idle' && phase !== 'finished') return `the credentials can be changed when nothing runs (now: ${phase})`;
    this.model.setRun({ phase: 'credentials' });
    return 'enter the credentials again: the readiness check runs again after';
  }

  private launch(command: RunCommand): void {
    // A new run starts once the previous one has closed (its image server stopped, its record ended).
    const previous = this.current?.done ?? Promise.resolve();
    const entry: { command: RunCommand; handle: RunHandle | null; done: Promise<void> } = { command, handle: null, done: Promise.resolve() };
    this.current = entry;
    if (command === 'check') this.model.setRun({ phase: 'checking', command: 'check' });
    entry.done = (async () => {
      let outcome: RunOutcome | null = null;
      let stopForecast = () => {};
      try {
        await previous;
        if (this.stopping) return;
        entry.handle = await beginRun(this.state, this.opts, command, this.approver, this.credentials!);
        if (this.stopping) entry.handle.ctx.stop(this.stopping);
        if (command === 'run') stopForecast = this.followForecast(entry.handle.ctx.runId);
        outcome = await runFleet(entry.handle.ctx, this.v.selected);
        this.exitCode = outcome.exitCode;
      } catch (err) {
        this.model.say(`the ${command} stopped on an error: ${(err as Error).message}`, 'error');
        this.state.bus.log('error', `${command}: ${(err as Error).stack ?? err}`);
        this.model.setRun({ phase: command === 'check' ? 'idle' : 'finished', outcome: 'error' });
      } finally {
        stopForecast();
        for (const [h, f] of entry.handle?.ctx.transcriptFiles ?? []) this.transcripts.set(h, f);
        await entry.handle?.finish(outcome ? (outcome.exitCode === 0 ? 'ok' : outcome.exitCode === 3 ? 'stopped' : 'attention') : 'error');
        if (this.current === entry) this.current = null;
      }
    })();
  }

  /** The header's ETA, worked out again every few seconds while the run goes on. */
  private followForecast(runId: number): () => void {
    const update = () => {
      const rf = this.state.records.forecast();
      this.model.setForecast(rf && rf.runId === runId ? { finishAt: rf.forecast.finishAt, windowEnd: rf.windowEnd, late: rf.forecast.late.map((d) => d.hostname), atLeast: rf.forecast.atLeast, untimed: rf.forecast.unknown.length } : null);
    };
    update();
    const timer = setInterval(update, FORECAST_EVERY_MS);
    return () => {
      clearInterval(timer);
      this.model.setForecast(null);
    };
  }

  toggleRun(): string {
    const cur = this.current;
    const ctx = cur?.handle?.ctx;
    const phase = this.model.run.phase;
    if (cur?.command === 'run' && !ctx) return 'the run is starting';
    if (phase === 'paused' && ctx?.resume()) return 'resumed: devices and steps start again';
    if (phase === 'running' && ctx?.pause()) return `paused: steps under way finish; no device starts its next step until ${binding('startPause').keys} resumes`;
    if (phase !== 'idle' && phase !== 'finished') return `nothing to start while ${phase}`;
    // A run where this session's check found nothing ready would only fail again: say why instead.
    if (this.model.startable() === 0) return `nothing is ready to upgrade: every device failed its check (see READY); fix the cause, or press ${binding('login').keys} to enter the credentials again`;
    this.launch('run');
    // Shown at once, so a second s cannot start a second run.
    this.model.setRun({ phase: 'running', command: 'run', wave: 0, waves: 0, waveSize: 0, waveDone: 0, reason: null, outcome: null });
    return this.opts.dryRun ? 'dry run started: read-only checks and the plan, nothing is changed' : `run started on ${this.v.selected.length} device${this.v.selected.length === 1 ? '' : 's'}: ${this.approvalsText()}`;
  }

  /** What the run will ask, as the command line decided it (--yes, --approve). */
  private approvalsText(): string {
    if (this.opts.yes) return 'every gate is approved by --yes, none waits for you';
    const given = this.opts.approve ?? [];
    if (given.length === 0) return 'every reload, switchover and rollback waits for your approval';
    return `${given.join(', ')} approved in advance by --approve; the other gates wait for your approval`;
  }

  cancel(hostname: string): string {
    const ctx = this.current?.handle?.ctx;
    if (!ctx || this.current?.command === 'check') return 'nothing is running';
    const row = this.v.selected.find((d) => d.hostname === hostname);
    const peer = row?.haPeer ? this.v.selected.find((d) => d.hostname.toLowerCase() === row.haPeer!.toLowerCase()) : undefined;
    for (const h of [hostname, peer?.hostname].filter((x): x is string => !!x)) {
      ctx.cancel(h);
      const open = this.approver.forHost(h);
      // A rollback gate decides where a disrupted device ends: it stays for the operator to answer.
      if (open && open.gate.kind !== 'rollback') this.approver.answer(open.gate.id, 'held', 'cancelled in the console');
    }
    return `${hostname}${peer ? ` and its HA peer ${peer.hostname}` : ''}: cancelled; no new step starts (a device already reloading reaches a safe point first)`;
  }

  answer(gateId: string, decision: 'approved' | 'refused'): boolean {
    return this.approver.answer(gateId, decision, 'console');
  }

  async exportWorkbook(): Promise<string> {
    const wb = this.v.paths.workbook;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    const out = join(dirname(wb), `${basename(wb).replace(/\.xlsx$/i, '')}-upshift-${stamp}.xlsx`);
    // In the write-back's thread: a 10,000-row export would otherwise freeze the console for a second.
    const r = await this.state.writeback.exportTo(out);
    const summary = summaryPath(out);
    writeFileSync(summary, changeSummary(this.state.store, { workbook: wb }));
    return `${out} (status columns and an Audit sheet of ${r.auditRows} rows) and ${basename(summary)}`;
  }

  async stop(reason: string): Promise<void> {
    this.stopping = reason;
    const cur = this.current;
    if (!cur) return;
    cur.handle?.ctx.stop(reason);
    this.approver.holdAll(`${reason}: not approved`);
    await cur.done;
    if (cur.command !== 'check') this.exitCode = 3;
  }

  transcriptTail(hostname: string, lines: number): string[] {
    const file = this.current?.handle?.ctx.transcriptFiles.get(hostname) ?? this.transcripts.get(hostname);
    return file ? tailLines(file, lines) : [];
  }

  facts(hostname: string): Facts | null {
    return this.state.store.latestFacts<Facts>(hostname)?.facts ?? null;
  }

  /** The steps of the device's latest run. */
  journal(hostname: string): JournalEntry[] {
    const all = this.state.store.journal(hostname);
    const last = all.at(-1)?.run_id;
    return all.filter((j) => j.run_id === last);
  }

  async close(): Promise<void> {
    this.unlisten();
    this.model.dispose();
    await this.state.close();
  }
}

/**
 * The typed login over an entry: username, password and enable replaced; TLS settings and the SSH key
 * file kept. An API key is dropped, since it belongs to the account the login replaces (and would be
 * used before the typed password).
 */
export function withLogin(entry: Credential | undefined, login: LoginAnswer): Credential {
  const { apiKey: _old, ...kept } = entry ?? { verifyTls: true };
  void _old;
  return { ...kept, username: login.username, password: login.password, enable: login.enable };
}

/** Facts stored by an older upshift may have another shape: then no summary until they are read again. */
function summaryOf(f: Facts) {
  try {
    return summarizeFacts(f);
  } catch {
    return null;
  }
}

/** The last `n` non-empty lines of a file, read from its last 8 KB only. */
export function tailLines(file: string, n: number): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 8192);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    // eslint-disable-next-line no-control-regex
    const text = buf.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    return text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '').slice(-n);
  } finally {
    closeSync(fd);
  }
}
