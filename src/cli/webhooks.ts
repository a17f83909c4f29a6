// Notifications for the NOC and chat (--webhook URL, Settings webhook_url):
// a JSON POST per event that needs a person — a gate waiting, a device
// failed, rolled back or needing attention, the circuit breaker, the window
// closing, the run finished — with a `text` chat tools show as is and the
// structured fields. Fed by the event bus; delivery is queued per URL (in
// order), retried with backoff, then logged: it never holds up the engine.
// docs/records.md ("Notifications").
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { hostname } from 'node:os';
import type { Listener, Stamped } from '../engine/events.js';
import { osUser } from '../engine/gates.js';

export const NOTIFICATION_KINDS = ['gate-waiting', 'device-failed', 'device-rolled-back', 'device-needs-attention', 'breaker-tripped', 'window-closing', 'run-finished'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  kind: NotificationKind;
  /** One line a chat tool shows as it is. */
  text: string;
  change: string | null;
  runId: number | null;
  run: { host: string; pid: number; user: string };
  hostname: string | null;
  status: string | null;
  reason: string | null;
  at: string;
  gate?: { kind: string; step: string; impact: string; why?: string };
  counts?: Record<string, number>;
}

export interface WebhookOptions {
  urls: string[];
  changeId: string | null;
  /** Batch: a gate the policy leaves held is a gate waiting for a later approval. The console: a gate still open after graceMs. */
  mode: 'batch' | 'console';
  windowEnd: Date | null;
  /** Statuses of the selected devices now (for the run-finished line). */
  counts(): Map<string, number>;
  log(level: 'warn' | 'info' | 'debug', text: string): void;
  attempts?: number;
  baseDelayMs?: number;
  graceMs?: number;
  timeoutMs?: number;
}

/** Where a notification went, without the path (a chat webhook URL carries its token there). */
export const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return 'the webhook';
  }
};

/** One POST, no connection kept open afterwards (nothing may hold the process when it is done). */
function post(url: string, body: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', agent: false, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const DEVICE_KINDS: Record<string, NotificationKind> = { failed: 'device-failed', 'rolled-back': 'device-rolled-back', 'needs-attention': 'device-needs-attention' };

export class WebhookNotifier {
  readonly listener: Listener;
  private readonly queues = new Map<string, Notification[]>();
  private readonly workers = new Map<string, Promise<void>>();
  private readonly secrets = new Set<string>();
  private readonly sent = new Set<string>();
  private readonly openGates = new Map<string, NodeJS.Timeout | null>();
  private runId: number | null = null;
  private upgrading = false;
  private windowTimer: NodeJS.Timeout | null = null;
  private readonly who = { host: hostname(), pid: process.pid, user: osUser() };

  constructor(private readonly o: WebhookOptions) {
    this.listener = (e) => this.onEvent(e);
  }

  /** Texts that must never leave in a payload (the credentials' secrets), masked if they ever appear. */
  addSecrets(values: (string | undefined)[]): void {
    for (const v of values) if (v && v.length >= 3) this.secrets.add(v);
  }

  private onEvent(e: Stamped): void {
    if (e.type === 'run') {
      if (e.phase === 'started') {
        this.runId = e.runId;
        // Only an upgrade run notifies: a check or a stage fails before the window, not during it.
        this.upgrading = e.command === 'run';
        if (this.upgrading) this.watchWindow();
      } else if (!this.upgrading) return;
      else if (e.phase === 'breaker') this.notify('breaker-tripped', `circuit breaker tripped: ${e.reason}; no new devices start`, {});
      else if (e.phase === 'finished') {
        this.stopWindowWatch();
        const counts = Object.fromEntries(this.o.counts());
        const line = Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(' · ');
        this.notify('run-finished', `upshift run ${e.runId} finished${e.reason ? `, stopped (${e.reason})` : e.outcome === 'ok' ? '' : ': some devices need a look'}: ${line}`, { status: e.outcome ?? null, reason: e.reason ?? null, counts });
      }
      return;
    }
    if (!this.upgrading) return;
    if (e.type === 'device' && DEVICE_KINDS[e.status]) {
      const verb = e.status === 'failed' ? `failed${e.step ? ` at ${e.step}` : ''}` : e.status === 'rolled-back' ? 'rolled back' : 'needs attention';
      this.notify(DEVICE_KINDS[e.status], `${e.hostname} ${verb}: ${e.message ?? e.reason ?? ''}`, { hostname: e.hostname, status: e.status, reason: e.reason }, `${e.hostname}:${e.status}`);
    } else if (e.type === 'gate') {
      const g = e.gate;
      const why = g.why ? `${g.why}; ` : '';
      const waiting = () => this.notify('gate-waiting', `${g.hostname}: ${g.kind} gate waiting for approval (${why}${g.impact})`, { hostname: g.hostname, status: 'held', reason: 'waiting-approval', gate: { kind: g.kind, step: g.step, impact: g.impact, ...(g.why ? { why: g.why } : {}) } }, g.id);
      if (e.phase === 'opened' && this.o.mode === 'console') {
        // Gates the policy approves at once never wait for anyone.
        this.openGates.set(g.id, setTimeout(() => {
          this.openGates.delete(g.id);
          waiting();
        }, this.o.graceMs ?? 500).unref());
      } else if (e.phase === 'answered') {
        const t = this.openGates.get(g.id);
        if (t) clearTimeout(t);
        this.openGates.delete(g.id);
        if (this.o.mode === 'batch' && e.decision?.decision === 'held') waiting();
      }
    }
  }

  private watchWindow(): void {
    const end = this.o.windowEnd?.getTime();
    if (end === undefined || this.sent.has(`window:${end}`)) return;
    const fire = () => {
      const left = end - Date.now();
      if (left <= 0) return;
      const notDone = [...this.o.counts()].filter(([s]) => ['pending', 'ready', 'staged', 'running', 'held'].includes(s)).reduce((n, [, c]) => n + c, 0);
      this.notify('window-closing', `the maintenance window closes at ${new Date(end).toLocaleTimeString('en-GB', { hour12: false })} (in ${Math.ceil(left / 60_000)} min); ${notDone} device${notDone === 1 ? '' : 's'} not done`, {}, `window:${end}`);
    };
    const at = end - 15 * 60_000 - Date.now();
    this.stopWindowWatch();
    if (at <= 0) fire();
    // Timers beyond 24.8 days overflow; a window that far away is not tonight's.
    else if (at < 2 ** 31 - 1) this.windowTimer = setTimeout(fire, at).unref();
  }

  private stopWindowWatch(): void {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
  }

  private notify(kind: NotificationKind, text: string, fields: Partial<Notification>, once?: string): void {
    if (once !== undefined) {
      const key = `${this.runId}:${kind}:${once}`;
      if (this.sent.has(key)) return;
      this.sent.add(key);
    }
    const n: Notification = {
      kind, text: `${this.o.changeId ? `[${this.o.changeId}] ` : ''}${text}`, change: this.o.changeId, runId: this.runId, run: this.who,
      hostname: null, status: null, reason: null, at: new Date().toISOString(), ...fields,
    };
    for (const url of this.o.urls) {
      const q = this.queues.get(url) ?? [];
      q.push(n);
      this.queues.set(url, q);
      if (!this.workers.has(url)) this.workers.set(url, this.drain(url).finally(() => this.workers.delete(url)));
    }
  }

  /** The payload as sent: JSON, with any secret masked (defence in depth: messages never carry one). */
  body(n: Notification): string {
    let json = JSON.stringify(n);
    for (const s of this.secrets) json = json.split(JSON.stringify(s).slice(1, -1)).join('****');
    return json;
  }

  /** Sends one URL's queue in order; each notification is tried a few times, then dropped with a warning. */
  private async drain(url: string): Promise<void> {
    const q = this.queues.get(url)!;
    const attempts = this.o.attempts ?? 4;
    const base = this.o.baseDelayMs ?? 500;
    while (q.length > 0) {
      const n = q[0];
      for (let i = 1; ; i++) {
        try {
          await post(url, this.body(n), this.o.timeoutMs ?? 5000);
          break;
        } catch (err) {
          if (i >= attempts) {
            this.o.log('warn', `webhook ${origin(url)}: ${n.kind} not delivered after ${attempts} attempts (${(err as Error).message})`);
            break;
          }
          await new Promise((r) => setTimeout(r, base * 2 ** (i - 1)));
        }
      }
      q.shift();
    }
  }

  /** Waits for the queues to empty, at most `deadlineMs`; what is left is logged as not delivered. */
  async close(deadlineMs = 5000): Promise<void> {
    this.stopWindowWatch();
    for (const t of this.openGates.values()) if (t) clearTimeout(t);
    const all = Promise.all([...this.workers.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, deadlineMs)))]);
    clearTimeout(timer);
    const left = [...this.queues].filter(([, q]) => q.length > 0);
    for (const [url, q] of left) this.o.log('warn', `webhook ${origin(url)}: ${q.length} notification${q.length === 1 ? '' : 's'} not delivered before upshift ended`);
  }
}
