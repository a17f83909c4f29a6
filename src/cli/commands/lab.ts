// `upshift lab`: start the simulated devices, write the files that point at
// them, and stay in the foreground until Ctrl-C.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Lab } from '../../lab/lab.js';
import { DEFAULT_MIX } from '../../lab/fleet.js';
import { describeLab, writeLabFiles } from '../lab-files.js';
import { UsageError } from '../errors.js';
import { LabSpecError } from '../../lab/errors.js';
import { isA } from '../../common/errors.js';
import type { CommonOptions } from '../options.js';

export interface LabCommandOptions extends CommonOptions {
  devices?: number;
  mix?: string;
  faults?: string;
  speed?: number;
  out?: string;
  /** Random disconnects, 0–1 (parsed from 5% or 0.05). */
  chaos?: number;
  chaosSeed?: number;
}

export async function startLab(opts: LabCommandOptions): Promise<Lab> {
  try {
    return await Lab.start({
      devices: opts.devices,
      mix: opts.mix ? opts.mix.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      faults: opts.faults,
      speed: opts.speed ?? 1,
      chaos: opts.chaos,
      chaosSeed: opts.chaos ? opts.chaosSeed ?? chaosSeed() : undefined,
    });
  } catch (err) {
    if (isA(err, LabSpecError)) throw new UsageError(err.message);
    throw err;
  }
}

/** A seed for a run that names none (printed, so the run can be replayed). */
function chaosSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}

export async function labCommand(opts: LabCommandOptions): Promise<number> {
  const workbook = resolve(opts.out ?? 'lab.xlsx');
  const lab = await startLab(opts);
  const files = await writeLabFiles(lab, workbook);
  process.stdout.write(`${describeLab(lab, files)}\n`);
  const { chaos, chaosSeed: seed } = lab.options;
  if (chaos) process.stdout.write(`chaos: ${+(chaos * 100).toFixed(2)} % per IOS-XE device for each of session drop, copy drop, refused login after a boot; seed ${seed} (--chaos-seed ${seed} replays)\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('stopping the lab…\n');
  try {
    await lab.stop();
  } finally {
    // Its passwords were this lab's only: the file is of no use once it stops, and a secret left on disk.
    rmSync(files.credentials, { force: true });
  }
  process.stdout.write(`lab stopped; ${files.credentials} removed\n`);
  return 0;
}

export { DEFAULT_MIX };
