// The change record's live parts for a console or batch session: the change
// id (--change, else Settings change_id), the metrics endpoint and the
// webhook notifications, both listening to the event bus.
import type { EventBus } from '../engine/events.js';
import { LiveForecast, type LiveRunForecast } from '../engine/forecast-live.js';
import type { Credentials } from '../store/credentials.js';
import type { StateStore } from '../store/state.js';
import type { DeviceRow, Settings } from '../store/types.js';
import { RunMetrics } from './metrics.js';
import type { CommonOptions } from './options.js';
import { origin, WebhookNotifier } from './webhooks.js';

export interface RecordOptions {
  changeId: string | null;
  webhooks: string[];
  metricsAddress: string | null;
  /** A dry run sends no notification: nothing it does needs a person. */
  dryRun: boolean;
}

export function recordOptions(opts: CommonOptions, settings: Settings): RecordOptions {
  return {
    changeId: opts.change ?? settings.changeId,
    webhooks: [...new Set([...(opts.webhook ?? []), ...(settings.webhookUrl ? [settings.webhookUrl] : [])])],
    metricsAddress: opts.metricsAddress ?? null,
    dryRun: !!opts.dryRun,
  };
}

export interface RecordSession {
  /** Secrets the webhooks must never carry (the console's login comes after the session opened). */
  addSecrets(credentials: Credentials | null): void;
  /** The forecast of the upgrade run this session is driving, or null. */
  forecast(now?: number): LiveRunForecast | null;
  close(): Promise<void>;
}

/** The latest window end of the selected devices: what "the window" means for the run. */
export function windowEndOf(devices: DeviceRow[]): Date | null {
  const ends = devices.map((d) => d.windowEnd?.getTime()).filter((t): t is number => t !== undefined);
  return ends.length ? new Date(Math.max(...ends)) : null;
}

export function startRecords(r: RecordOptions, selected: DeviceRow[], store: StateStore, bus: EventBus, mode: 'batch' | 'console'): RecordSession {
  const windowEnd = windowEndOf(selected);
  const live = new LiveForecast(store.db, new Map(selected.map((d) => [d.hostname.toLowerCase(), d.platform])));
  bus.on(live.listener);
  const windowEnds = new Map(selected.map((d) => [d.hostname.toLowerCase(), d.windowEnd?.getTime() ?? null]));
  const forecast = (now = Date.now()) => live.forecast(now, windowEnds);
  const counts = () => {
    const out = new Map<string, number>();
    for (const d of selected) {
      const s = store.state(d.hostname)?.status ?? 'pending';
      out.set(s, (out.get(s) ?? 0) + 1);
    }
    return out;
  };
  let metrics: RunMetrics | null = null;
  if (r.metricsAddress) {
    const m = new RunMetrics({
      changeId: r.changeId, windowEnd,
      devices: selected.map((d) => ({ hostname: d.hostname, platform: d.platform, status: store.state(d.hostname)?.status ?? 'pending' })),
      eta: () => forecast()?.forecast.finishAt ?? null,
    });
    metrics = m;
    bus.on(m.listener);
    // A metrics endpoint that cannot listen is reported, and the upgrade goes on without it.
    m.listen(r.metricsAddress).then((at) => bus.log('info', `metrics at http://${at}/metrics`), (err: Error) => bus.log('error', `metrics: cannot serve on ${r.metricsAddress}: ${err.message}`));
  }
  let hooks: WebhookNotifier | null = null;
  if (r.webhooks.length > 0 && !r.dryRun) {
    hooks = new WebhookNotifier({ urls: r.webhooks, changeId: r.changeId, mode, windowEnd, counts, log: (level, text) => bus.log(level, text) });
    bus.on(hooks.listener);
    bus.log('debug', `notifications to ${r.webhooks.map(origin).join(', ')}`);
  }
  return {
    forecast,
    addSecrets(credentials) {
      for (const c of credentials?.values() ?? []) hooks?.addSecrets([c.password, c.enable, c.passphrase, c.apiKey]);
    },
    async close() {
      await hooks?.close();
      await metrics?.close();
    },
  };
}
