// Ctrl-C (SIGINT) during a run: no new steps, in-flight devices reach a safe
// point, state and workbook saved, exit 3; the next run resumes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let run: LabRun;
afterAll(async () => run?.lab.stop());

describe('SIGINT', () => {
  it('stops starting work, lets the reloading canary finish, exits 3, and the next run resumes', async () => {
    run = await startLabRun([dev('canary', 'cat9300'), dev('next-1', 'cat9300'), dev('next-2', 'isr4451')], { settings: { canary: 1, batch_size: 2 } });
    const child = spawn(process.execPath, [BIN, 'run', '--yes', '--json', '--workbook', run.files.workbook, '--credentials', run.files.credentials], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && /"step":"activate","phase":"start"/.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(sent).toBe(true);
    expect(code).toBe(3);
    expect(out).toContain('SIGINT: no new steps start');
    const st = run.statuses();
    expect(st.canary.status).toBe('upgraded');
    expect(st['next-1']).toMatchObject({ status: 'pending', message: 'not started: stopped by SIGINT' });
    expect(run.lab.device('next-1').state.count('login')).toBe(0);
    const again = await run.cli(['run', '--yes']);
    expect(again.code).toBe(0);
    expect(run.statuses()['next-2'].status).toBe('upgraded');
    expect(run.lab.device('canary').state.count('reload')).toBe(1);
  });
});
