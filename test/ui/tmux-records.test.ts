// The change record's parts of the console in a real terminal: `upshift` on a
// lab workbook with promote = manual, in a detached tmux session. After the
// canary, the header shows the ETA beside the window end and the approvals
// pane the promote gate; the rest of the fleet waits until it is approved there.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { tmuxTerminal } from './tmux-terminal.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('tmux is not installed: the real-terminal records test is skipped (apt-get install tmux to run it)');

const SOCKET = `upshift-records-${process.pid}`;
const { tmux, waitPane, type, dialogReady } = tmuxTerminal(SOCKET, 'records');
let run: LabRun | null = null;

afterEach(async () => {
  await run?.lab.stop();
  run = null;
});
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe.skipIf(!hasTmux)('upshift console under tmux: the change record', () => {
  it('shows the ETA against the window end in the header and the promote gate in the approvals pane; approving it there runs the rest', async () => {
    run = await startLabRun([dev('c-1', 'cat9300'), dev('n-1', 'cat9300'), dev('n-2', 'cat9300')], {
      speed: 20, settings: { canary: 1, batch_size: 1, promote: 'manual' }, windowEnd: new Date(Date.now() + 2 * 3_600_000),
    });
    const args = ['--workbook', run.files.workbook, '--credentials', run.files.credentials, '--approve', 'reload', '--change', 'CHG-42'];
    const cmd = `cd ${ROOT} && env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 ${process.execPath} ${BIN} ${args.join(' ')}; echo "exit code $?"; sleep 30`;
    tmux('new-session', '-d', '-s', 'records', '-x', '160', '-y', '40', cmd);
    let p = await waitPane(/READY – s starts the run/);
    expect(p.split('\n')[0]).not.toContain('ETA');
    const logins = () => ['n-1', 'n-2'].map((h) => run!.lab.device(h).state.count('login'));
    const checked = logins();

    await type('s');
    p = await waitPane(/Approvals \(1\)[\s\S]*promote\s+wave 1 \(canary\)/, 60_000);
    expect(p).toMatch(/c-1\s.*upgraded/);
    // The header: run state, the window with its time left, and the ETA from the canary's own step times (worked out every 2 s).
    p = await waitPane(/left\)\s+ETA \d\d:\d\d/);
    const header = p.split('\n').find((l) => l.includes('window'))!;
    expect(header).toMatch(/window \d\d:\d\d–\d\d:\d\d \([\dhms]+ left\)\s+ETA \d\d:\d\d \([\dhms]+\)/);
    expect(p).not.toMatch(/would not fit/);
    // Held at the promote gate: nothing of this run has logged in to the rest since the readiness check.
    expect(logins()).toEqual(checked);

    await type('Tab', 'a');
    p = await dialogReady(/Approve PROMOTE/);
    expect(p).toMatch(/impact:\s+the rest of the run starts: 2 devices in 2 waves/);
    await type('y');
    await waitPane(/n-2\s.*upgraded/, 60_000);
    expect(logins().every((n, i) => n > checked[i])).toBe(true);
    expect(tmux('capture-pane', '-p', '-t', 'records')).toMatch(/✓ promote wave 1 \(canary\)/);

    await type('q');
    await waitPane(/exit code 0/, 30_000);
  }, 150_000);
});
