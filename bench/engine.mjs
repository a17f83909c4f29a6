#!/usr/bin/env node
// A 1,000-device lab upgrade through the real CLI (`upshift run --yes`).
// Prints the makespan next to the ideal schedule computed from the lab's own
// device delays (goal ≤ 1.05×) and the engine's overhead per device.
// Run: node bench/engine.mjs [devices=1000] [speed=10] [concurrency=10]
// Concurrency defaults to upshift's own default (10, docs/commands.md). At 100 on a 2-core machine the
// lab's simulated devices and upshift need most of both cores at once (see the CPU line),
// and the makespan then measures the machine more than the engine.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const [n = 1000, speed = 10, concurrency = 10] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'upshift-bench-engine-'));
const child = fork(new URL('./lab-files-child.mjs', import.meta.url).pathname, [String(n), 'cat9300', String(speed), dir, String(concurrency)]);
const info = await new Promise((r) => child.once('message', r));
const t = info.timings;
// What the lab itself makes a cat9300 install-mode upgrade wait for, at speed 1 (ms).
const copy = (info.imageSize / t.copyBytesPerSec) * 1000;
const verify = 20 * ((500 + (info.imageSize / t.verifyBytesPerSec) * 1000) / 20);
const perDevice = (copy + verify + t.installAddMs + t.activateMs + 200 /* write memory */ + t.dropAfterMs + t.bootMs + t.activateMs / 3 /* commit */) / info.speed;

const bin = new URL('../bin/upshift', import.meta.url).pathname;
const t0 = performance.now();
const spawnedAt = Date.now();
const cli = spawn(process.execPath, [bin, 'run', '--yes', '--workbook', info.files.workbook, '--credentials', info.files.credentials, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
// CPU seconds of the CLI and the lab, sampled from /proc (Linux) every 250 ms until the CLI
// exits. Each is one Node process, so one core is its ceiling: the share of samples in which
// a process used ≥ 90 % of a core is how long it was saturated.
const tick = (Number(process.env.CLK_TCK) || 100);
const cpuOf = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / tick; };
let cliCpu = NaN;
const busy = { cli: 0, lab: 0, samples: 0, last: null };
// CPU time the hypervisor gave to others (the steal column of /proc/stat): a noisy neighbour shows here.
const stolen = () => { try { return Number(readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)[8]) / tick; } catch { return NaN; } };
const stolenAtStart = stolen();
const sample = setInterval(() => {
  try {
    const now = { at: performance.now(), cli: cpuOf(cli.pid), lab: cpuOf(child.pid) };
    cliCpu = now.cli;
    if (busy.last) {
      const secs = (now.at - busy.last.at) / 1000;
      busy.samples++;
      if (now.cli - busy.last.cli >= 0.9 * secs) busy.cli++;
      if (now.lab - busy.last.lab >= 0.9 * secs) busy.lab++;
    }
    busy.last = now;
  } catch { /* exited or not Linux */ }
}, 250);
cli.stdout.on('data', (d) => (out += d));
const code = await new Promise((r) => cli.on('close', r));
const makespan = (performance.now() - t0) / 1000;
const stolenSecs = stolen() - stolenAtStart;
const exitedAt = Date.now();
clearInterval(sample);

const db = new Database(join(dir, '.upshift', 'fleet', 'upshift.db'), { readonly: true });
const rows = db.prepare('SELECT hostname, status, started_at, finished_at FROM device_state').all();
// Time before the first device starts (process start, workbook import, plan) and after the last ends (write-back, exit).
const firstStart = Math.min(...rows.filter((r) => r.started_at).map((r) => Date.parse(r.started_at)));
const lastEnd = Math.max(...rows.filter((r) => r.finished_at).map((r) => Date.parse(r.finished_at)));
const statuses = {};
for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
// Waves: canary 1, then batches of 25% of the fleet. A wave starts when the previous
// one has finished; its devices are alike, so at best a wave of `size` devices takes
// ceil(size / concurrency) device-durations (250 devices on 100 slots: 3 rounds).
const waves = [1];
let left = n - 1;
const batch = Math.ceil((n * 25) / 100);
while (left > 0) { waves.push(Math.min(batch, left)); left -= batch; }
const ideal = waves.reduce((s, size) => s + Math.ceil(size / concurrency) * perDevice, 0) / 1000;
const durations = rows.filter((r) => r.started_at && r.finished_at).map((r) => (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000).sort((a, b) => a - b);
const overhead = durations.map((d) => d - perDevice / 1000);
const mean = overhead.reduce((a, b) => a + b, 0) / overhead.length;
// Where a device's time goes: mean duration of each journaled step, and the time between steps.
const steps = db.prepare('SELECT hostname, step, started_at, ended_at FROM journal WHERE ended_at IS NOT NULL ORDER BY hostname, id').all();
const perStep = new Map();
let gap = 0; let prev = null;
for (const s of steps) {
  const a = Date.parse(s.started_at); const b = Date.parse(s.ended_at);
  const e = perStep.get(s.step) ?? { n: 0, ms: 0 }; e.n++; e.ms += b - a; perStep.set(s.step, e);
  if (prev && prev.hostname === s.hostname) gap += Math.max(0, a - prev.end);
  prev = { hostname: s.hostname, end: b };
}
child.send('journal');
const { reloads, cpu } = await new Promise((r) => child.once('message', r));

console.log(`devices: ${n} cat9300 (install mode), lab speed ×${speed}, concurrency ${concurrency}, waves ${waves.join(' + ')}`);
console.log(`result: exit ${code}; ${Object.entries(statuses).map(([s, k]) => `${s} ${k}`).join(', ')}; reloads per device: ${[...new Set(reloads)].join('/')}`);
console.log(`lab delays per device: ${(perDevice / 1000).toFixed(2)} s   ideal makespan: ${ideal.toFixed(1)} s`);
console.log(`makespan: ${makespan.toFixed(1)} s = ${(makespan / ideal).toFixed(3)} × the ideal   goal ≤ 1.05 ×`);
console.log(`before the first device starts: ${((firstStart - spawnedAt) / 1000).toFixed(1)} s; after the last one ends: ${((exitedAt - lastEnd) / 1000).toFixed(1)} s`);
console.log(`engine overhead per device (its time minus the lab's delays): mean ${mean.toFixed(2)} s, p95 ${overhead[Math.floor(overhead.length * 0.95)].toFixed(2)} s`);
console.log(`mean step time (ms): ${[...perStep].map(([k, e]) => `${k} ${Math.round(e.ms / e.n)}`).join(', ')}; between steps ${Math.round(gap / rows.length)} per device`);
const labCpu = (cpu.user + cpu.system) / 1e6;
console.log(`CPU: upshift ${cliCpu.toFixed(1)} s, lab ${labCpu.toFixed(1)} s (lab total incl. start-up) on ${availableParallelism()} cores`);
const pct = (k) => (busy.samples ? `${Math.round((busy[k] / busy.samples) * 100)} %` : '?');
console.log(`saturated (≥ 90 % of a core, 250 ms samples): upshift ${pct('cli')} of the makespan, lab ${pct('lab')}; CPU stolen by the hypervisor: ${stolenSecs.toFixed(1)} s`);
child.send('stop');
