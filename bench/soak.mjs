#!/usr/bin/env node
// Soak: 1,000 lab devices (IOS-XE mix) with random disconnects (lab chaos, 5 % per device and
// kind: a session dropped mid-output, a first copy dropped mid-transfer, the first login after
// a boot refused), upgraded by one `upshift run --yes` through bin/upshift with the workbook's
// own settings. Prints the devices per end status (none may be left pending or running),
// retries per device (bounded by the engine's 3 attempts per step), activations and rollbacks
// per device (never more than one each), the makespan, and for each injected drop where it hit
// and how the device ended: whether that end is the right one for it.
// Run: node bench/soak.mjs [--seed N] [--devices 1000] [--chaos 0.05] [--speed 20] [--mix a,b,…] [--keep]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, machineLoad, openState, runUpshift, startLab, workbookStatuses } from './lab-bench-helpers.mjs';

const seed = Number(arg('seed', String(Math.floor(Math.random() * 1_000_000))));
const n = Number(arg('devices', '1000'));
const chaos = Number(arg('chaos', '0.05'));
const speed = Number(arg('speed', '20'));
const mix = arg('mix', 'cat9300,cat9300-stack,cat9500-svl,cat9400,isr4451,asr1001x,c8000v').split(',');
const TARGET = '17.9.5';
console.log(`soak: ${n} devices (${mix.join(', ')}), chaos ${chaos * 100} % per device and kind, lab speed ×${speed}; seed ${seed} (--seed ${seed} replays the draws)`);
console.log(`machine at the start: ${machineLoad()} on ${availableParallelism()} cores`);

const dir = mkdtempSync(join(tmpdir(), 'upshift-soak-'));
const lab = await startLab({ devices: n, mix, speed, dir, chaos, chaosSeed: seed });
const t0 = performance.now();
const run = runUpshift(lab.info.files, { extraArgs: ['--log-level', 'warn'], guardMs: 3_600_000 });
const result = await run.done;
const makespan = (performance.now() - t0) / 1000;

const devices = await lab.journal();
const db = openState(dir);
const states = new Map(db.prepare('SELECT hostname, status, step, message, reason FROM device_state').all().map((r) => [r.hostname, r]));
const steps = db.prepare('SELECT hostname, step, outcome, started_at, ended_at FROM journal ORDER BY id').all();
db.close();
const sheet = await workbookStatuses(lab.info.files.workbook);
await lab.stop();

// Devices per end status; none may be left pending or running.
const byStatus = new Map();
for (const s of states.values()) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
const unfinished = [...states.values()].filter((s) => s.status === 'pending' || s.status === 'running');
const disagree = [...states.values()].filter((s) => sheet.get(s.hostname) !== s.status);

// Retries: a step that failed, run again right after for the same device. Per step at most
// attempts - 1 = 2 in a row (the engine's limit); per device and in total, as counted.
const stepsOf = new Map();
for (const r of steps) (stepsOf.get(r.hostname) ?? stepsOf.set(r.hostname, []).get(r.hostname)).push(r);
let totalRetries = 0;
let maxRetries = 0;
let maxInARow = 0;
const disruptive = { activate: new Map(), rollback: new Map() };
for (const [host, list] of stepsOf) {
  let retries = 0;
  let row = 0;
  for (let i = 0; i < list.length; i++) {
    const kind = list[i].step.split(' ')[0];
    if (kind in disruptive) disruptive[kind].set(host, (disruptive[kind].get(host) ?? 0) + 1);
    const retry = i > 0 && list[i - 1].outcome === 'failed' && list[i - 1].step === list[i].step;
    row = retry ? row + 1 : 0;
    if (retry) retries++;
    maxInARow = Math.max(maxInARow, row);
  }
  totalRetries += retries;
  maxRetries = Math.max(maxRetries, retries);
}
const most = (m) => Math.max(0, ...m.values());
const moreThanOnce = (m) => [...m].filter(([, c]) => c > 1).map(([h]) => h);

/** The journaled step running on a device at an instant (what an injected drop hit). */
function stepAt(host, at) {
  const t = Date.parse(at);
  const hit = (stepsOf.get(host) ?? []).filter((r) => Date.parse(r.started_at) <= t && (!r.ended_at || Date.parse(r.ended_at) >= t - 50));
  return hit.at(-1)?.step ?? '(between steps)';
}

// Each injected drop: where it hit, how the device ended, and whether that end is the right one.
// A read-only step hit by a drop must be retried, a refused login or a drop while following the
// reload must be tried again, and a drop mid-activation of a device that came back on the target
// must end upgraded through the wait, and one before the activation's disruptive command (write
// memory, show boot) must start it over: each of those ends upgraded. Only an activation whose
// disruptive command was cut before the device took it may rightly stop short of upgraded.
const READ_ONLY = /^(facts|precheck|backup|stage|verify|snapshot|postcheck|commit|cleanup|reconcile)/;
const kinds = new Map();
const wrong = [];
const right = [];
for (const d of devices) {
  for (const c of d.chaos) {
    const kind = c.detail.split(':')[0];
    const step = stepAt(d.hostname, c.at);
    const s = states.get(d.hostname);
    const k = kinds.get(kind) ?? { devices: 0, ends: new Map(), steps: new Map() };
    k.devices++;
    k.ends.set(s.status, (k.ends.get(s.status) ?? 0) + 1);
    k.steps.set(step.split(' ')[0], (k.steps.get(step.split(' ')[0]) ?? 0) + 1);
    kinds.set(kind, k);
    if (s.status === 'upgraded') continue;
    const line = `${d.hostname} (${d.kind}): ${c.detail} during ${step}; ended ${s.status} (${s.reason}): ${s.message}; the lab device runs ${d.version} (${d.lifecycle})`;
    // Within the activation: before its disruptive command (write memory, show boot) nothing happened yet.
    const atDisruptive = /of "(install |reload)/.test(c.detail);
    if (/^activate/.test(step) && atDisruptive && d.version !== TARGET) right.push(`${line} — the activation did not take: a safe stop, nothing repeated blindly`);
    else wrong.push(`${line} — ${READ_ONLY.test(step) ? 'a read-only step must be retried' : /^activate/.test(step) ? (atDisruptive ? 'it came back on the target: the wait must end it upgraded' : 'nothing disruptive was sent yet: the activation must start over') : 'it must be tried again'}`);
  }
}

console.log(`upshift: exit ${result.code}${result.signal ? ` (${result.signal})` : ''}; makespan ${makespan.toFixed(1)} s`);
console.log(`end status: ${[...byStatus].sort((a, b) => b[1] - a[1]).map(([s, c]) => `${s} ${c}`).join(', ')}; left pending or running: ${unfinished.length}; workbook status differs from the state: ${disagree.length}`);
console.log(`retries (a failed step run again): total ${totalRetries}, max ${maxRetries} per device, max ${maxInARow} in a row for one step (limit 2: 3 attempts)`);
console.log(`activations per device: max ${most(disruptive.activate)}${moreThanOnce(disruptive.activate).length ? ` (more than one: ${moreThanOnce(disruptive.activate).join(', ')})` : ''}; rollbacks per device: max ${most(disruptive.rollback)}${moreThanOnce(disruptive.rollback).length ? ` (more than one: ${moreThanOnce(disruptive.rollback).join(', ')})` : ''}`);
const doubles = devices.filter((d) => d.reloads > 1 || d.switchovers > 1 || d.memberReloads.some((x) => x > 1));
console.log(`double reloads in the lab journals: ${doubles.length}${doubles.length ? ` (${doubles.map((d) => d.hostname).join(', ')})` : ''}`);
console.log('injected drops (devices hit; the step they hit; how those devices ended):');
for (const [kind, k] of kinds) {
  console.log(`  ${kind.padEnd(14)} ${String(k.devices).padStart(4)}; during ${[...k.steps].map(([s, c]) => `${s} ${c}`).join(', ')}; ended ${[...k.ends].map(([s, c]) => `${s} ${c}`).join(', ')}`);
}
for (const w of right) console.log(`  not upgraded, right end: ${w}`);
for (const w of wrong) console.log(`  WRONG END: ${w}`);
for (const s of [...states.values()].filter((x) => x.status !== 'upgraded' && !devices.find((d) => d.hostname === x.hostname)?.chaos.length)) {
  console.log(`  NOT UPGRADED, no drop injected: ${s.hostname} ${s.status} (${s.reason}): ${s.message}`);
}
console.log(`machine at the end: ${machineLoad()}`);
if (process.argv.includes('--keep')) console.log(`kept: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exitCode = unfinished.length === 0 && wrong.length === 0 && doubles.length === 0 && maxInARow <= 2 ? 0 : 1;
