// Rollback points on the simulated device: each commit (`install commit`, a
// one-shot `install add file … activate commit`) keeps the committed release as
// a point; `show install rollback` lists them newest first and
// `install rollback to id N` reloads onto one, committed
// (docs/devices/iosxe-sessions.md, "Rollback of a committed install").
import type { CliSession } from './cli.js';
import type { IosxeDeviceState } from './state.js';
import { askSaveIfModified, installStamp } from './install.js';
import { issuBusy } from './ha.js';

const RULER = '-'.repeat(55);

/** The table as the device prints it: `ID Label Description`, newest point first. */
export function showInstallRollback(d: IosxeDeviceState): string {
  const rows = [...d.rollbackPoints].reverse().map((p) => `${String(p.id).padEnd(8)}${(p.label ?? 'No Label').padEnd(33)}${p.description ?? 'No Description'}`);
  return ['', `${'ID'.padEnd(8)}${'Label'.padEnd(33)}Description`, RULER, ...rows, ''].join('\n');
}

/** `install rollback to id <N>`; the other targets (committed, base, label) are not simulated. */
export async function rollbackCommand(s: CliSession, words: string[]): Promise<void> {
  const [to, kind, value] = words.map((w) => w.toLowerCase());
  if (!to || !'to'.startsWith(to) || !kind) return s.write('% Incomplete command.\n\n');
  if (!'id'.startsWith(kind)) return s.write('% This form of install rollback is not supported by the lab.\n');
  if (!value) return s.write('% Incomplete command.\n\n');
  return rollbackToId(s, value);
}

async function rollbackToId(s: CliSession, idArg: string): Promise<void> {
  const d = s.state;
  const op = 'install_rollback';
  await s.write(`${op}: START ${installStamp()}\n`);
  if (d.issu) return s.write(issuBusy(op));
  if (d.mode !== 'install') return s.write(`FAILED: ${op} : Rollback is applicable only in install mode\n`);
  if (d.packages.some((p) => p.state === 'U')) return s.write(`FAILED: ${op} : Rollback is applicable only when the package is in committed state\n`);
  const point = /^\d+$/.test(idArg) ? d.rollbackPoints.find((p) => p.id === Number(idArg)) : undefined;
  if (!point) return s.write(`FAILED: ${op} : Rollback point id ${idArg} does not exist\n`);
  const pkg = d.packages.find((p) => p.version === point.version);
  // `install remove inactive` deleted the point's packages: nothing to go back to.
  if (!pkg) return s.write(`FAILED: ${op} : Packages of rollback point id ${point.id} are not present on the device\n`);
  if (!(await askSaveIfModified(s, op, false))) return;
  await s.write(`${op}: Rolling back to rollback point id ${point.id}\n`);
  const a = await s.ask('This operation may require a reload of the system. Do you want to proceed? [y/n]');
  if (a === null) return;
  if (a.trim().toLowerCase() !== 'y') return s.write(`${op}: Operation aborted by user\n`);
  const members = d.members.map((m) => m.number).join(' ');
  await s.write('--- Starting Rollback ---\nPerforming Rollback on all members\n');
  for (const t of s.device.tags()) await s.write(`  [1] Rollback package(s) on ${t}\n`);
  await s.device.clock.sleep(s.device.timings.activateMs);
  for (const t of s.device.tags()) await s.write(`  [1] Finished Rollback on ${t}\n`);
  for (const p of d.packages) if (p.state === 'C') p.state = 'I';
  pkg.state = 'C';
  s.state.log('install', `rollback to id ${point.id} (${point.version})`);
  await s.write(`Checking status of Rollback on [${members}]\nRollback: Passed on [${members}]\nFinished Rollback operation\n\nInstall will reload the system now!\nSUCCESS: ${op}  ${installStamp()}\n`);
  s.device.reload('Install');
}
