// Prometheus metrics (--metrics-address HOST:PORT → http://HOST:PORT/metrics)
// while the console or a batch command runs: devices per status, gates
// waiting, step durations, device failures, the window left and the ETA.
// Counts follow the event bus (a listener that only adds numbers); the
// window and the ETA are read when scraped. docs/records.md ("Metrics").
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Listener, Stamped } from '../engine/events.js';
import { GATE_KINDS } from '../engine/gates.js';
import { STATUS } from '../engine/status.js';
import { DEVICE_STATUSES, type DeviceStatus } from '../store/types.js';
import { parseListenAddress } from './options.js';

export interface MetricsOptions {
  changeId: string | null;
  /** The selected devices: their platform, and their status when the session opened. */
  devices: { hostname: string; platform: string; status: DeviceStatus }[];
  windowEnd: Date | null;
  /** The ETA of the run under way (ms since the epoch), or null. */
  eta(): number | null;
}

/** Step durations from seconds (a show command) to an hour (a slow copy, a long reload). */
const BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

export class RunMetrics {
  readonly registry = new Registry();
  readonly listener: Listener;
  private readonly status = new Map<string, DeviceStatus>();
  private readonly platform = new Map<string, string>();
  private readonly gates = new Map<string, string>();
  private readonly failedSeen = new Set<string>();
  private readonly steps: Histogram;
  private readonly failures: Counter;
  private server: Server | null = null;

  constructor(o: MetricsOptions) {
    for (const d of o.devices) {
      this.status.set(d.hostname.toLowerCase(), d.status);
      this.platform.set(d.hostname.toLowerCase(), d.platform);
    }
    const change = o.changeId;
    // A `change` label on every metric when the run has a change ticket.
    const labels = (...names: string[]) => (change ? [...names, 'change'] : names);
    const l = <T extends Record<string, string>>(v: T): T & { change?: string } => (change ? { ...v, change } : v);
    const registers = [this.registry];
    const self = this;
    new Gauge({
      name: 'upshift_devices', help: 'Selected devices per status', labelNames: labels('status'), registers,
      collect() {
        const counts = new Map<string, number>(DEVICE_STATUSES.map((s) => [s, 0]));
        for (const s of self.status.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
        for (const [s, n] of counts) this.set(l({ status: s }), n);
      },
    });
    new Gauge({
      name: 'upshift_gates_waiting', help: 'Approval gates waiting for an answer, per kind', labelNames: labels('kind'), registers,
      collect() {
        for (const k of GATE_KINDS) this.set(l({ kind: k }), [...self.gates.values()].filter((g) => g === k).length);
      },
    });
    this.steps = new Histogram({ name: 'upshift_step_duration_seconds', help: 'Duration of the steps that ended well, by step and platform', labelNames: labels('step', 'platform'), buckets: BUCKETS, registers });
    this.failures = new Counter({ name: 'upshift_device_failures_total', help: 'Devices that ended failed, rolled back or needing attention, by reason', labelNames: labels('reason'), registers });
    if (o.windowEnd) {
      const end = o.windowEnd.getTime();
      new Gauge({ name: 'upshift_window_seconds_left', help: 'Seconds until the maintenance window closes (the latest end of the selected devices)', labelNames: labels(), registers,
        collect() { this.set(l({}), Math.max(0, Math.round((end - Date.now()) / 1000))); } });
    }
    new Gauge({
      name: 'upshift_run_eta_seconds', help: 'Seconds until the run under way should be done (forecast from the step durations seen)', labelNames: labels(), registers,
      collect() {
        this.reset();
        const eta = o.eta();
        if (eta !== null) this.set(l({}), Math.max(0, Math.round((eta - Date.now()) / 1000)));
      },
    });
    this.listener = (e) => this.onEvent(e, l);
  }

  private onEvent(e: Stamped, l: <T extends Record<string, string>>(v: T) => T & { change?: string }): void {
    if (e.type === 'device') {
      const key = e.hostname.toLowerCase();
      if (!this.status.has(key)) return;
      this.status.set(key, e.status);
      if (STATUS[e.status].failure && !this.failedSeen.has(`${key}:${e.status}`)) {
        this.failedSeen.add(`${key}:${e.status}`);
        this.failures.inc(l({ reason: e.reason ?? 'unknown' }));
      }
    } else if (e.type === 'run' && e.phase === 'started') this.failedSeen.clear();
    else if (e.type === 'gate') {
      if (e.phase === 'opened') this.gates.set(e.gate.id, e.gate.kind);
      else this.gates.delete(e.gate.id);
    } else if (e.type === 'step' && e.phase === 'end' && e.outcome === 'ok' && e.durationMs !== undefined) {
      this.steps.observe(l({ step: e.step, platform: this.platform.get(e.hostname.toLowerCase()) ?? 'unknown' }), e.durationMs / 1000);
    }
  }

  /** Serves /metrics on HOST:PORT; resolves with the address it listens on. */
  listen(address: string): Promise<string> {
    const a = parseListenAddress(address);
    if (!a) return Promise.reject(new Error(`${address} is not HOST:PORT`));
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('upshift serves /metrics only\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(a.port, a.host, () => {
        server.off('error', reject);
        const bound = server.address();
        resolve(typeof bound === 'object' && bound ? `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}` : address);
      });
    });
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
