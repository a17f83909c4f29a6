// The console in a real terminal: `upshift demo` in a detached tmux session,
// driven with send-keys as a person would, read back with capture-pane, and
// checked against the state database and the lab devices themselves.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { BIN, ROOT } from '../helpers/cli.js';
import { openpyxlCells } from '../helpers/workbooks.js';
import { TestShell, enable, promptOf } from '../helpers/ssh-shell.js';
import { tmuxTerminal } from './tmux-terminal.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('tmux is not installed: the real-terminal console test is skipped (apt-get install tmux to run it)');

const SOCKET = `upshift-test-${process.pid}`;
const { tmux, waitPane, type, dialogReady } = tmuxTerminal(SOCKET, 'demo');

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe.skipIf(!hasTmux)('upshift demo under tmux', () => {
  it('filters, opens details, approves a reload, refuses a rollback, exports, quits', async () => {
    // CI=true makes Ink print nothing but the last frame: this is a person's terminal, not CI.
    const cmd = `cd ${ROOT} && env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 ${process.execPath} ${BIN} demo --speed 20 --only lon-acc-1 --only lon-wan-1; echo "exit code $?"; sleep 30`;
    tmux('new-session', '-d', '-s', 'demo', '-x', '120', '-y', '40', cmd);
    let p = await waitPane(/READY – s starts the run/);
    const dir = /demo in (\/\S+upshift-demo-\S+)/.exec(p)![1];
    expect(p).toMatch(/Devices\[2\]/);
    expect(p).toContain('READ-ONLY');

    // Each key after the screen showed the one before: a loaded machine must not change what the keys meant.
    await type('/');
    await waitPane(/▏>/);
    await type('w', 'a', 'n', 'Enter');
    p = await waitPane(/Devices\[1\/2\] <\/wan>/);
    expect(p).not.toMatch(/[│║] .lon-acc-1/);
    await type('Enter');
    p = await waitPane(/workbook\s+127\.0\.0\.1:\d+ · target 17\.9\.5/);
    expect(p).toMatch(/lon-wan-1 ─ ISR4451-X\/K9/);
    await type('Escape', '/', 'Escape', 'g');
    await waitPane(/Devices\[2\] [─═][\s\S]*[│║] >lon-acc-1/);

    await type('s');
    await waitPane(/lon-acc-1\s.*held\s+reload \(gate\)/);
    await type('a');
    p = await dialogReady(/Approve RELOAD/);
    expect(p).toMatch(/will send:\s+write memory/);
    await type('Enter');
    await waitPane(/nothing was approved; the gate stays open/);
    await type('a');
    await dialogReady(/Approve RELOAD/);
    await type('y');
    await waitPane(/lon-acc-1\s.*upgraded/);
    await waitPane(/lon-wan-1\s.*reload \(gate\)/);
    await type('j', 'a');
    await dialogReady(/Approve RELOAD[\s\S]*lon-wan-1/);
    await type('y');
    await waitPane(/lon-wan-1\s.*rollback \(gate\)/, 40_000);
    await type('x');
    p = await dialogReady(/Approve ROLLBACK/);
    expect(p).toMatch(/running 17\.9\.5, which failed its post-checks/);
    await type('n');
    // The uncommitted install is left to its auto-abort timer: x opens the commit dialog, which says what n does; n there.
    await waitPane(/lon-wan-1\s.*commit \(gate\)/);
    await type('x');
    p = await dialogReady(/Approve COMMIT, or leave it to the auto-abort timer/);
    expect(p).toMatch(/y\s+commit now: lon-wan-1 stays on 17\.9\.5 for good/);
    expect(p).toMatch(/n\s+leave it: nothing is sent now; lon-wan-1 reloads back by itself at \d\d:\d\d/);
    await type('n');
    await waitPane(/lon-wan-1\s.*needs-attention/);

    await type('e');
    p = await waitPane(/exported to (\S+\.xlsx)/);
    const exported = /exported to (\S+\.xlsx)/.exec(p)![1];

    // The devices themselves: the canary runs the target, the refused rollback left lon-wan-1 on it too.
    const cells = openpyxlCells(join(dir, 'lab.xlsx')).Devices;
    const portOf = (host: string) => Number(cells[Object.keys(cells).find((k) => cells[k] === host)!.replace(/^A/, 'C')]);
    const creds = parse(readFileSync(join(dir, 'lab-credentials.yaml'), 'utf8')).default as { username: string; password: string; enable: string };
    for (const host of ['lon-acc-1', 'lon-wan-1']) {
      const sh = await TestShell.open(portOf(host), creds.username, creds.password);
      await enable(sh, host, creds.enable);
      const version = await sh.cmd('show version', promptOf(host));
      expect(version, host).toMatch(/Version 17\.09\.05/);
      sh.end();
    }

    await type('q');
    p = await waitPane(/exit code 1/);
    // Said again where the operator looks last, as batch commands do.
    expect(p.replace(/\n/g, '')).toMatch(/warning: lon-wan-1: .*left uncommitted: its auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d/);
    expect(existsSync(exported)).toBe(true);
    const record = openpyxlCells(exported);
    expect(Object.keys(record)).toContain('Audit');
    // The change record says the install was left to its auto-abort timer, and when it fires: in the row and the summary.
    const rows = record.Devices;
    const col = (name: string) => Object.keys(rows).find((k) => /^[A-Z]+1$/.test(k) && rows[k] === name)!.replace(/1$/, '');
    const row = Object.keys(rows).find((k) => /^A\d+$/.test(k) && rows[k] === 'lon-wan-1')!.slice(1);
    expect(rows[`${col('message')}${row}`]).toMatch(/left uncommitted: its auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d/);
    expect(readFileSync(exported.replace(/\.xlsx$/, '.md'), 'utf8')).toMatch(/lon-wan-1.*auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d/);

    const db = new Database(join(dir, '.upshift', 'lab', 'upshift.db'), { readonly: true });
    try {
      const approvals = db.prepare('SELECT hostname, kind, decision, source FROM approvals ORDER BY id').all();
      expect(approvals).toEqual([
        { hostname: 'lon-acc-1', kind: 'reload', decision: 'approved', source: 'console' },
        { hostname: 'lon-wan-1', kind: 'reload', decision: 'approved', source: 'console' },
        { hostname: 'lon-wan-1', kind: 'rollback', decision: 'refused', source: 'console' },
        { hostname: 'lon-wan-1', kind: 'commit', decision: 'refused', source: 'console' },
      ]);
      const activations = db.prepare("SELECT hostname, outcome FROM journal WHERE step = 'activate' ORDER BY id").all();
      expect(activations).toEqual([{ hostname: 'lon-acc-1', outcome: 'ok' }, { hostname: 'lon-wan-1', outcome: 'ok' }]);
      expect(db.prepare("SELECT count(*) AS n FROM journal WHERE step = 'rollback'").get()).toEqual({ n: 0 });
      const status = db.prepare('SELECT hostname, status FROM device_state WHERE hostname IN (?, ?) ORDER BY hostname').all('lon-acc-1', 'lon-wan-1');
      expect(status).toEqual([{ hostname: 'lon-acc-1', status: 'upgraded' }, { hostname: 'lon-wan-1', status: 'needs-attention' }]);
    } finally {
      db.close();
    }
  }, 150_000);
});
