// The console driven key by key against the lab: what it shows, and that no
// key but `y` in a dialog (or the typed count) ever approves a reload.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { dev } from '../helpers/lab-run.js';
import { KEY, rowOf, runToGate, startConsole, type ConsoleRig } from '../helpers/console.js';

let rig: ConsoleRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const fleet = () => [dev('acc-1', 'cat9300', { site: 'lon' }), dev('acc-2', 'cat9300', { site: 'par' }), dev('acc-3', 'cat9300', { site: 'par', faults: ['flash-full'] })];
const reloads = (r: ConsoleRig, host: string) => r.run.lab.device(host).state.count('reload');
const approvals = (r: ConsoleRig) => {
  const db = new Database(join(r.run.dir, '.upshift', 'fleet', 'upshift.db'), { readonly: true });
  try {
    return db.prepare('SELECT hostname, kind, decision, operator, source FROM approvals ORDER BY id').all() as { hostname: string; kind: string; decision: string; operator: string; source: string }[];
  } finally {
    db.close();
  }
};

describe('console: readiness and navigation', () => {
  it('checks readiness on opening and shows it, read-only, with the blocked reason', async () => {
    rig = await startConsole(fleet());
    const f = await rig.waitFor((x) => /READY – s starts the run/.test(x) && /blocked/.test(rowOf(x, 'acc-3')));
    expect(f).toContain('READ-ONLY');
    expect(f).toContain('Devices[3]');
    expect(rowOf(f, 'acc-1')).toMatch(/17\.6\.5 → 17\.9\.5\s+✓\s+ready/);
    expect(rowOf(f, 'acc-3')).toMatch(/✗ flash/);
    expect(f.split('\n').length).toBeLessThanOrEqual(39);
    expect(reloads(rig, 'acc-1')).toBe(0);
  });

  it('moves with j/k/arrows/g/G, opens details on Enter, returns on Esc, switches pane on Tab', async () => {
    rig = await startConsole(fleet());
    await rig.waitFor('READY – s starts');
    expect(rowOf(rig.frame(), 'acc-1')).toMatch(/^║ >/);
    await rig.press('j');
    await rig.waitFor((f) => rowOf(f, 'acc-2').startsWith('║ >'));
    await rig.press(KEY.down);
    await rig.waitFor((f) => rowOf(f, 'acc-3').startsWith('║ >'));
    await rig.press('k', KEY.up);
    await rig.waitFor((f) => rowOf(f, 'acc-1').startsWith('║ >'));
    await rig.press('G');
    await rig.waitFor((f) => rowOf(f, 'acc-3').startsWith('║ >'));
    await rig.press('g');
    await rig.waitFor((f) => rowOf(f, 'acc-1').startsWith('║ >'));
    await rig.press('jjj');
    await rig.waitFor((f) => rowOf(f, 'acc-3').startsWith('║ >'));
    await rig.press(KEY.enter);
    const d = await rig.waitFor('workbook    127.0.0.1:');
    expect(d).toMatch(/acc-3 ─ C9300/);
    expect(d).toMatch(/✗ flash\s+\S/);
    expect(d).toMatch(/timeline\s+\d\d:\d\d:\d\d facts/);
    // The tail of the session transcript: the device's own prompt, read back from the transcript file.
    expect(d).toMatch(/session\s+\S/);
    expect(d).toMatch(/[│║]\s+(session)?\s+acc-3#/);
    expect(d).not.toContain('Devices[');
    await rig.press(KEY.esc);
    await rig.waitFor('Devices[3]');
    await rig.press(KEY.tab);
    // The focused pane has the double border (visible without colour); the table gave it up.
    const tabbed = await rig.waitFor((f) => /╔ Approvals \(0\)/.test(f) && f.includes('no gate is waiting'));
    expect(tabbed).toMatch(/┌ Devices\[3\]/);
  });

  it('filters by words and key=value, and Esc clears the filter', async () => {
    rig = await startConsole(fleet());
    await rig.waitFor('READY – s starts');
    await rig.press('/', 's', 'i', 't', 'e', '=', 'p', 'a', 'r');
    let f = await rig.waitFor('Devices[2/3] </site=par▏>');
    expect(rowOf(f, 'acc-1')).toBe('');
    await rig.press(KEY.enter);
    await rig.waitFor('Devices[2/3] </site=par>');
    await rig.press('/', KEY.esc);
    await rig.waitFor('Devices[3]');
    await rig.press('/', 'b', 'l', 'o', 'c', 'k');
    f = await rig.waitFor('Devices[1/3]');
    expect(rowOf(f, 'acc-3')).not.toBe('');
  });

  it('keeps the frame inside the terminal and lays it out again on resize', async () => {
    rig = await startConsole(fleet());
    await rig.waitFor('READY – s starts');
    for (const [columns, rows] of [[100, 40], [80, 24], [60, 16], [100, 30]]) {
      rig.resize(columns, rows);
      const f = await rig.waitFor((x) => x.split('\n')[0].length === columns || x.split('\n').every((l) => l.length <= columns));
      const lines = f.split('\n');
      expect(lines.length, `${columns}x${rows}`).toBeLessThanOrEqual(rows - 1);
      for (const l of lines) expect(l.length, `${columns}x${rows}: ${l}`).toBeLessThanOrEqual(columns);
      expect(f).toMatch(/╔ Devices\[3\]/);
      expect(rowOf(f, 'acc-3')).toMatch(/blocked/);
    }
    // Small terminals keep the table; the details are one Enter away.
    rig.resize(80, 20);
    const small = await rig.waitFor((x) => !x.includes('Approvals ('));
    expect(small).toContain('Devices[3]');
  });

  it('? shows every key of the key table', async () => {
    rig = await startConsole(fleet(), { size: { columns: 160, rows: 50 } });
    await rig.waitFor('READY – s starts');
    await rig.press('?');
    const f = await rig.waitFor('Keys (Esc/?/q closes)');
    const { KEYMAP } = await import('../../src/ui/keymap.js');
    for (const b of KEYMAP) expect(f, b.id).toContain(b.description.slice(0, 40));
    await rig.press(KEY.esc);
    await rig.waitFor('Devices[3]');
  });
});

describe('console: gates', () => {
  it('Enter alone never approves; y in the dialog approves one reload, recorded with the user', async () => {
    rig = await startConsole(fleet(), { settings: { canary: 1 } });
    await runToGate(rig, 'acc-1');
    await rig.press('a');
    let f = await rig.waitFor('Approve RELOAD');
    expect(f).toMatch(/will send:\s+write memory/);
    expect(f).toMatch(/install add file flash:cat9k_iosxe\.17\.09\.05\.SPA\.bin activate/);
    expect(f).toMatch(/impact:\s+traffic through acc-1 stops/);
    expect(f).toContain('[ Cancel ]');
    await rig.press(KEY.enter);
    f = await rig.waitFor('nothing was approved; the gate stays open');
    await rig.press(KEY.enter, KEY.esc);
    expect(rig.session.approver.pending().map((p) => p.gate.hostname)).toEqual(['acc-1']);
    expect(reloads(rig, 'acc-1')).toBe(0);
    await rig.press('a');
    await rig.waitFor('Approve RELOAD');
    await rig.press('y');
    await rig.waitFor((x) => /upgraded/.test(rowOf(x, 'acc-1')));
    expect(reloads(rig, 'acc-1')).toBe(1);
    expect(approvals(rig)[0]).toMatchObject({ hostname: 'acc-1', kind: 'reload', decision: 'approved', source: 'console' });
    expect(approvals(rig)[0].operator).toMatch(/\w/);
    await rig.waitFor(/✓ reload acc-1 \S+ \d\d:\d\d:\d\d/);
  });

  it('ignores a key held down when the dialog opens, and bursts of keys', async () => {
    rig = await startConsole(fleet(), { settings: { canary: 1 }, guardMs: 400, manualClock: true });
    await runToGate(rig, 'acc-1');
    await rig.press('a');
    await rig.waitFor('Approve RELOAD');
    rig.clock.now += 100;
    await rig.press('y');
    rig.clock.now += 500;
    await rig.press('yy');
    await rig.press(KEY.tab);
    expect(rig.frame()).toContain('Approve RELOAD');
    expect(rig.session.approver.pending()).toHaveLength(1);
    await rig.press('y');
    await rig.waitFor((x) => /upgraded/.test(rowOf(x, 'acc-1')));
    expect(reloads(rig, 'acc-1')).toBe(1);
  });

  it('approving all gates of a kind needs the count typed; a wrong count approves nothing', async () => {
    rig = await startConsole([dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300'), dev('acc-3', 'isr4451')], { settings: { canary: 3 } });
    await rig.waitFor('READY – s starts');
    await rig.press('s');
    await rig.waitFor('Approvals (3)');
    await rig.press('A');
    let f = await rig.waitFor('Approve ALL RELOAD gates (3)');
    expect(f).toMatch(/acc-3\s+write memory ; install add file/);
    await rig.press(KEY.enter);
    await rig.waitFor('type 3 (the number of reload gates) to approve them all');
    await rig.press('2', KEY.enter);
    expect(rig.session.approver.pending()).toHaveLength(3);
    await rig.press(KEY.backspace, '3');
    f = await rig.waitFor(/gates:\s+3\s/);
    expect(rig.session.approver.pending()).toHaveLength(3);
    await rig.press(KEY.enter);
    await rig.waitFor((x) => ['acc-1', 'acc-2', 'acc-3'].every((h) => /upgraded/.test(rowOf(x, h))));
    expect(approvals(rig).map((a) => a.decision)).toEqual(['approved', 'approved', 'approved']);
  });

  it('x refuses a reload: the device stays on its version and is held', async () => {
    rig = await startConsole(fleet(), { settings: { canary: 1 } });
    await runToGate(rig, 'acc-1');
    await rig.press('x');
    const f = await rig.waitFor((x) => /held/.test(rowOf(x, 'acc-1')) && !/gate/.test(rowOf(x, 'acc-1')));
    expect(f).toContain('reload of acc-1 refused');
    expect(reloads(rig, 'acc-1')).toBe(0);
    expect(approvals(rig)[0]).toMatchObject({ hostname: 'acc-1', decision: 'refused' });
  });

  it('x on a rollback gate opens its dialog first; x again does nothing there, n refuses; x on the commit gate opens its dialog too, n leaves the install to its timer, which the status shows', async () => {
    rig = await startConsole([dev('wan-1', 'isr4451', { faults: ['regression'] })], { options: { approve: ['reload'] } });
    await runToGate(rig, 'wan-1', 'rollback');
    expect(rig.frame()).toMatch(/diff\s+routes \d+ → \d+/);
    // What the start said matches the command line: the reload was approved in advance, the rollback waits.
    expect(rig.frames().join('\n')).toContain('run started on 1 device: reload approved in advance by --approve; the other gates wait for your');
    await rig.press('x');
    const f = await rig.waitFor('Approve ROLLBACK');
    expect(f).toMatch(/running 17\.9\.5, which failed its post-checks/);
    // What was lost, where the decision is made.
    expect(f).toMatch(/why:\s+post-check failed: routes \d+ → \d+/);
    // Each answer says what it does: the way back, or what refusing leaves and what is asked next.
    expect(f).toMatch(/y\s+roll back: wan-1 goes back to 17\.6\.5/);
    expect(f).toMatch(/n\s+refuse: wan-1 stays on 17\.9\.5, uncommitted; you are then asked to commit it or leave/);
    expect(rig.session.approver.pending()).toHaveLength(1);
    // The key that opened the dialog never confirms what it opened.
    await rig.press('x');
    expect(rig.session.approver.pending()).toHaveLength(1);
    await rig.press('n');
    // Refused, the rollback leaves an uncommitted install: keep it (commit) or leave it to its auto-abort timer.
    await rig.waitFor((x) => /commit \(gate\)/.test(rowOf(x, 'wan-1')));
    expect(rig.session.approver.pending()[0].gate.impact).toMatch(/refusing leaves it uncommitted: its auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d/);
    // One stray x must not decide it: x opens the commit dialog, which says what each answer does.
    await rig.press('x');
    const c = await rig.waitFor('Approve COMMIT, or leave it to the auto-abort timer');
    expect(c).toMatch(/why:\s+post-check failed: routes/);
    expect(c).toMatch(/y\s+commit now: wan-1 stays on 17\.9\.5 for good/);
    expect(c).toMatch(/n\s+leave it: nothing is sent now; wan-1 reloads back by itself at \d\d:\d\d \(in [\dhms]+\)/);
    expect(rig.frame()).toContain('refusing the commit lets the auto-abort timer reload the device back later: answer in the dialog');
    await rig.press('x', KEY.enter);
    await rig.waitFor('nothing was approved; the gate stays open');
    expect(rig.session.approver.pending().map((p) => p.gate.kind)).toEqual(['commit']);
    await rig.press('x');
    await rig.waitFor('Approve COMMIT');
    await rig.press('n');
    await rig.waitFor((x) => /needs-attention/.test(rowOf(x, 'wan-1')));
    expect(rig.session.model.device('wan-1')!.message).toMatch(/left uncommitted: its auto-abort timer reloads it back to 17\.6\.5 at \d\d:\d\d/);
    expect(reloads(rig, 'wan-1')).toBe(1);
    expect(approvals(rig).map((a) => `${a.kind} ${a.decision} ${a.source}`)).toEqual(['reload approved --approve reload', 'rollback refused console', 'commit refused console']);
  });
});
