#!/usr/bin/env node
// Many lab devices at once through upshift's IOS-XE driver, next to the floor:
// a bare ssh2 client on the same devices.
//   facts mode: upshift's facts vs connect + auth + `show version` (goal ≤ 1.3 ×, docs/performance.md).
//   check mode: what `upshift check` does per device (facts with the readiness
//   reads, then the pre-checks) vs connect + auth + three show commands one at
//   a time (goal ≤ 2 ×, docs/performance.md).
// --latency=MS delays the lab's CLI traffic both ways (a WAN link; the SSH
// handshake is not delayed): then each exchange costs what it costs in the field.
// Run: node bench/fanout.mjs [facts|check] [devices] [concurrency] [--privileged] [--latency=MS]
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import pLimit from 'p-limit';
import { IosxeDriver } from '../dist/drivers/iosxe/driver.js';
import { KnownHosts } from '../dist/drivers/ssh/known-hosts.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const mode = args[0] === 'check' || args[0] === 'facts' ? args.shift() : 'facts';
const n = Number(args[0] ?? (mode === 'check' ? 200 : 500));
const concurrency = Number(args[1] ?? 100);
const privileged = process.argv.includes('--privileged');
const latency = Number(process.argv.find((a) => a.startsWith('--latency='))?.slice(10) ?? 0);
const child = fork(new URL('./lab-child.mjs', import.meta.url).pathname, [String(n), 'cat9300', '100', privileged ? 'privileged' : 'enable', String(latency)]);
console.log(`${mode} mode; accounts log in at ${privileged ? 'privilege 15 (#)' : 'user level (>) and need enable'}; CLI latency ${latency} ms each way`);
const info = await new Promise((resolve) => child.once('message', resolve));
const devices = info.devices;
const { username, password, enable } = info.credentials;
const khFile = join(mkdtempSync(join(tmpdir(), 'upshift-fanout-')), 'known_hosts');
writeFileSync(khFile, info.knownHosts);
const known = new KnownHosts(khFile);

/** connect, password auth, shell, wait for the prompt, then each command and its prompt in turn. */
function bare(commands) {
  return (d) => new Promise((resolve, reject) => {
    const c = new Client();
    c.on('error', reject);
    c.on('ready', () => c.shell({ term: 'vt100' }, (err, ch) => {
      if (err) return reject(err);
      let buf = '';
      let next = 0;
      ch.on('data', (x) => {
        buf += x;
        if (/--More--\s*$/.test(buf)) return ch.write(' ');
        if (!/\r?\n[\w.-]+[>#]\s*$/.test(buf) && !(next === 0 && /[>#]\s*$/.test(buf))) return;
        if (next === commands.length) {
          c.end();
          return resolve();
        }
        buf = '';
        ch.write(`${commands[next++]}\n`);
      });
    }));
    c.connect({ host: d.host, port: d.port, username, password, hostVerifier: () => true });
  });
}

const labCpu = () => new Promise((resolve) => {
  child.once('message', (m) => resolve(m.cpuMs));
  child.send('cpu');
});

async function timed(label, fn) {
  const limit = pLimit(concurrency);
  const lab0 = await labCpu();
  const me0 = process.cpuUsage();
  const t0 = performance.now();
  let failed = 0;
  let firstError = null;
  await Promise.all(devices.map((d) => limit(() => fn(d).catch((e) => {
    failed++;
    firstError ??= e.message;
  }))));
  const s = (performance.now() - t0) / 1000;
  const me = process.cpuUsage(me0);
  const lab = (await labCpu()) - lab0;
  console.log(`${label.padEnd(64)} ${s.toFixed(2)} s  (${failed} failed${firstError ? `: ${firstError}` : ''}; CPU: client ${((me.user + me.system) / 1e6).toFixed(2)} s, lab ${(lab / 1000).toFixed(2)} s)`);
  return s;
}

const target = (d) => ({ hostname: d.hostname, host: d.host, port: d.port, platform: 'iosxe', ssh: { username, password, enable } });
const SETTINGS = { flashMargin: 2.5, cpuMaxPercent: 80, commitAfterPostcheck: true, convertToInstall: false, issu: 'auto', panosCpuMaxPercent: 90, panosSyncToPeer: false, panosHaOrder: 'passive-first', allowDowngrade: false, reloadTimeoutMs: 1_800_000, panoramaRps: 10 };
const IMAGE = { file: 'cat9k_iosxe.17.09.05.SPA.bin', version: '17.9.5', size: 256 * 1024, md5: null, sha512: null, models: [] };

/** Per device, what the command does: facts alone, or facts with the readiness reads and the pre-checks. */
const upshift = async (d) => {
  const drv = new IosxeDriver(target(d), { knownHosts: known, acceptNewHostKeys: false });
  try {
    const f = await drv.facts({ step: 'facts', readiness: mode === 'check' });
    if (f.version !== '17.6.5') throw new Error('wrong version');
    if (mode === 'check') {
      // The driver contract's pure rules, as the engine calls them.
      const plan = drv.rules.plan(f, { targetVersion: IMAGE.version, image: IMAGE, settings: SETTINGS });
      const checks = drv.rules.precheck(f, plan, { settings: SETTINGS, peer: null, switchoverDone: false });
      if (checks.some((c) => !c.ok) || f.configSaved !== true) throw new Error(`not ready: ${JSON.stringify(checks.filter((c) => !c.ok))}`);
    }
  } finally {
    await drv.close();
  }
};
const floor = mode === 'check'
  ? { label: `bare ssh2: connect + auth + 3 commands (${n} devices, ${concurrency} at once)`, fn: bare(['show version', 'show install summary', 'show boot']) }
  : { label: `bare ssh2: connect + auth + show version (${n} devices, ${concurrency} at once)`, fn: bare(['show version']) };
const mine = mode === 'check'
  ? `upshift check: prompt${privileged ? '' : ', enable'}, terminal, facts and readiness, pre-checks`
  : `upshift facts: prompt${privileged ? '' : ', enable'}, terminal, show commands`;

// Alternate the two a few times: on 2 shared cores one run varies by ±10 %.
// A first, unmeasured round of both warms the JIT and the heaps of both processes
// (the first round measured 1.5-1.6 x where the following ones measured 1.0-1.3 x).
const rounds = Number(process.env.ROUNDS ?? 5);
const ratios = [];
await timed('warm-up: bare ssh2 (not counted)', floor.fn);
await timed(`warm-up: upshift ${mode} (not counted)`, upshift);
for (let r = 0; r < rounds; r++) {
  const base = await timed(floor.label, floor.fn);
  const ours = await timed(mine, upshift);
  ratios.push(ours / base);
  console.log(`  ratio ${(ours / base).toFixed(2)}`);
}
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
console.log(`${mode} ratio: median ${median.toFixed(2)} × the floor over ${rounds} rounds (${ratios.map((r) => r.toFixed(2)).join(', ')})   goal ≤ ${mode === 'check' ? 2 : 1.3} ×`);
child.send('stop');
