// `upshift demo` (what `npm start` runs): the example lab in a temporary folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLab, writeLabFiles } from '../lab-files.js';
import { startLab, type LabCommandOptions } from './lab.js';

export async function demoCommand(opts: LabCommandOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'upshift-demo-'));
  const lab = await startLab({ ...opts, devices: undefined });
  const files = await writeLabFiles(lab, join(dir, 'lab.xlsx'));
  process.stdout.write(`${describeLab(lab, files)}\n\nThe console is not built yet in this version: the lab above keeps running for the batch commands.\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await lab.stop();
  return 0;
}
