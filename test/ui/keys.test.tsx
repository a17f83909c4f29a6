// The key table is the one place keys are written: the dialogs, the
// credentials prompt, the hint bar and the `?` help all name the keys (and
// their labels) from it, so a changed binding changes what the screen says.
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import type { Key } from 'ink';
import { KEYMAP, lookup, type Binding } from '../../src/ui/keymap.js';
import { approveAllDialog, gateDialog, quitDialog, type DialogView } from '../../src/ui/components/Dialogs.js';
import { CredentialsPrompt } from '../../src/ui/components/CredentialsPrompt.js';
import { headerLines, helpLines } from '../../src/ui/components/Chrome.js';
import { DeviceTable } from '../../src/ui/components/DeviceTable.js';
import type { ConsoleInfo } from '../../src/ui/controller.js';
import { FleetModel } from '../../src/ui/model.js';
import type { DeviceView } from '../../src/ui/views.js';
import type { KeyState } from '../../src/ui/keymap.js';
import type { Gate, GateKind } from '../../src/engine/gates.js';
import type { DeviceRow } from '../../src/store/types.js';

const byId = (id: string): Binding => {
  const b = KEYMAP.find((x) => x.id === id);
  if (!b) throw new Error(`the key table has no binding ${id}`);
  return b;
};
const changed: { b: Binding; keys: string; hint?: string }[] = [];
/** Changes a binding for one test, as someone editing the key table would. */
function rebind(id: string, keys: string, hint?: string): void {
  const b = byId(id);
  changed.push({ b, keys: b.keys, hint: b.hint });
  b.keys = keys;
  if (hint !== undefined) b.hint = hint;
}
afterEach(() => {
  for (const c of changed.splice(0)) Object.assign(c.b, { keys: c.keys, hint: c.hint });
});

const text = (d: DialogView) => d.lines.map((l) => l.map((s) => s.t).join('')).join('\n');
const gate = (kind: GateKind, impact = 'traffic through sw-1 stops'): Gate => ({ id: 'g1', hostname: 'sw-1', kind, step: 'activate', commands: ['install commit'], impact, blastRadius: [], rollback: null });
const row: DeviceRow = {
  hostname: 'sw-1', host: '127.0.0.1', port: null, platform: 'iosxe', targetVersion: '17.9.5', image: null, site: null, role: null, group: null,
  wave: null, haPeer: null, via: null, credential: 'default', windowStart: null, windowEnd: null, enabled: true, notes: null, row: 2,
};
const state: KeyState = { phase: 'credentials', selectedGate: false, selectedGateKind: null, pendingGates: 0, selectedStatus: null, hasDevice: false, quitAsked: false };
const key = (k: Partial<Key>): Key => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, ...k } as Key);

describe('dialogs name their keys from the key table', () => {
  it('the gate dialog', () => {
    expect(text(gateDialog(gate('reload'), undefined, false, Date.now()))).toMatch(/\[ Cancel \] Esc\/Enter\s+y approve this device\s+n refuse/);
    rebind('gateApprove', 'F5', 'say yes');
    rebind('gateRefuse', 'F6', 'say no');
    rebind('gateClose', 'F7', 'back out');
    const t = text(gateDialog(gate('reload'), undefined, false, Date.now()));
    expect(t).toMatch(/\[ Back out \] F7\s+F5 say yes\s+F6 say no/);
    expect(t).not.toMatch(/\by approve|\bn refuse/);
  });

  it('the approve-all and quit dialogs', () => {
    rebind('countConfirm', 'F8');
    rebind('countClose', 'F9', 'never mind');
    const all = text(approveAllDialog('reload', [gate('reload')], ''));
    expect(all).toContain('Type 1 and press F8 to approve all 1 reload gates');
    expect(all).toContain('F9 never mind');
    rebind('quitConfirm', 'F10', 'leave now');
    rebind('quitStay', 'F11');
    expect(text(quitDialog(1, 0))).toMatch(/F10 leave now\s+F11 stay/);
  });
});

describe('the commit gate: what each answer does', () => {
  it('says commit now keeps the new version, and leaving it means the device reloads back by itself at the timer\'s time', () => {
    const now = Date.parse('2026-11-21T02:00:00');
    const m = new FleetModel([{ row }], 0);
    m.apply({ type: 'facts', hostname: 'sw-1', facts: { uncommitted: { detail: 'an activated, uncommitted install', autoAbort: '01:00:00', abortsAt: '2026-11-21T03:30:00' } } as never, summary: { model: 'C9300-48P', serial: null, version: '17.9.5', mode: 'install mode', redundancy: 'standalone', storage: null, cpu: null, notes: [] }, at: new Date(now).toISOString() });
    const d = m.device('sw-1') as DeviceView;
    const t = text(gateDialog(gate('commit', 'keeps 17.9.5 for good, although it failed its post-checks'), d, false, now));
    expect(t).toMatch(/^y\s+commit now: sw-1 stays on 17\.9\.5 for good/m);
    expect(t).toMatch(/^n\s+leave it: nothing is sent now; sw-1 reloads back by itself at 03:30 \(in 1h30m\), when its auto-abort timer runs out/m);
    expect(t).toMatch(/\[ Cancel \] Esc\/Enter/);
    expect(t).not.toContain('approve this');
    m.dispose();
  });

  it('without the timer\'s time, says the timer (as the device shows it) reloads it back', () => {
    const m = new FleetModel([{ row }], 0);
    m.apply({ type: 'facts', hostname: 'sw-1', facts: { uncommitted: { detail: 'x', autoAbort: '00:45:10', abortsAt: null } } as never, summary: { model: null, serial: null, version: '17.9.5', mode: null, redundancy: 'standalone', storage: null, cpu: null, notes: [] }, at: new Date().toISOString() });
    const t = text(gateDialog(gate('commit'), m.device('sw-1'), false, Date.now()));
    expect(t).toMatch(/leave it: nothing is sent now; sw-1 reloads back by itself when its auto-abort timer \(00:45:10\) runs out/);
    m.dispose();
  });
});

describe('the commit gate of a member left suspended (no timer)', () => {
  it('says what the engine says refusing leaves, and does not speak of a timer', () => {
    const m = new FleetModel([{ row }], 0);
    const g = { ...gate('commit', 'keeps 11.1.4-h7 for good, although it failed its post-checks (HA made functional again)'), ifRefused: 'nothing is sent now; sw-1 is left suspended: its HA peer carries the traffic, with no standby' };
    const dialog = gateDialog(g, m.device('sw-1'), false, Date.now());
    const t = text(dialog);
    expect(t).toMatch(/^n\s+leave it: nothing is sent now; sw-1 is left suspended: its HA peer carries the traffic, with no standby$/m);
    expect(t).not.toContain('auto-abort');
    expect(dialog.title.map((x) => x.t).join('')).toBe('Approve COMMIT, or leave it as it is');
    m.dispose();
  });
});

describe('the credentials prompt reads its keys from the key table', () => {
  it('dispatches Enter, Backspace, text and Ctrl+C through the credentials bindings', () => {
    expect(lookup('credentials', '\r', key({ return: true }), state)?.id).toBe('loginNext');
    expect(lookup('credentials', '', key({ backspace: true }), state)?.id).toBe('loginErase');
    expect(lookup('credentials', 's3cret', key({}), state)?.id).toBe('loginType');
    expect(lookup('credentials', 'c', key({ ctrl: true }), state)?.id).toBe('loginQuit');
    // Keys of the device table mean nothing while the credentials are asked.
    expect(lookup('credentials', '\t', key({ tab: true }), state)).toBeUndefined();
  });

  it('writes its hint line from the bindings, and masks the passwords', () => {
    const form = { field: 'password' as const, username: 'ops', password: 'hunter2', enable: '', problem: null };
    const ui = render(<CredentialsPrompt names={['default']} form={form} state={state} />);
    expect(ui.lastFrame()).toMatch(/Enter next field · Esc cancel · Ctrl\+C quit/);
    expect(ui.lastFrame()).toContain('*******');
    expect(ui.lastFrame()).not.toContain('hunter2');
    rebind('loginNext', 'F3', 'on to the next');
    ui.rerender(<CredentialsPrompt names={['default']} form={form} state={state} />);
    expect(ui.lastFrame()).toMatch(/F3 on to the next · Esc cancel · Ctrl\+C quit/);
    ui.unmount();
  });

  it('has its own section in the ? help', () => {
    const help = helpLines(state, 100).map((l) => l.map((s) => s.t).join('')).join('\n');
    expect(help).toMatch(/Credentials prompt[\s\S]*Enter\s+next field/);
  });
});

describe('texts that name a key take it from the key table', () => {
  const info: ConsoleInfo = { workbook: 'fleet.xlsx', stateDir: '.', dryRun: false, concurrency: 1, reloadTimeoutMs: 600_000, window: { start: null, end: null }, credentialNames: ['default'] };
  const header = (m: FleetModel) => headerLines(m, info, Date.now(), 160)[0].map((x) => x.t).join('');

  it('the header: what starts the run', () => {
    const m = new FleetModel([{ row, readiness: null }], 0);
    m.run.phase = 'idle';
    m.apply({ type: 'checks', hostname: 'sw-1', phase: 'pre', checks: [{ name: 'disk', ok: true, detail: 'fine' }], at: new Date().toISOString() } as never);
    expect(header(m)).toContain('READY – s starts the run');
    rebind('startPause', 'F2');
    expect(header(m)).toContain('READY – F2 starts the run');
    m.run.phase = 'finished';
    expect(header(m)).toContain('FINISHED – F2 runs again');
    m.dispose();
  });

  it('the device table: what clears a filter that matches nothing', () => {
    const table = () => render(<DeviceTable rows={[]} offset={0} selected={0} total={3} filter="nope" filtering={false} focused w={100} height={8} clock={{ now: Date.now(), reloadTimeoutMs: 1 }} />);
    let ui = table();
    expect(ui.lastFrame()).toContain('no device matches the filter (Esc clears it)');
    ui.unmount();
    rebind('filterClear', 'F4');
    ui = table();
    expect(ui.lastFrame()).toContain('no device matches the filter (F4 clears it)');
    ui.unmount();
  });
});

describe('the second Ctrl+C is a binding of its own, the one key that confirms what it opened', () => {
  const ctrlC = key({ ctrl: true });
  const asked = { ...state, phase: 'running' as const, quitAsked: true };
  const fresh = { ...state, phase: 'running' as const, quitAsked: false };

  it('a first Ctrl+C asks or stops safely; once a quit was asked, Ctrl+C forces it, in every scope, the credentials prompt too', () => {
    for (const scope of ['main', 'details', 'filter', 'gate', 'approveAll', 'quit', 'help'] as const) {
      expect(lookup(scope, 'c', ctrlC, fresh)?.id).toBe('interrupt');
      expect(lookup(scope, 'c', ctrlC, asked)?.id).toBe('forceQuit');
    }
    expect(lookup('credentials', 'c', ctrlC, state)?.id).toBe('loginQuit');
    expect(lookup('credentials', 'c', ctrlC, { ...state, quitAsked: true })?.id).toBe('forceQuit');
  });

  it('is no approval: not marked as one, and the ? help lists it with what it leaves', () => {
    expect(byId('forceQuit').dangerous).toBeFalsy();
    const help = helpLines(asked, 140).map((l) => l.map((x) => x.t).join('')).join('\n');
    expect(help).toMatch(/Ctrl\+C twice quit at once without the safe stop; the next run observes the devices first/);
    expect(help).not.toMatch(/Ctrl\+C twice[^\n]*\[approves\]/);
  });

  it('the quit dialog shows it on its own line, apart from the answers', () => {
    const lines = text(quitDialog(1, 1)).split('\n');
    const forced = lines.findIndex((l) => l.startsWith('Ctrl+C twice quit at once without the safe stop'));
    expect(forced).toBeGreaterThan(0);
    expect(lines[forced]).not.toMatch(/stop safely and quit|stay/);
    expect(lines[forced + 1]).toMatch(/^y stop safely and quit\s+Esc\/n stay$/);
    rebind('forceQuit', 'F12 F12');
    expect(text(quitDialog(1, 1))).toMatch(/^F12 F12 quit at once without the safe stop/m);
  });
});
