#!/usr/bin/env node
// Facts from 500 lab devices at concurrency 100, next to the floor: a bare
// ssh2 connect + auth + `show version` loop on the same devices.
// Goal (issue 4): facts ≤ 1.3 × the floor. Run: node bench/fanout.mjs [devices] [concurrency]
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import pLimit from 'p-limit';
import { IosxeDriver } from '../dist/drivers/iosxe/driver.js';
import { KnownHosts } from '../dist/drivers/ssh/known-hosts.js';

const n = Number(process.argv[2] ?? 500);
const concurrency = Number(process.argv[3] ?? 100);
const privileged = process.argv.includes('--privileged');
const child = fork(new URL('./lab-child.mjs', import.meta.url).pathname, [String(n), 'cat9300', '100', privileged ? 'privileged' : 'enable']);
console.log(`accounts log in at ${privileged ? 'privilege 15 (#)' : 'user level (>) and need enable'}`);
const info = await new Promise((resolve) => child.once('message', resolve));
const devices = info.devices;
const { username, password, enable } = info.credentials;
const khFile = join(mkdtempSync(join(tmpdir(), 'upshift-fanout-')), 'known_hosts');
writeFileSync(khFile, info.knownHosts);
const known = new KnownHosts(khFile);

function bare(d) {
  // connect, password auth, shell, wait for the prompt, show version, wait for the prompt.
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('error', reject);
    c.on('ready', () => c.shell({ term: 'vt100' }, (err, ch) => {
      if (err) return reject(err);
      let buf = '';
      let sent = false;
      ch.on('data', (x) => {
        buf += x;
        if (!sent && /[>#]\s*$/.test(buf)) {
          sent = true;
          buf = '';
          ch.write('show version\n');
        } else if (sent && /Configuration register is[\s\S]*[>#]\s*$/.test(buf)) {
          c.end();
          resolve();
        } else if (sent && /--More--\s*$/.test(buf)) ch.write(' ');
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
  await Promise.all(devices.map((d) => limit(() => fn(d).catch(() => failed++))));
  const s = (performance.now() - t0) / 1000;
  const me = process.cpuUsage(me0);
  const lab = (await labCpu()) - lab0;
  console.log(`${label.padEnd(58)} ${s.toFixed(2)} s  (${failed} failed; CPU: client ${((me.user + me.system) / 1e6).toFixed(2)} s, lab ${(lab / 1000).toFixed(2)} s)`);
  return s;
}

// Alternate the two a few times: on 2 shared cores one run varies by ±10 %.
// A first, unmeasured round of both warms the JIT and the heaps of both processes
// (the first round measured 1.5-1.6 x where the following ones measured 1.0-1.3 x).
const rounds = Number(process.env.ROUNDS ?? 5);
const ratios = [];
const collectFacts = async (d) => {
  const drv = new IosxeDriver({ hostname: d.hostname, host: d.host, port: d.port, platform: 'iosxe', ssh: { username, password, enable } }, { knownHosts: known, acceptNewHostKeys: false });
  try {
    const f = await drv.facts();
    if (f.version !== '17.6.5') throw new Error('wrong version');
  } finally {
    await drv.close();
  }
};
await timed('warm-up: bare ssh2 (not counted)', bare);
await timed('warm-up: upshift facts (not counted)', collectFacts);
for (let r = 0; r < rounds; r++) {
  const floor = await timed(`bare ssh2: connect + auth + show version (${n} devices, ${concurrency} at once)`, bare);
  const facts = await timed(`upshift facts: prompt${privileged ? '' : ', enable'}, paging off, 6 show commands`, collectFacts);
  ratios.push(facts / floor);
  console.log(`  ratio ${(facts / floor).toFixed(2)}`);
}
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
console.log(`ratio: median ${median.toFixed(2)} × the floor over ${rounds} rounds (${ratios.map((r) => r.toFixed(2)).join(', ')})   goal ≤ 1.3 ×`);
child.send('stop');
