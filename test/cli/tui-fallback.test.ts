// `upshift` with no terminal: no console, the batch output instead, said so.
import { afterAll, describe, expect, it } from 'vitest';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { runCli } from '../helpers/cli.js';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

let run: LabRun;
afterAll(async () => run?.lab.stop());

describe('upshift without a terminal', () => {
  it('runs the read-only check with line output and a notice; with --yes, the unattended run', async () => {
    run = await startLabRun([dev('acc-1', 'cat9300')]);
    const check = await run.cli([]);
    expect(check.stderr).toContain('not a terminal, so no console: running "upshift check"');
    expect(check.stdout).toMatch(/acc-1\s+READY/);
    expect(check.code).toBe(0);
    expect(run.lab.device('acc-1').state.count('reload')).toBe(0);
    const upgrade = await run.cli(['--yes']);
    expect(upgrade.stderr).toContain('running "upshift run"');
    expect(upgrade.code).toBe(0);
    expect(run.statuses()['acc-1'].status).toBe('upgraded');
    expect(run.lab.device('acc-1').state.count('reload')).toBe(1);
  });

  it('demo without a terminal describes the lab and checks it, and leaves no folder (no credentials file) behind', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('upshift-demo-')));
    const r = await runCli(['demo', '--speed', '50'], { timeoutMs: 90_000 });
    expect(r.stdout).toContain('upshift lab: 14 simulated devices: 12 to upgrade, plus pano-1 (Panorama) and par-jump (jump host) on 127.0.0.1');
    expect(r.stdout).toContain('not a terminal, so no console');
    expect(r.stdout).toMatch(/par-acc-1\s+BLOCKED/);
    expect(r.code).toBe(1);
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('upshift-demo-') && !before.has(f));
    expect(left).toEqual([]);
    // Its last line says the folder its earlier lines named is gone.
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^upshift demo: removed \/\S+upshift-demo-\S+ \(lab workbook, state and credentials\)/);
  });
});
