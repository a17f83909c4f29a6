// The console's frame at 80×24, 100×30, 140×45 and 200×60 through a run with
// an HA pair's switchover gate: every frame fits the terminal (width and
// height) and its boxes hold together; the version, the gate label and the
// flash messages are whole; a pane that is not on screen never has the keys.
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { dev } from '../helpers/lab-run.js';
import { KEY, rowOf, startConsole, type ConsoleRig } from '../helpers/console.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { Panel, seg } from '../../src/ui/components/lines.js';
import { frameProblems, frameWatch, type Size } from './frame-checks.js';

let rig: ConsoleRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const fleet = (): LabDeviceSpec[] => [
  dev('lon-acc-1', 'cat9300'),
  dev('lon-fw-a', 'panos', { haPeer: 'lon-fw-b', haRole: 'active', via: 'pano-1' }), dev('lon-fw-b', 'panos', { haPeer: 'lon-fw-a', haRole: 'passive', via: 'pano-1' }),
  { hostname: 'pano-1', kind: 'panorama', version: '11.1.4-h7', target: null, faults: [], site: 'lab', role: 'p', group: 'm' },
];

const selected = (f: string, host: string) => /^[│║] >/.test(rowOf(f, host));
/** The rows of the frame between the last bottom border and the hint bar: the flash message, unwrapped. */
const flashText = (f: string) => {
  const lines = f.split('\n');
  const border = lines.findLastIndex((l) => /^[└╚]/.test(l));
  return lines.slice(border + 1, -1).map((l) => l.trim()).join(' ');
};
/** A box's rows between its top and bottom borders, found by its title. */
const boxRows = (f: string, title: string) => {
  const lines = f.split('\n');
  const top = lines.findIndex((l) => l.includes(title));
  const end = lines.findIndex((l, i) => i > top && /^[└╚]/.test(l));
  return lines.slice(top + 1, end);
};

describe('a bordered box whose focus changes', () => {
  it('keeps its rows: no blank row at the top, its last line above the bottom border', () => {
    // Ink applies only the changed style props; a changed borderStyle set the top border back (vadimdemedes/ink#685).
    const lines = [[seg('first')], [seg('second')], [seg('last')]];
    const panel = (focused: boolean) => <Panel title={[seg('Box')]} w={30} rows={3} lines={lines} focused={focused} />;
    const ui = render(panel(true));
    ui.rerender(panel(false));
    const rows = (ui.lastFrame() ?? '').split('\n');
    expect(rows).toHaveLength(5);
    expect(rows[1]).toMatch(/^│ first/);
    expect(rows[3]).toMatch(/^│ last/);
    expect(rows[4]).toMatch(/^└─+┘$/);
    ui.rerender(panel(true));
    expect((ui.lastFrame() ?? '').split('\n')[1]).toMatch(/^║ first/);
    ui.unmount();
  });
});

/**
 * The tester's run at 140×45: reloads approved by --approve, the HA pair's switchover held. The
 * other sizes stop at the canary's reload gate, which comes in seconds (the pair's passive
 * member upgrades first, for twenty).
 */
const RUNS: { size: Size; host: string; kind: string; approve: string[] }[] = [
  { size: { columns: 80, rows: 24 }, host: 'lon-acc-1', kind: 'reload', approve: [] },
  { size: { columns: 100, rows: 30 }, host: 'lon-acc-1', kind: 'reload', approve: [] },
  { size: { columns: 140, rows: 45 }, host: 'lon-fw-a', kind: 'switchover', approve: ['reload'] },
  { size: { columns: 200, rows: 60 }, host: 'lon-acc-1', kind: 'reload', approve: [] },
];

describe.each(RUNS)('the console at $size.columns×$size.rows through a run to the $kind gate of $host', ({ size, host, kind, approve }) => {
  it('fits every frame to the terminal; the gate stays answerable; texts are whole', async () => {
    rig = await startConsole(fleet(), { size, speed: 100, settings: { batch_size: '100%' }, options: { approve } });
    const r = rig;
    const watch = frameWatch(size);
    const until = (test: (f: string) => boolean, timeoutMs?: number) => r.waitFor((f) => (watch.check(f), test(f)), timeoutMs);
    const press = async (...keys: string[]) => {
      for (const k of keys) {
        await r.press(k);
        watch.check(r.frame());
      }
    };
    const queue = size.columns >= 90 && size.rows >= 30;

    await until((f) => f.includes('READY – s starts'));
    await press('s');
    let f = await until((f) => rowOf(f, host).includes('held'), 60_000);
    expect(rowOf(f, 'lon-fw-a')).toContain('10.2.9-h1 → 11.1.4-h7');
    if (size.columns >= 100) expect(rowOf(f, host)).toContain(`${kind} (gate)`);
    // Nothing of the held row or of the counts is cut off: a narrow column says it in fewer words, zero counts give way.
    expect(rowOf(f, host)).not.toContain('…');
    expect(f.split('\n')[1]).toMatch(/held 1/);
    expect(f.split('\n')[1]).not.toContain('…');

    if (queue) {
      // Tab gives the queue the keys and the double border; both boxes keep their rows.
      await press(KEY.tab);
      f = await until((f) => /╔ Approvals \(1\)/.test(f));
      expect(boxRows(f, 'Approvals (1)')[0]).toMatch(new RegExp(`${kind} +${host}`));
      expect(boxRows(f, 'Approvals (1)').at(-1)).toMatch(/a approve · A all · x refuse/);
      expect(boxRows(f, 'Devices[3]')[0]).toMatch(/HOST/);
      await press(KEY.tab);
      await until((f) => /╔ Devices\[3\]/.test(f));
    } else {
      // No queue on screen: the header says how to answer, Tab is not offered and moves nothing.
      expect(f).toContain('1 gate waiting: a on a held device answers it, /held lists them');
      expect(f.split('\n').at(-1)).not.toContain('Tab pane');
      await press(KEY.tab);
      f = await until((f) => flashText(f).includes('the approvals queue needs a terminal of'));
      expect(f).toMatch(/╔ Devices\[3\]/);
      await press('G');
      await until((f) => selected(f, 'lon-fw-b'));
    }
    await press('g', ...(host === 'lon-fw-a' ? ['j'] : []));
    await until((f) => selected(f, host));

    // The quit dialog's sentences wrap to the box's edge, not under a label they do not have.
    await press('q');
    f = await until((f) => f.includes('Quit?'));
    const quit = boxRows(f, 'Quit?');
    expect(quit.filter((l) => /^[│║]  +[^\s│║]/.test(l))).toEqual([]);
    expect(quit.join(' ').replace(/[│║]/g, ' ').replace(/\s+/g, ' ')).toContain('Quitting stops safely: no new step starts, open gates stay held (nothing disruptive), devices already reloading reach a safe point');
    await press(KEY.esc);
    await until((f) => !f.includes('Quit?'));

    // The gate, answered from the table whatever the size.
    await press('a');
    await until((f) => f.includes(`Approve ${kind.toUpperCase()}`));
    await press('y');
    f = await until((f) => flashText(f).includes(`${kind} of ${host} approved`));
    expect(flashText(f)).toContain(`${kind} of ${host} approved (recorded with your user name and the time)`);
    if (kind === 'switchover') await until((f) => f.includes('FINISHED'), 60_000);

    // The export's message is whole (its path too), wrapped where it must be.
    await press('e');
    f = await until((f) => flashText(f).includes('exported to'));
    expect(flashText(f).replace(/\s+/g, '')).toMatch(new RegExp(`exportedto${r.run.dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/\\S+\\.xlsx`));
    expect(flashText(f)).not.toContain('…');

    await press('?');
    await until((f) => f.includes('Keys'));
    await press(KEY.esc, KEY.enter);
    await until((f) => f.includes('workbook    '));
    await press(KEY.esc);
    await until((f) => f.includes('Devices[3]'));
    expect(watch.report).toBe('');
  }, 120_000);
});

describe('the frame checks', () => {
  it('find a blank row under a top border, text in a bottom border and a line too wide', () => {
    const size = { columns: 20, rows: 6 };
    expect(frameProblems(['┌ A ────────────┐', '│ x              │', '└────────────────┘'].join('\n'), size)).toEqual([]);
    expect(frameProblems(['┌ A ────────────┐', '│                │', '└────────────────┘'].join('\n'), size)[0]).toMatch(/blank row under the top border/);
    expect(frameProblems(['┌ A ────────────┐', '│ x              │', '└─ lon-dist-1 ──┘'].join('\n'), size)[0]).toMatch(/bottom border with text/);
    expect(frameProblems('x'.repeat(21), size)[0]).toMatch(/21 columns wide/);
    expect(frameProblems(Array(6).fill('x').join('\n'), size)[0]).toMatch(/6 lines on a terminal of 6 rows/);
  });
});
