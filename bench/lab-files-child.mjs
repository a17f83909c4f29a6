// A lab in its own process that also writes its workbook (for bench/engine).
import { join } from 'node:path';
import { Lab } from '../dist/lab/lab.js';
import { writeLabFiles } from '../dist/cli/lab-files.js';

const [n, mix, speed, dir, concurrency] = process.argv.slice(2);
const lab = await Lab.start({ devices: Number(n), mix: mix.split(','), speed: Number(speed), imageSize: 256 * 1024, privileged: false });
const files = await writeLabFiles(lab, join(dir, 'fleet.xlsx'), { settings: { concurrency: Number(concurrency), canary: 1, batch_size: '25%' } });
process.send({ files, timings: lab.timings, speed: lab.clock.speed, imageSize: 256 * 1024, fleet: lab.fleet.map((d) => ({ hostname: d.hostname, kind: d.kind })) });
process.on('message', async (m) => {
  if (m === 'journal') process.send({ reloads: [...lab.iosxe.values()].map((d) => d.state.count('reload')), logins: [...lab.iosxe.values()].map((d) => d.state.count('login')), cpu: process.cpuUsage() });
  if (m === 'stop') {
    await lab.stop();
    process.exit(0);
  }
});
