// The console's run controls: start/pause, cancel, export, quit (and Ctrl+C),
// the credentials prompt, and the fallback when there is no terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dev } from '../helpers/lab-run.js';
import { KEY, rowOf, runToGate, startConsole, type ConsoleRig } from '../helpers/console.js';
import { openpyxlCells } from '../helpers/workbooks.js';

let rig: ConsoleRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const three = () => [dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300'), dev('acc-3', 'isr4451')];

describe('console: run controls', () => {
  it('s starts the run, pauses it (nothing new starts), and resumes it', async () => {
    // Deterministic: the canary waits at its reload gate while the run is paused, so the pause
    // always lands before its activation, however fast the lab is.
    rig = await startConsole(three(), { settings: { canary: 1, batch_size: 2 } });
    await runToGate(rig, 'acc-1');
    expect(rig.frame()).not.toContain('READ-ONLY');
    await rig.press('s');
    await rig.waitFor('PAUSED');
    await rig.press('a', 'y');
    // Approved, but paused: the activation does not start; the device says so.
    await rig.waitFor((f) => /paused/.test(rowOf(f, 'acc-1')));
    expect(rig.session.model.device('acc-1')!.message).toBe('paused before activate');
    expect(rig.session.journal('acc-1').map((j) => j.step)).not.toContain('activate');
    expect(rig.run.lab.device('acc-1').state.count('reload')).toBe(0);
    // Wave progress: the canary wave has one device, not ended yet.
    expect(rig.frame()).toMatch(/PAUSED wave 1\/\d \(0\/1 done\)/);
    await rig.press('s');
    await rig.waitFor((f) => /upgraded/.test(rowOf(f, 'acc-1')), 30_000);
    expect(rig.run.lab.device('acc-1').state.count('reload')).toBe(1);
    await rig.waitFor('Approvals (2)');
    await rig.press('A', '2', KEY.enter);
    await rig.waitFor((f) => ['acc-2', 'acc-3'].every((h) => /upgraded/.test(rowOf(f, h))), 30_000);
    await rig.waitFor('FINISHED');
  }, 60_000);

  it('c cancels a device waiting at its gate: no reload, status cancelled', async () => {
    rig = await startConsole(three(), { settings: { canary: 3 } });
    await rig.waitFor('READY – s starts');
    await rig.press('s');
    await rig.waitFor('Approvals (3)');
    await rig.press('j', 'c');
    await rig.waitFor((f) => /cancelled/.test(rowOf(f, 'acc-2')));
    expect(rig.frame()).toContain('acc-2: cancelled');
    expect(rig.session.approver.pending().map((p) => p.gate.hostname).sort()).toEqual(['acc-1', 'acc-3']);
    expect(rig.run.lab.device('acc-2').state.count('reload')).toBe(0);
  });

  it('e exports the workbook with status columns and an Audit sheet beside it', async () => {
    rig = await startConsole(three());
    await rig.waitFor('READY – s starts');
    await rig.press('e');
    const f = await rig.waitFor(/exported to (\S+\.xlsx)/);
    const out = /exported to (\S+\.xlsx)/.exec(f)![1];
    expect(existsSync(out)).toBe(true);
    const cells = openpyxlCells(out);
    expect(Object.keys(cells)).toContain('Audit');
    expect(Object.values(cells.Devices)).toContain('ready');
  });

  it('q with a gate open asks; Esc stays; y stops safely: the gate is held, nothing reloads, the console ends', async () => {
    rig = await startConsole(three(), { settings: { canary: 1 } });
    await runToGate(rig, 'acc-1');
    const logins = rig.run.lab.device('acc-2').state.count('login');
    await rig.press('q');
    await rig.waitFor('Quit?');
    expect(rig.frame()).toContain('1 device is in flight, 1 gate waiting');
    await rig.press(KEY.esc);
    await rig.waitFor((f) => !f.includes('Quit?'));
    expect(rig.quits).toEqual([]);
    await rig.press(KEY.ctrlC);
    await rig.waitFor('Quit?');
    await rig.press('y');
    await rig.waitFor(() => rig!.quits.length > 0);
    expect(rig.quits).toEqual([false]);
    expect(rig.session.exitCode).toBe(3);
    expect(rowOf(rig.frame(), 'acc-1')).toMatch(/held/);
    expect(rig.run.lab.device('acc-1').state.count('reload')).toBe(0);
    expect(rig.run.lab.device('acc-2').state.count('login')).toBe(logins);
  });

  it('Ctrl+C with nothing in flight quits at once', async () => {
    rig = await startConsole(three());
    await rig.waitFor('READY – s starts');
    await rig.press(KEY.ctrlC);
    await rig.waitFor(() => rig!.quits.length > 0);
    expect(rig.quits).toEqual([false]);
  });
});

describe('console: credentials prompt', () => {
  it('asks when there are no credentials, keeps the answers in memory only, then checks', async () => {
    rig = await startConsole([dev('acc-1', 'cat9300')], { withCredentials: false });
    await rig.waitFor('No credentials file');
    expect(rig.frame()).toContain('CREDENTIALS NEEDED');
    const { username, password, enable } = rig.run.lab.credentials;
    const dir = rig.run.dir;
    await rig.press(...username.split(''), KEY.enter);
    await rig.press(...password.split(''), KEY.enter);
    await rig.waitFor(`password  ${'*'.repeat(password.length)}`);
    expect(rig.frame()).not.toContain(password);
    await rig.press(...enable.split(''), KEY.enter);
    await rig.waitFor((f) => /ready/.test(rowOf(f, 'acc-1')));
    await rig.close();
    rig = null;
    // Nothing the operator typed reached the disk: not the database, the log, the transcripts or the workbook.
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const written = files(join(dir, '.upshift'));
    expect(written.some((f) => f.endsWith('upshift.db'))).toBe(true);
    expect(written.some((f) => f.includes('transcripts'))).toBe(true);
    for (const f of [...written, join(dir, 'fleet.xlsx')]) {
      const bytes = readFileSync(f);
      expect(bytes.includes(password), f).toBe(false);
      expect(bytes.includes(enable), f).toBe(false);
    }
  });

  it('a wrong password: no device shows ready, s says why, L asks again and the check runs again', async () => {
    rig = await startConsole([dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300')], { withCredentials: false });
    // What an earlier session recorded is shown with its age, never as a ✓.
    rig.session.model.devices[0].readiness = { tone: 'muted', text: 'ready', fresh: false, at: Date.now() - 3_600_000 };
    await rig.waitFor('No credentials file');
    const { username, password, enable } = rig.run.lab.credentials;
    await rig.press(...username.split(''), KEY.enter, ...'wrong-password'.split(''), KEY.enter, ...enable.split(''), KEY.enter);
    let f = await rig.waitFor((x) => ['acc-1', 'acc-2'].every((h) => /failed/.test(rowOf(x, h))));
    for (const h of ['acc-1', 'acc-2']) expect(rowOf(f, h)).not.toContain('✓');
    expect(rowOf(f, 'acc-1')).toMatch(/✗ /);
    await rig.press('s');
    await rig.waitFor('nothing is ready to upgrade');
    expect(rig.run.lab.device('acc-1').state.count('reload')).toBe(0);
    await rig.press('L');
    await rig.waitFor('CREDENTIALS NEEDED');
    await rig.press(...username.split(''), KEY.enter, ...password.split(''), KEY.enter, ...enable.split(''), KEY.enter);
    f = await rig.waitFor((x) => ['acc-1', 'acc-2'].every((h) => /ready/.test(rowOf(x, h))));
    expect(rowOf(f, 'acc-1')).toContain('✓');
  });
});
