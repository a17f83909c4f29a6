// Runs a lab in its own process for benchmarks; reports endpoints over IPC.
import { Lab } from '../dist/lab/lab.js';

const n = Number(process.argv[2] ?? 500);
const mix = (process.argv[3] ?? 'cat9300').split(',');
const lab = await Lab.start({ devices: n, mix, speed: Number(process.argv[4] ?? 100), imageSize: 256 * 1024, privileged: process.argv[5] === 'privileged', latencyMs: Number(process.argv[6] ?? 0) });
process.send({ credentials: lab.credentials, knownHosts: lab.knownHosts(), devices: lab.fleet.map((d) => ({ hostname: d.hostname, kind: d.kind, ...lab.endpoint(d.hostname) })) });
process.on('message', async (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send({ cpuMs: (u.user + u.system) / 1000 });
  }
  if (m === 'stop') {
    await lab.stop();
    process.exit(0);
  }
});
