#!/usr/bin/env node
// How long one forecast takes on a big state database: N devices, a finished
// earlier run and the current run half way (12 journaled steps a device each).
// The console works it out every 2 s and metrics on every scrape, in the same
// process as the engine: this is the time the event loop is held each time.
// Run (after npm run build): node bench/forecast.mjs [devices=10000]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../dist/store/db.js';
import { StateStore } from '../dist/store/state.js';
import { saveRunPlan } from '../dist/store/records.js';
import { forecastRun } from '../dist/engine/forecast-data.js';
import { LiveForecast } from '../dist/engine/forecast-live.js';

const n = Number(process.argv[2] ?? 10_000);
const store = new StateStore(openDatabase(mkdtempSync(join(tmpdir(), 'upshift-bench-forecast-'))));
const row = (i) => ({ hostname: `sw-${i}`, host: '192.0.2.1', port: 22, platform: 'iosxe', targetVersion: '17.9.5', image: null, site: null, role: null, group: null, wave: null, haPeer: null, via: null, credential: 'default', windowStart: null, windowEnd: new Date(Date.now() + 4 * 3_600_000), enabled: true, notes: null, row: i + 2 });
const devices = Array.from({ length: n }, (_, i) => row(i));
store.syncInventory({ file: 'bench.xlsx', devices, images: [], settings: {}, date1904: false });
const STEPS = ['facts', 'precheck', 'backup', 'stage', 'verify', 'snapshot', 'activate', 'wait', 'facts', 'postcheck', 'commit', 'rolled-back'].slice(0, 11);
const t = Date.now() - 3_600_000;
const journal = (runId, upTo) => store.db.transaction(() => {
  for (const [i, d] of devices.entries()) {
    const steps = STEPS.slice(0, Math.min(STEPS.length, upTo(i)));
    let at = t + i * 100;
    for (const s of steps) {
      const id = store.beginStep({ runId, hostname: d.hostname, step: s, key: `${d.hostname}:${s}`, targetVersion: '17.9.5', disruptive: s === 'activate', detail: s === 'activate' ? { plan: { kind: 'install', previousVersion: '17.6.5' } } : undefined });
      store.db.prepare('UPDATE journal SET started_at = ?, ended_at = ?, outcome = ? WHERE id = ?').run(new Date(at).toISOString(), new Date(at + 5000).toISOString(), 'ok', id);
      at += 5000;
    }
  }
})();
const earlier = store.startRun('run', 'bench', {});
journal(earlier, () => STEPS.length);
store.endRun(earlier, 'ok');
const current = store.startRun('run', 'bench', {});
const waves = [[[devices[0].hostname]], ...Array.from({ length: Math.ceil((n - 1) / 2000) }, (_, w) => devices.slice(1 + w * 2000, 1 + (w + 1) * 2000).map((d) => [d.hostname]))];
saveRunPlan(store.db, current, { waves, concurrency: 100, pauseBetweenWavesMs: 0, monitorAfterCanaryMs: 0 });
journal(current, (i) => (i < n / 2 ? STEPS.length : i < (n * 3) / 4 ? 5 : 0));
for (let i = 0; i < n / 2; i++) store.updateState(devices[i].hostname, { status: 'upgraded', finished_at: new Date().toISOString() });

forecastRun(store.db);
const median = (f) => {
  const ts = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[2];
};

// The console and metrics: the live forecast, fed by events; earlier runs read once at the start.
const live = new LiveForecast(store.db, new Map(devices.map((d) => [d.hostname.toLowerCase(), 'iosxe'])));
let t0 = performance.now();
live.listener({ type: 'run', phase: 'started', command: 'run', runId: current, at: new Date().toISOString() });
const startMs = performance.now() - t0;
t0 = performance.now();
for (const [i, d] of devices.entries()) {
  const steps = STEPS.slice(0, i < n / 2 ? STEPS.length : i < (n * 3) / 4 ? 5 : 0);
  for (const s of steps) {
    live.listener({ type: 'step', hostname: d.hostname, step: s, phase: 'start', at: new Date().toISOString() });
    live.listener({ type: 'step', hostname: d.hostname, step: s, phase: 'end', outcome: 'ok', durationMs: 5000, at: new Date().toISOString() });
  }
  if (i < n / 2) live.listener({ type: 'device', hostname: d.hostname, status: 'upgraded', step: null, message: null, reason: 'done', at: new Date().toISOString() });
}
const perEvent = (performance.now() - t0) / (n * 8);
const ends = new Map(devices.map((d) => [d.hostname.toLowerCase(), d.windowEnd.getTime()]));
t0 = performance.now();
live.forecast(Date.now(), ends);
const firstMs = performance.now() - t0;
const liveMs = median(() => live.forecast(Date.now(), ends));
console.log(`live forecast on ${n} devices: ${startMs.toFixed(0)} ms at the run's start, ${firstMs.toFixed(0)} ms for the first forecast (reads earlier runs), ${(perEvent * 1000).toFixed(1)} µs an event, ${liveMs.toFixed(0)} ms a forecast after; ETA in ${((live.forecast(Date.now(), ends).forecast.finishAt - Date.now()) / 60_000).toFixed(0)} min`);

const times = [];
let f;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  f = forecastRun(store.db);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`status (from the database) on ${n} devices (${(store.db.prepare('SELECT count(*) AS c FROM journal').get().c).toLocaleString('en')} journal rows): median ${times[2].toFixed(0)} ms, worst ${times[4].toFixed(0)} ms; ETA in ${((f.forecast.finishAt - Date.now()) / 60_000).toFixed(0)} min`);
store.db.close();
