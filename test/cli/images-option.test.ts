// --images is the image repository for every command that reads it: check's
// pre-checks look for each device's image there, plan prints with it, and
// stage/run transfer from it. docs/commands.md lists it for all of them.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let run: LabRun;
afterAll(async () => run?.lab.stop());

describe('--images', () => {
  it('check looks for the image in the --images folder; plan accepts it too', async () => {
    run = await startLabRun([dev('acc-1', 'cat9300')], { speed: 40 });
    const empty = join(run.dir, 'no-images-here');
    mkdirSync(empty);
    const check = await run.cli(['check', '--images', empty]);
    expect(check.stderr).not.toContain('unknown option');
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toMatch(new RegExp(`acc-1 .*BLOCKED .*image-file: ${empty}/\\S+ not found in the image repository`));
    // The default folder beside the workbook has it: the same check passes there.
    const again = await run.cli(['check']);
    expect(again.code, again.stdout).toBe(0);

    const plan = await run.cli(['plan', '--images', empty]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('acc-1');
  }, 120_000);

  it('is in the help of check, plan, stage, run and the console, described the same way', async () => {
    for (const cmd of ['check', 'plan', 'stage', 'run', 'tui']) {
      const help = (await runCli([cmd, '--help'])).stdout.replace(/\s+/g, ' ');
      expect(help, cmd).toContain('--images <dir> image repository served to devices (default: ./images beside the workbook)');
    }
  }, 60_000);
});
