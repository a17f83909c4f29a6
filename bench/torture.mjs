#!/usr/bin/env node
// Torture: a 50-device IOS-XE lab upgrade through the real CLI (`upshift run --yes`),
// killed with SIGKILL at 20 random points and resumed each time, then run to the end.
// The kill points come from a seeded PRNG (the seed is printed; --seed N replays the plan):
// just after a disruptive command reached a device (watched in the lab's journals), during
// an image transfer (a device's copy started, its stage step not ended), during a write-back (the
// workbook's temporary file exists, or right after a status event) and plain event counts.
// After each kill the workbook must still import as an inventory, with every part other
// than the Devices sheet byte-identical, and the next run must take the lock over.
// Prints double reloads, lost statuses and valid workbooks: goal 0 / 0 / a valid workbook after every kill.
// Run: node bench/torture.mjs [--seed N] [--devices 50] [--kills 20] [--speed 2] [--mix a,b,…] [--keep]
// (speed 2: the upgrade alone takes about 100 s, long enough for 20 kills to fall within it)
import { copyFileSync, existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { importWorkbook } from '../dist/store/inventory.js';
import { arg, changedPartsOutsideDevices, machineLoad, openState, prng, runUpshift, startLab, workbookStatuses } from './lab-bench-helpers.mjs';

const seed = Number(arg('seed', String(Math.floor(Math.random() * 1_000_000))));
const n = Number(arg('devices', '50'));
const kills = Number(arg('kills', '20'));
const speed = Number(arg('speed', '2'));
const mix = arg('mix', 'cat9300,cat9300-stack,cat9500-svl,cat9400,isr4451,asr1001x,c8000v').split(',');
console.log(`torture: ${n} devices (${mix.join(', ')}), lab speed ×${speed}, ${kills} kills; seed ${seed} (--seed ${seed} replays the kill plan)`);
console.log(`machine at the start: ${machineLoad()}`);

// The plan is drawn in full before anything runs, so the same seed gives the same plan.
const random = prng(seed);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const KINDS = ['reload', 'transfer', 'writeback', 'events'];
const kinds = Array.from({ length: kills }, (_, i) => KINDS[i % KINDS.length]);
for (let i = kinds.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
}
const points = kinds.map((kind) => {
  if (kind === 'reload') return { kind, nth: int(1, 3), delayMs: pick([0, 20, 100, 300, 800]) };
  if (kind === 'transfer') return { kind, nth: int(1, 4), delayMs: pick([10, 50, 100, 180]) };
  if (kind === 'writeback') return random() < 0.5 ? { kind, variant: 'temp-file', nth: int(1, 3) } : { kind, variant: 'status', nth: int(1, 30) };
  return { kind, nth: int(10, 200) };
});
const describePoint = (p) => (p.kind === 'reload' ? `${p.delayMs} ms after disruptive command #${p.nth}`
  : p.kind === 'transfer' ? `${p.delayMs} ms into copy #${p.nth}`
    : p.kind === 'writeback' ? (p.variant === 'temp-file' ? `workbook temp file #${p.nth}` : `right after status event #${p.nth}`)
      : `after ${p.nth} events`);

let onDisruptive = null;
let onCopy = null;
const dir = mkdtempSync(join(tmpdir(), 'upshift-torture-'));
// A 2 MB image: a copy lasts 250 ms at speed 2, long enough to be killed in.
const lab = await startLab({ devices: n, mix, speed, imageSize: 2 * 1024 * 1024, dir, watch: true, settings: { concurrency: 10, canary: 1, batch_size: '25%' } }, (m) => {
  if (m.type === 'disruptive') onDisruptive?.(m);
  if (m.type === 'copy') onCopy?.(m);
});
const { files } = lab.info;
const pristine = join(dir, 'pristine.xlsx');
copyFileSync(files.workbook, pristine);
const TEMP = new RegExp(`^\\.${basename(files.workbook).replace(/\./g, '\\.')}\\.upshift-\\d+\\.tmp$`);

/** One `upshift run`, killed with SIGKILL at point `p` (null: run to the end). */
async function runUntil(p) {
  let trigger = null;
  let seen = 0;
  let watcher = null;
  const staging = new Set();
  const r = runUpshift(files, {
    extraArgs: ['--log-level', 'debug'],
    onLine: (e, count) => {
      if (!p || trigger) return;
      if (p.kind === 'events' && count >= p.nth) fire(`after ${count} events`);
      if (e?.type === 'step' && /^stage/.test(e.step)) {
        if (e.phase === 'start') staging.add(e.hostname);
        else staging.delete(e.hostname);
      }
      if (p.kind === 'writeback' && p.variant === 'status' && e?.type === 'device' && ++seen >= p.nth) fire(`right after status event ${seen} (${e.hostname} ${e.status})`);
    },
  });
  function fire(why) {
    if (trigger) return;
    r.kill();
    trigger = why;
  }
  if (p?.kind === 'reload') {
    onDisruptive = (m) => {
      if (++seen === p.nth) setTimeout(() => fire(`${p.delayMs} ms after "${m.command.replace(/^\S+#/, '')}" reached ${m.hostname}`), p.delayMs);
    };
  }
  if (p?.kind === 'transfer') {
    // The device has started fetching; killed while its stage step is still open (else the next copy).
    onCopy = (m) => {
      if (++seen >= p.nth) setTimeout(() => staging.has(m.hostname) && fire(`${p.delayMs} ms into ${m.hostname}'s copy, its stage step open`), p.delayMs);
    };
  }
  if (p?.kind === 'writeback' && p.variant === 'temp-file') {
    watcher = watch(dirname(files.workbook), (_, name) => {
      if (name && TEMP.test(name) && existsSync(join(dirname(files.workbook), name)) && ++seen >= p.nth) fire(`temp file ${name} exists`);
    });
  }
  const res = await r.done;
  watcher?.close();
  onDisruptive = null;
  onCopy = null;
  return { ...res, trigger };
}

const started = performance.now();
const log = { push: (line) => console.log(line) }; // each kill as it happens
let valid = 0;
let identical = 0;
let killed = 0;
let takenOver = 0;
let refused = 0;
for (const [i, p] of points.entries()) {
  const t0 = performance.now();
  const r = await runUntil(p);
  if (/took over the lock/.test(r.stderr)) takenOver++;
  if (r.code === 3 && /in use by another upshift/.test(r.stderr)) refused++;
  if (!r.trigger) {
    const why = r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
    log.push(`#${i + 1} ${describePoint(p)}: not reached, the run ended by itself (exit ${r.code}, ${r.events} events${r.code ? `; ${why}` : ''})`);
    break;
  }
  killed++;
  let check;
  try {
    const inv = await importWorkbook(files.workbook);
    check = inv.devices.length === n ? 'valid' : `${inv.devices.length} devices, not ${n}`;
  } catch (err) {
    check = `invalid: ${err.message}`;
  }
  if (check === 'valid') valid++;
  const changed = changedPartsOutsideDevices(pristine, files.workbook);
  if (changed.length === 0) identical++;
  log.push(`#${String(i + 1).padStart(2)} ${describePoint(p).padEnd(44)} killed ${r.trigger}; ${r.events} events, ${((performance.now() - t0) / 1000).toFixed(1)} s; workbook ${check}${changed.length ? `, changed outside Devices: ${changed.join(', ')}` : ''}`);
}
const final = await runUntil(null);
if (/took over the lock/.test(final.stderr)) takenOver++;
if (final.code === 3 && /in use by another upshift/.test(final.stderr)) refused++;
const makespan = (performance.now() - started) / 1000;

const journal = await lab.journal();
const db = openState(dir);
const states = new Map(db.prepare('SELECT hostname, status, message FROM device_state').all().map((r) => [r.hostname, r]));
const outcomes = db.prepare("SELECT outcome, COUNT(*) AS n FROM journal WHERE disruptive = 1 GROUP BY outcome").all();
db.close();
const sheet = await workbookStatuses(files.workbook);
const doubles = journal.filter((d) => d.reloads > 1 || d.switchovers > 1 || d.memberReloads.some((x) => x > 1));
const lost = [...states.values()].filter((s) => !['upgraded', 'already-current'].includes(s.status) || sheet.get(s.hostname) !== s.status);
const lastStderr = final.stderr.trim().split('\n').slice(-5).join('\n');

console.log(`final run: exit ${final.code}, ${final.events} events${final.code !== 0 && lastStderr ? `; stderr: ${lastStderr}` : ''}`);
const reloadsByKind = new Map();
for (const d of journal) {
  const key = `${d.kind}${d.mode === 'bundle' ? ' (bundle)' : ''}`;
  const shape = `${d.reloads}/${d.memberReloads.join('+')}/${d.switchovers}`;
  const m = reloadsByKind.get(key) ?? new Map();
  m.set(shape, (m.get(shape) ?? 0) + 1);
  reloadsByKind.set(key, m);
}
console.log('reloads per device (whole device / each member / switchovers):');
for (const [k, m] of reloadsByKind) console.log(`  ${k.padEnd(22)} ${[...m].map(([s, c]) => `${s} ×${c}`).join(', ')}`);
console.log(`disruptive journal entries by outcome: ${outcomes.map((o) => `${o.outcome} ${o.n}`).join(', ')}`);
for (const d of doubles) console.log(`DOUBLE RELOAD ${d.hostname} (${d.kind}): reloads ${d.reloads}, members ${d.memberReloads.join('+')}, switchovers ${d.switchovers}; commands: ${d.disruptive.join(' | ')}`);
for (const s of lost) console.log(`LOST STATUS ${s.hostname}: state ${s.status}, workbook ${sheet.get(s.hostname) ?? '(none)'}: ${s.message}`);
console.log(`kills: ${killed} of ${kills}; the next run took the lock over after ${takenOver} of them; runs refused by a held lock: ${refused}`);
console.log(`workbook parts outside the Devices sheet byte-identical after ${identical} of ${killed} kills`);
// A kill point the run never reached (it ended first) is not a kill: the workbook is judged after each kill made.
console.log(`double reloads: ${doubles.length}   lost statuses: ${lost.length}   valid workbook: ${valid} of ${killed} kills${killed < kills ? ` (${kills - killed} of the ${kills} kill points not reached)` : ''}   (goal 0 / 0 / every kill)`);
console.log(`total time: ${makespan.toFixed(1)} s; machine at the end: ${machineLoad()}`);
await lab.stop();
// --keep leaves the workbook, state and logs for a look.
if (process.argv.includes('--keep')) console.log(`kept: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exitCode = doubles.length === 0 && lost.length === 0 && valid === killed ? 0 : 1;
