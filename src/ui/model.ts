// What the console shows, kept outside React: the engine's events are applied
// here as they come, and subscribers hear about it at most once a frame
// (~15 per second), so a busy run with 10,000 devices never floods the
// renderer. The UI reads this; it owns no engine logic. The shapes it keeps
// are in views.ts.
import type { Stamped } from '../engine/events.js';
import type { Reason } from '../engine/outcomes.js';
import { endsDevice, STATUS } from '../engine/status.js';
import type { Gate } from '../engine/gates.js';
import type { DeviceStatus } from '../engine/views.js';
import type { Answered, DeviceInit, DeviceView, ForecastView, RunInfo } from './views.js';

const LOG_LINES = 40;

/** The row already names the device: a message starting with its name (an error's usual form) is shown without it. */
export function withoutHost(text: string, hostname: string): string {
  return text.toLowerCase().startsWith(`${hostname.toLowerCase()}: `) ? text.slice(hostname.length + 2) : text;
}

export class FleetModel {
  readonly devices: DeviceView[];
  readonly counts = new Map<DeviceStatus, number>();
  /** Open gates, oldest first. */
  readonly gates = new Map<string, Gate>();
  readonly answered: Answered[] = [];
  run: RunInfo = { phase: 'idle', command: null, wave: 0, waves: 0, waveSize: 0, waveDone: 0, reason: null, outcome: null };
  private readonly waveEnded = new Set<string>();
  flash: { text: string; tone: 'info' | 'warn' | 'error'; at: number } | null = null;
  forecast: ForecastView | null = null;
  version = 0;
  private readonly byHost = new Map<string, DeviceView>();
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private filterCache: { version: number; query: string; result: DeviceView[] } | null = null;

  constructor(init: DeviceInit[], private readonly frameMs = 66) {
    this.devices = init.map((d) => ({
      row: d.row, port: d.row.port ?? d.port ?? null, status: d.status ?? 'pending', step: d.step ?? null, message: d.message ?? null, reason: (d.reason as Reason | null) ?? null,
      readiness: d.readiness ? { tone: 'muted', text: d.readiness.text, fresh: false, at: d.readiness.at } : null,
      current: d.current ?? null, stepStartedAt: null, progress: null, pre: null, post: null, diff: null, log: [], gate: null, uncommitted: null,
      facts: d.summary ?? null,
    }));
    for (const d of this.devices) {
      this.byHost.set(d.row.hostname.toLowerCase(), d);
      this.counts.set(d.status, (this.counts.get(d.status) ?? 0) + 1);
    }
  }

  device(hostname: string): DeviceView | undefined {
    return this.byHost.get(hostname.toLowerCase());
  }

  /** Devices a run would take on: checked ready by this session, or left in flight or held by an earlier run. */
  startable(): number {
    let n = 0;
    for (const d of this.devices) if ((d.readiness?.fresh && d.readiness.tone !== 'bad') || d.reason === 'in-progress' || d.status === 'held') n++;
    return n;
  }

  /** Devices working or waiting at a gate: what a quit would interrupt. */
  inFlight(): number {
    let n = 0;
    for (const d of this.devices) if (d.status === 'running' || d.gate) n++;
    return n;
  }

  apply(e: Stamped): void {
    if (e.type === 'run') this.applyRun(e);
    // A gate without a device of its own (the promote gate after the canary wave) is queued all the same.
    else if (e.type === 'gate' && !this.device(e.hostname)) this.applyGate(e);
    else if (e.type === 'log' && !e.hostname) {
      if (e.level === 'error' || e.level === 'warn') this.say(e.text, e.level);
    } else {
      const d = this.device(e.hostname ?? '');
      if (!d) return;
      this.applyDevice(d, e);
    }
    this.touch();
  }

  private applyRun(e: Extract<Stamped, { type: 'run' }>): void {
    const r = this.run;
    if (e.phase === 'started') {
      Object.assign(r, { phase: e.command === 'check' ? 'checking' : 'running', command: e.command, wave: 0, waves: e.waves ?? 0, reason: null, outcome: null });
      // A new check (after L) replaces the last one: until it answers, the last answer shows with its age, never as a ✓.
      if (e.command === 'check') for (const d of this.devices) if (d.readiness?.fresh) [d.readiness, d.pre] = [{ ...d.readiness, fresh: false }, null];
    }
    else if (e.phase === 'wave') {
      Object.assign(r, { wave: e.wave ?? r.wave, waves: e.waves ?? r.waves, waveSize: e.devices ?? 0, waveDone: 0 });
      this.waveEnded.clear();
    }
    else if (e.phase === 'paused') r.phase = 'paused';
    else if (e.phase === 'resumed') r.phase = r.command === 'check' ? 'checking' : 'running';
    else if (e.phase === 'stopping') Object.assign(r, { phase: 'stopping', reason: e.reason ?? null });
    else if (e.phase === 'finished') Object.assign(r, { phase: r.command === 'check' ? 'idle' : 'finished', outcome: e.outcome ?? null, reason: e.reason ?? r.reason });
  }

  private applyDevice(d: DeviceView, e: Exclude<Stamped, { type: 'run' }>): void {
    switch (e.type) {
      case 'device':
        if (d.status !== e.status) {
          this.counts.set(d.status, (this.counts.get(d.status) ?? 1) - 1);
          this.counts.set(e.status, (this.counts.get(e.status) ?? 0) + 1);
        }
        d.status = e.status;
        d.message = e.message;
        d.reason = e.reason;
        // A device waiting at a gate has not ended; one that is held for good (refused, window closed) has.
        if (e.reason !== 'waiting-approval' && endsDevice(e.status, this.run.command) && !this.waveEnded.has(d.row.hostname)) {
          this.waveEnded.add(d.row.hostname);
          this.run.waveDone = this.waveEnded.size;
        }
        if (e.step !== d.step) d.stepStartedAt = Date.parse(e.at);
        d.step = e.step;
        if (e.status !== 'running') d.progress = null;
        // Kept from an earlier run because this one could not read it: not ready, whatever it was.
        if (e.kept) d.readiness = { tone: 'bad', text: `✗ ${withoutHost(e.kept.readiness, d.row.hostname)}`, fresh: true, at: Date.parse(e.at) };
        else if (e.status === 'already-current') d.readiness = { tone: 'ok', text: '✓ current', fresh: true, at: Date.parse(e.at) };
        // A device that failed before this session checked it is not ready, whatever an earlier check said.
        else if (STATUS[e.status].failure && !d.readiness?.fresh) d.readiness = { tone: 'bad', text: `✗ ${withoutHost(e.message ?? e.status, d.row.hostname)}`, fresh: true, at: Date.parse(e.at) };
        break;
      case 'step':
        if (e.phase === 'start') {
          d.step = e.step;
          d.stepStartedAt = Date.parse(e.at);
          d.progress = null;
        }
        break;
      case 'progress':
        d.progress = { step: e.step, done: e.done, total: e.total, rate: e.rate, part: e.part };
        break;
      case 'gate':
        if (e.phase === 'opened') d.gate = e.gate;
        else if (d.gate?.id === e.gate.id) d.gate = null;
        this.applyGate(e);
        break;
      case 'facts':
        d.facts = e.summary;
        d.current = e.summary.version;
        d.uncommitted = e.facts.uncommitted ? { autoAbort: e.facts.uncommitted.autoAbort, abortsAt: e.facts.uncommitted.abortsAt } : null;
        break;
      case 'checks':
        if (e.phase === 'pre') {
          d.pre = e.checks;
          const failing = e.checks.filter((c) => !c.ok);
          const remedy = failing.length > 0 && failing.every((c) => c.remedy);
          const text = failing.length === 0 ? '✓' : remedy ? `✗ needs ${failing[0].remedy}` : `✗ ${failing.map((c) => `${c.name}: ${c.detail}`).join('; ')}`;
          d.readiness = { tone: failing.length === 0 ? 'ok' : remedy ? 'wait' : 'bad', text, fresh: true, at: Date.parse(e.at) };
        } else d.post = e.checks;
        break;
      case 'diff':
        d.diff = e.diff;
        break;
      case 'log':
        d.log.push({ at: e.at, text: e.text, level: e.level });
        if (d.log.length > LOG_LINES) d.log.splice(0, d.log.length - LOG_LINES);
        if (e.level === 'error') this.say(`${d.row.hostname}: ${e.text}`, 'error');
        break;
    }
  }

  /** The approvals queue and the answers given. */
  private applyGate(e: Extract<Stamped, { type: 'gate' }>): void {
    if (e.phase === 'opened') {
      this.gates.set(e.gate.id, e.gate);
      return;
    }
    this.gates.delete(e.gate.id);
    const dec = e.decision!;
    const mark = dec.decision === 'approved' ? '✓' : dec.decision === 'refused' ? '✗' : '–';
    const text = `${mark} ${e.gate.kind} ${e.hostname} ${dec.decision === 'held' ? 'held' : dec.by} ${new Date(dec.at).toLocaleTimeString('en-GB', { hour12: false })} (${dec.source})`;
    this.answered.push({ at: dec.at, text, decision: dec.decision });
    if (this.answered.length > 50) this.answered.shift();
  }

  setForecast(f: ForecastView | null): void {
    this.forecast = f;
    this.touch();
  }

  setRun(patch: Partial<RunInfo>): void {
    Object.assign(this.run, patch);
    this.touch();
  }

  say(text: string, tone: 'info' | 'warn' | 'error' = 'info'): void {
    this.flash = { text, tone, at: Date.now() };
    this.touch();
  }

  /**
   * Devices matching the filter: words match hostname, site, group or status
   * anywhere; `key=value` matches one field exactly (host, site, group, role,
   * status, platform, wave). Every term must match.
   */
  filtered(query: string): DeviceView[] {
    const q = query.trim().toLowerCase();
    if (!q) return this.devices;
    const c = this.filterCache;
    if (c && c.version === this.version && c.query === q) return c.result;
    const tests = q.split(/\s+/).map((term) => {
      const m = /^(host|hostname|site|group|role|status|platform|wave)=(.*)$/.exec(term);
      if (m) {
        const key = m[1] === 'host' ? 'hostname' : m[1];
        return (d: DeviceView) => (key === 'status' ? d.status : String((d.row as unknown as Record<string, unknown>)[key] ?? '')).toLowerCase() === m[2];
      }
      return (d: DeviceView) => d.row.hostname.toLowerCase().includes(term) || (d.row.site ?? '').toLowerCase().includes(term) || (d.row.group ?? '').toLowerCase().includes(term) || d.status.includes(term);
    });
    const result = this.devices.filter((d) => tests.every((t) => t(d)));
    this.filterCache = { version: this.version, query: q, result };
    return result;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Coalesces changes into one notification per frame. */
  private touch(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.frameMs - (Date.now() - this.lastFlush));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastFlush = Date.now();
      this.version++;
      for (const l of this.listeners) l();
    }, wait);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
