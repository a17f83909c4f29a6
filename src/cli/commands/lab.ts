// `upshift lab`: start the simulated devices, write the files that point at
// them, and stay in the foreground until Ctrl-C.
import { resolve } from 'node:path';
import { Lab } from '../../lab/lab.js';
import { DEFAULT_MIX } from '../../lab/fleet.js';
import { describeLab, writeLabFiles } from '../lab-files.js';
import { UsageError } from '../errors.js';
import type { CommonOptions } from '../options.js';

export interface LabCommandOptions extends CommonOptions {
  devices?: number;
  mix?: string;
  faults?: string;
  speed?: number;
  out?: string;
}

export async function startLab(opts: LabCommandOptions): Promise<Lab> {
  try {
    return await Lab.start({
      devices: opts.devices,
      mix: opts.mix ? opts.mix.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      faults: opts.faults,
      speed: opts.speed ?? 1,
    });
  } catch (err) {
    if (/--faults|--mix|unknown lab model/.test((err as Error).message)) throw new UsageError((err as Error).message);
    throw err;
  }
}

export async function labCommand(opts: LabCommandOptions): Promise<number> {
  const workbook = resolve(opts.out ?? 'lab.xlsx');
  const lab = await startLab(opts);
  const files = await writeLabFiles(lab, workbook);
  process.stdout.write(`${describeLab(lab, files)}\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('stopping the lab…\n');
  await lab.stop();
  process.stdout.write('lab stopped\n');
  return 0;
}

export { DEFAULT_MIX };
