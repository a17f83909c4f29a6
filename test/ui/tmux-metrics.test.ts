// The console's metrics through bin/upshift in a real terminal (tmux), against
// the lab: /metrics scraped while the run goes shows the devices moving
// through their statuses and the reload gate waiting for the operator.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN, ROOT } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { scrape } from '../helpers/receiver.js';
import { tmuxTerminal } from './tmux-terminal.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `upshift-metrics-${process.pid}`;
const { tmux, waitPane, type, dialogReady } = tmuxTerminal(SOCKET, 'console');

let lab: LabRun | null = null;
afterEach(async () => {
  await lab?.lab.stop();
  lab = null;
});
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe.skipIf(!hasTmux)('metrics of the console under tmux', () => {
  it('show devices moving and the gate waiting for the operator', async () => {
    lab = await startLabRun([dev('sw-1', 'cat9300')]);
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const url = `http://127.0.0.1:${port}/metrics`;
    const cmd = `cd ${ROOT} && env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 ${process.execPath} ${BIN} --workbook ${lab.files.workbook} --credentials ${lab.files.credentials} --metrics-address 127.0.0.1:${port} --change CHG-9; echo "exit code $?"; sleep 30`;
    tmux('new-session', '-d', '-s', 'console', '-x', '120', '-y', '40', cmd);
    await waitPane(/READY – s starts the run/);
    expect((await scrape(url)).text).toContain('upshift_devices{status="ready",change="CHG-9"} 1');
    await type('s');
    await waitPane(/sw-1\s.*held\s+reload \(gate\)/);
    let m = (await scrape(url)).text;
    expect(m).toContain('upshift_gates_waiting{kind="reload",change="CHG-9"} 1');
    expect(m).toContain('upshift_devices{status="held",change="CHG-9"} 1');
    expect(m).toMatch(/^upshift_step_duration_seconds_count\{step="stage",platform="iosxe",change="CHG-9"\} 1$/m);
    // The dialog ignores keys for its first 350 ms: y once the screen shows it takes keys, not after a fixed wait.
    await type('a');
    await dialogReady(/Approve RELOAD/);
    await type('y');
    await waitPane(/sw-1\s.*upgraded/);
    m = (await scrape(url)).text;
    expect(m).toContain('upshift_gates_waiting{kind="reload",change="CHG-9"} 0');
    expect(m).toContain('upshift_devices{status="upgraded",change="CHG-9"} 1');
    await type('q');
    await waitPane(/exit code 0/);
  }, 90_000);
});
