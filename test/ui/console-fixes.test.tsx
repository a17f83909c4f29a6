// Fixes from a fresh operator's trial: help that scrolls at 80x24, keys that
// arrive in one chunk, Ctrl+C twice. Driven key by key against the lab.
import { afterEach, describe, expect, it } from 'vitest';
import { dev } from '../helpers/lab-run.js';
import { KEY, rowOf, runToGate, startConsole, type ConsoleRig } from '../helpers/console.js';
import { binding } from '../../src/ui/keymap.js';

let rig: ConsoleRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const fleet = () => [dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300'), dev('acc-3', 'cat9300')];
const PGDN = '\x1b[6~';

describe('the ? help on a small terminal', () => {
  it('says how much is below, scrolls with j and PgDn to the last key, and back', async () => {
    rig = await startConsole(fleet(), { size: { columns: 80, rows: 24 } });
    await rig.waitFor((f) => /ready 3/.test(f) && /✓/.test(rowOf(f, 'acc-3')));
    await rig.press('?');
    const first = await rig.waitFor(/↓ \d+ more/);
    const more = Number(/↓ (\d+) more/.exec(first)![1]);
    expect(more).toBeGreaterThan(10);
    expect(first).not.toContain(binding('quit').description);
    await rig.press('j');
    await rig.waitFor(`↓ ${more - 1} more`);
    await rig.waitFor('↑ 1 above');
    // Page by page to the end: every key of the table is reachable, the credentials prompt's last.
    const seen = new Set<string>();
    for (let i = 0; i < 20 && !rig.frame().includes('end of the keys'); i++) {
      const before = rig.frame();
      for (const l of before.split('\n')) seen.add(l);
      await rig.press(PGDN);
      await rig.waitFor((f) => f !== before);
    }
    for (const l of rig.frame().split('\n')) seen.add(l);
    const all = [...seen].join('\n');
    for (const id of ['startPause', 'cancel', 'login', 'export', 'quit', 'refuse', 'approveAll', 'gateApprove', 'countConfirm', 'loginQuit']) {
      expect(all, id).toContain(binding(id).description.slice(0, 30));
    }
    expect(rig.frame()).toContain('end of the keys');
    await rig.press('k');
    await rig.waitFor('↓ 1 more');
    await rig.press(KEY.esc);
    await rig.waitFor('Devices[3]');
  });
});

describe('keys in one chunk', () => {
  it('navigation keys that arrive together all apply, in order', async () => {
    rig = await startConsole(fleet());
    await rig.waitFor('READY – s starts');
    await rig.press('G');
    await rig.waitFor((f) => rowOf(f, 'acc-3').startsWith('║ >'));
    await rig.press('gj');
    await rig.waitFor((f) => rowOf(f, 'acc-2').startsWith('║ >'));
    await rig.press('Gkjk');
    await rig.waitFor((f) => rowOf(f, 'acc-2').startsWith('║ >'));
    await rig.press('gjj');
    await rig.waitFor((f) => rowOf(f, 'acc-3').startsWith('║ >'));
  });

  it('a chunk that opens a gate dialog never answers it: the rest is dropped, and the line says why', async () => {
    rig = await startConsole(fleet(), { settings: { canary: 1 } });
    await runToGate(rig, 'acc-1');
    await rig.press('ay');
    await rig.waitFor('Approve RELOAD');
    await rig.waitFor('2 keys came at once: ignored');
    expect(rig.session.approver.pending()).toHaveLength(1);
    await rig.press('y');
    await rig.waitFor((x) => /upgraded/.test(rowOf(x, 'acc-1')));
  });
});

describe('Ctrl+C', () => {
  it('the second press quits at once, however soon after the first (the dialog guard never holds it)', async () => {
    rig = await startConsole(fleet(), { settings: { canary: 1 }, guardMs: 350, manualClock: true });
    await runToGate(rig, 'acc-1');
    await rig.press(KEY.ctrlC);
    await rig.waitFor('Quit?');
    await rig.waitFor('Ctrl+C again quits at once');
    // The forced quit is a line of its own in the dialog, not one of its answers.
    expect(rig.frame()).toMatch(/Ctrl\+C twice quit at once without the safe stop; the next run observes the devices first/);
    expect(rig.quits).toEqual([]);
    await rig.press(KEY.ctrlC);
    await rig.waitFor(() => rig!.quits.length > 0);
    expect(rig.quits).toEqual([true]);
    // It approved nothing: the gate is still waiting, and the device never reloaded.
    expect(rig.session.approver.pending().map((p) => p.gate.hostname)).toEqual(['acc-1']);
    expect(rig.run.lab.device('acc-1').state.count('reload')).toBe(0);
  });

  it('after choosing to stay, Ctrl+C asks again', async () => {
    rig = await startConsole(fleet(), { settings: { canary: 1 } });
    await runToGate(rig, 'acc-1');
    await rig.press(KEY.ctrlC);
    await rig.waitFor('Quit?');
    await rig.press('n');
    await rig.waitFor((f) => !f.includes('Quit?'));
    await rig.press(KEY.ctrlC);
    await rig.waitFor('Quit?');
    expect(rig.quits).toEqual([]);
  });
});
