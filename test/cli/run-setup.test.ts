// What a session does before any device is touched: a run after a crash
// closes the non-disruptive steps the crash left open (the disruptive ones
// stay for the engine to reconcile), and an empty Devices sheet is refused
// before credentials are asked for.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openState, validate } from '../../src/cli/run-setup.js';
import type { CommonOptions } from '../../src/cli/options.js';
import type { JournalEntry } from '../../src/store/state.js';
import { runCli } from '../helpers/cli.js';
import { buildWorkbook, DEVICE_HEADER, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices } from '../helpers/workbooks.js';

describe('opening a session', () => {
  it('closes non-disruptive steps a crash left started as interrupted, and leaves disruptive ones for reconcile', async () => {
    const dir = tempDir();
    const workbook = await buildWorkbook(join(dir, 'fleet.xlsx'), { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const opts = { workbook, only: [], logLevel: 'info' } as CommonOptions;
    const first = openState(await validate(opts, false), 'run');
    const runId = first.store.startRun('run', 'alice', {});
    const step = (hostname: string, name: string, disruptive: boolean) => first.store.beginStep({ runId, hostname, step: name, key: `${hostname}:${name}`, targetVersion: '17.9.5', disruptive });
    const stage = step('sw-1', 'stage', false);
    const facts = step('sw-2', 'facts', false);
    const activate = step('sw-2', 'activate', true);
    const done = step('sw-1', 'backup', false);
    first.store.endStep(done, 'ok', 'saved');
    // The process dies here; what it leaves in the journal is these started steps (its lock,
    // left too, is taken over: see lock.test.ts).
    await first.close();

    const second = openState(await validate(opts, false), 'run');
    const byId = new Map(second.store.journal('sw-1').concat(second.store.journal('sw-2')).map((j) => [j.id, j] as [number, JournalEntry]));
    await second.close();
    for (const id of [stage, facts]) {
      expect(byId.get(id)).toMatchObject({ outcome: 'interrupted', message: 'interrupted: upshift stopped (crash or kill) before this step ended; it runs again when needed' });
      expect(byId.get(id)!.ended_at).not.toBeNull();
    }
    expect(byId.get(activate)).toMatchObject({ outcome: 'started', ended_at: null, disruptive: 1 });
    expect(byId.get(done)).toMatchObject({ outcome: 'ok', message: 'saved' });
  });

  it('an empty Devices sheet is exit 2 with its sheet and row, before credentials are needed, in batch and in the default command', async () => {
    const dir = tempDir();
    const workbook = await buildWorkbook(join(dir, 'fleet.xlsx'), { Devices: [[...DEVICE_HEADER]], Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const env = { UPSHIFT_USERNAME: '', UPSHIFT_PASSWORD: '' };
    for (const args of [['check'], ['run', '--yes'], []]) {
      const r = await runCli([...args, '--workbook', workbook], { env });
      expect(r.code, args.join(' ') || '(default)').toBe(2);
      expect(r.stderr).toContain('Devices!2:2 devices: no device rows below the header (row 1): nothing to do');
      expect(r.stderr).not.toContain('credentials');
    }
    expect(existsSync(join(dir, '.upshift'))).toBe(false);
  });
});
