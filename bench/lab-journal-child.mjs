// A lab in its own process for bench/torture and bench/soak: writes its files,
// tells the parent the moment a disruptive command reaches a device or
// a copy starts on one, and
// answers with each device's journal (reloads per member, switchovers, the
// disruptive commands it received, the chaos it showed).
// Argument: JSON { devices, mix, speed, imageSize, dir, settings, chaos, chaosSeed, watch }.
import { join } from 'node:path';
import { Lab } from '../dist/lab/lab.js';
import { writeLabFiles } from '../dist/cli/lab-files.js';

/** Commands that make a device go down, as the lab journals them. */
const DISRUPTIVE = /install add file .* activate|install activate|#reload$|redundancy force-switchover|install abort/;

const o = JSON.parse(process.argv[2]);
const lab = await Lab.start({ devices: o.devices, mix: o.mix, speed: o.speed, imageSize: o.imageSize ?? 256 * 1024, privileged: false, chaos: o.chaos, chaosSeed: o.chaosSeed });
const files = await writeLabFiles(lab, join(o.dir, 'fleet.xlsx'), { settings: o.settings });
const kinds = new Map(lab.fleet.map((s) => [s.hostname, s.kind]));

if (o.watch) {
  for (const d of lab.iosxe.values()) {
    const log = d.state.log.bind(d.state);
    d.state.log = (kind, detail = '') => {
      log(kind, detail);
      if (kind === 'command' && DISRUPTIVE.test(detail)) process.send({ type: 'disruptive', hostname: d.hostname, command: detail });
      if (kind === 'copy') process.send({ type: 'copy', hostname: d.hostname });
    };
  }
}

function summary(d) {
  const s = d.state;
  const entries = (kind) => s.journal.filter((e) => e.kind === kind);
  return {
    hostname: d.hostname, kind: kinds.get(d.hostname), mode: s.mode, version: s.version, lifecycle: s.lifecycle,
    reloads: s.reloads, memberReloads: s.members.map((m) => s.memberReloads(m.number)), switchovers: s.count('switchover'),
    disruptive: entries('command').filter((e) => DISRUPTIVE.test(e.detail)).map((e) => e.detail.replace(/^\S+#/, '')),
    chaos: entries('chaos').map((e) => ({ at: e.at, detail: e.detail })),
    boots: entries('boot').map((e) => e.at), commands: entries('command').length,
  };
}

process.send({ type: 'ready', files, speed: lab.clock.speed, timings: lab.timings, fleet: lab.fleet.map((s) => ({ hostname: s.hostname, kind: s.kind })) });
process.on('message', async (m) => {
  if (m === 'journal') process.send({ type: 'journal', devices: [...lab.iosxe.values()].map(summary), cpu: process.cpuUsage() });
  if (m === 'stop') {
    await lab.stop();
    process.exit(0);
  }
});
