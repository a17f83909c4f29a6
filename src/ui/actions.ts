// What keys do. The key table (keymap.ts) names one of these handlers per
// binding; state changes are plain UI state, everything that touches devices
// goes through the controller.
import type { Gate } from '../engine/gates.js';
import type { ConsoleController } from './controller.js';
import { EMPTY_LOGIN, type LoginForm, type Selection, type UiState } from './selection.js';

export interface ActionContext {
  controller: ConsoleController;
  ui: UiState;
  /** Applies a change to the UI state at once (the next key already sees it). */
  setUi(patch: Partial<UiState>): void;
  sel: Selection;
  clock: () => number;
  onQuit(forced: boolean): void;
  /** What the last frame showed, for keys that scroll it. */
  view: ViewInfo;
  /** A binding's keys as the key table writes them, for messages naming a key (the table imports this file, so it is handed in). */
  keyOf(id: string): string;
}

/** The `?` help as last drawn: its line count and the rows it had. */
export interface ViewInfo { helpLines: number; helpRows: number }

export type Handler = (c: ActionContext, input: string) => void;

const PAGE = 10;

/** Moves in the device table, or in the approvals queue when it has the focus. */
export const move = (delta: number | 'top' | 'bottom'): Handler => ({ ui, sel, setUi }) => {
  const inQueue = sel.pane === 'approvals' && ui.scope === 'main';
  const from = inQueue ? sel.approval : sel.index;
  const count = inQueue ? sel.gates.length : sel.list.length;
  const to = Math.max(0, Math.min(count - 1, delta === 'top' ? 0 : delta === 'bottom' ? count - 1 : from + delta));
  if (inQueue) setUi({ approval: to, host: sel.gates[to]?.hostname ?? ui.host });
  else setUi({ index: to, host: sel.list[to]?.row.hostname ?? null });
};
export const pageUp = move(-PAGE);
export const pageDown = move(PAGE);

export const openDetails: Handler = ({ ui, sel, setUi }) =>
  setUi({ scope: 'details', back: 'details', host: sel.pane === 'approvals' ? sel.gates[sel.approval]?.hostname ?? ui.host : sel.list[sel.index]?.row.hostname ?? null });
export const backToTable: Handler = ({ setUi }) => setUi({ scope: 'main', back: 'main' });
export const switchPane: Handler = ({ ui, sel, setUi }) =>
  setUi({ pane: sel.pane === 'devices' ? 'approvals' : 'devices', host: sel.pane === 'devices' ? sel.gates[sel.approval]?.hostname ?? ui.host : ui.host });

export const openFilter: Handler = ({ setUi }) => setUi({ scope: 'filter' });
export const typeFilter: Handler = ({ ui, setUi }, input) => setUi({ filter: ui.filter + input, index: 0 });
export const eraseFilter: Handler = ({ ui, setUi }) => setUi({ filter: ui.filter.slice(0, -1) });
export const keepFilter: Handler = ({ ui, setUi }) => setUi({ scope: ui.back });
export const clearFilter: Handler = ({ ui, setUi }) => setUi({ scope: ui.back, filter: '' });

export const openHelp: Handler = ({ setUi }) => setUi({ scope: 'help', helpTop: 0 });
/** The first help line shown, kept so that the last line can still be reached and no further. */
export const scrollHelp = (by: 1 | -1 | 'page' | '-page'): Handler => ({ ui, setUi, view }) => {
  const page = Math.max(1, view.helpRows - 2);
  const delta = by === 'page' ? page : by === '-page' ? -page : by;
  const max = Math.max(0, view.helpLines - (view.helpRows - 1));
  setUi({ helpTop: Math.max(0, Math.min(max, ui.helpTop + delta)) });
};
export const closeHelp: Handler = ({ ui, setUi }) => setUi({ scope: ui.back });

/** Opens the gate dialog of the selected gate: `a` to approve, `x` on a gate whose refusal needs its dialog. */
export const openGate: Handler = ({ sel, setUi, clock }) => {
  if (sel.selectedGate) setUi({ scope: 'gate', dialog: { type: 'gate', gateId: sel.selectedGate.id, openedAt: clock() } });
};

function answer(c: ActionContext, gate: Gate, decision: 'approved' | 'refused'): void {
  const { controller } = c;
  if (!controller.answer(gate.id, decision)) return controller.model.say(`the ${gate.kind} gate of ${gate.hostname} is no longer open`, 'warn');
  controller.model.say(`${gate.kind} of ${gate.hostname} ${decision} (recorded with your user name and the time)`, decision === 'approved' ? 'info' : 'warn');
}

/**
 * Gates whose refusal is itself a decision about the device, so one stray key must not make it:
 * a refused rollback leaves the version that failed its post-checks, a refused commit leaves an
 * uncommitted install whose auto-abort timer reloads the device later. `x` opens their dialog.
 */
const REFUSED_IN_DIALOG: Partial<Record<Gate['kind'], string>> = {
  rollback: 'refusing the rollback keeps the version that failed its post-checks: answer in the dialog',
  commit: 'refusing the commit lets the auto-abort timer reload the device back later: answer in the dialog',
};

/** `x`: refuses the selected gate, or opens its dialog when refusing it needs one (answered there by another key). */
export const refuseSelected: Handler = (c) => {
  const gate = c.sel.selectedGate;
  if (!gate) return;
  const why = REFUSED_IN_DIALOG[gate.kind];
  if (why) {
    c.controller.model.say(why, 'warn');
    return openGate(c, '');
  }
  answer(c, gate, 'refused');
};

const dialogGate = (c: ActionContext) => (c.ui.dialog?.type === 'gate' ? c.controller.model.gates.get(c.ui.dialog.gateId) : undefined);
const closeDialog = ({ ui, setUi }: ActionContext) => setUi({ scope: ui.back, dialog: null });

export const approveInDialog: Handler = (c) => {
  const gate = dialogGate(c);
  if (gate) answer(c, gate, 'approved');
  closeDialog(c);
};
export const refuseInDialog: Handler = (c) => {
  const gate = dialogGate(c);
  if (gate) answer(c, gate, 'refused');
  closeDialog(c);
};
export const cancelDialog: Handler = (c) => {
  c.controller.model.say('closed: nothing was approved; the gate stays open', 'info');
  closeDialog(c);
};

/** `A`: every pending gate of the selected kind, confirmed by typing their count. */
export const openApproveAll: Handler = ({ sel, setUi, clock }) => {
  const kind = sel.allKind;
  if (!kind) return;
  const ids = sel.gates.filter((g) => g.kind === kind).map((g) => g.id);
  setUi({ scope: 'approveAll', dialog: { type: 'all', kind, ids, typed: '', openedAt: clock() } });
};
export const typeCount: Handler = ({ ui, setUi }, input) => {
  if (ui.dialog?.type === 'all' && ui.dialog.typed.length < 6) setUi({ dialog: { ...ui.dialog, typed: ui.dialog.typed + input } });
};
export const eraseCount: Handler = ({ ui, setUi }) => {
  if (ui.dialog?.type === 'all') setUi({ dialog: { ...ui.dialog, typed: ui.dialog.typed.slice(0, -1) } });
};
export const confirmCount: Handler = (c) => {
  const d = c.ui.dialog;
  const { model } = c.controller;
  if (d?.type !== 'all') return;
  if (d.typed !== String(d.ids.length)) return model.say(`type ${d.ids.length} (the number of ${d.kind} gates) to approve them all`, 'warn');
  const done = d.ids.filter((gid) => c.controller.answer(gid, 'approved')).length;
  model.say(`approved ${done} ${d.kind} gate${done === 1 ? '' : 's'}${done < d.ids.length ? ` (${d.ids.length - done} were no longer open)` : ''}`, 'info');
  closeDialog(c);
};
export const cancelCount: Handler = (c) => {
  c.controller.model.say('closed: nothing was approved', 'info');
  closeDialog(c);
};

/** The credentials prompt: Enter moves to the next field; after the last it hands the login over and forgets it. */
const FIELDS: LoginForm['field'][] = ['username', 'password', 'enable'];
export const typeLogin: Handler = ({ ui, setUi }, input) => setUi({ login: { ...ui.login, [ui.login.field]: ui.login[ui.login.field] + input } });
export const eraseLogin: Handler = ({ ui, setUi }) => setUi({ login: { ...ui.login, [ui.login.field]: ui.login[ui.login.field].slice(0, -1) } });
export const nextLoginField: Handler = ({ ui, setUi, controller }) => {
  const f = ui.login;
  if (f.field === 'username' && !f.username.trim()) return setUi({ login: { ...f, problem: 'a username is needed' } });
  if (f.field !== 'enable') return setUi({ login: { ...f, field: FIELDS[FIELDS.indexOf(f.field) + 1], problem: null } });
  setUi({ login: EMPTY_LOGIN });
  controller.provideCredentials({ username: f.username.trim(), password: f.password, enable: f.enable || undefined });
};

/** Esc at the prompt: what was typed is forgotten; the session says whether there was a login to go back to. */
export const cancelLogin: Handler = ({ controller, setUi }) => {
  setUi({ login: EMPTY_LOGIN });
  controller.model.say(controller.cancelLogin(), 'info');
};
export const relogin: Handler = ({ controller, setUi }) => {
  controller.model.say(controller.relogin(), 'info');
  if (controller.model.run.phase === 'credentials') setUi({ login: { ...EMPTY_LOGIN, again: true } });
};

export const startPause: Handler = ({ controller }) => controller.model.say(controller.toggleRun(), 'info');

export const cancelDevice: Handler = ({ controller, sel }) => {
  const host = sel.pane === 'approvals' ? sel.gates[sel.approval]?.hostname : sel.list[sel.index]?.row.hostname;
  if (host) controller.model.say(controller.cancel(host), 'warn');
};

export const exportRecord: Handler = ({ controller }) => {
  const { model } = controller;
  model.say('exporting…', 'info');
  controller.exportWorkbook().then((file) => model.say(`exported to ${file}`, 'info'), (err: Error) => model.say(`export failed: ${err.message}`, 'error'));
};

/** How the console names a second Ctrl+C where one was just pressed: "Ctrl+C again", from the key table. */
const again = (c: ActionContext) => `${c.keyOf('interrupt')} again`;

function quitNow(c: ActionContext): void {
  c.setUi({ quitting: true, scope: 'main' });
  c.controller.model.say(`stopping safely: no new step starts; waiting for devices in flight to reach a safe point (${again(c)} quits at once)`, 'warn');
  void c.controller.stop('quit from the console').then(() => c.onQuit(false));
}

/**
 * `q` and a first Ctrl+C: asks first when devices are in flight, else stops safely. The second
 * Ctrl+C is its own binding (`forceQuit`), however soon it comes (no dialog guard delays it).
 */
export const quit = (interrupt: boolean): Handler => (c) => {
  const { ui } = c;
  const { model } = c.controller;
  if (ui.quitting) return;
  if (interrupt) c.setUi({ interrupted: true });
  if (ui.scope === 'quit') return quitNow(c);
  const busy = model.run.phase === 'running' || model.run.phase === 'paused' || model.run.phase === 'stopping';
  if (busy && model.inFlight() > 0) {
    c.setUi({ scope: 'quit' });
    if (interrupt) model.say(`${again(c)} quits at once (steps in flight are cut; the journal is safe)`, 'warn');
    return;
  }
  quitNow(c);
};
/**
 * The second Ctrl+C: the console ends now, without the safe stop. It answers nothing: open gates stay
 * unanswered and steps in flight stay open in the journal, which the next run reconciles against the
 * devices before doing anything (docs/architecture.md, "The console").
 */
export const forceQuit: Handler = ({ onQuit }) => onQuit(true);
export const confirmQuit: Handler = (c) => quitNow(c);
export const stay: Handler = ({ ui, setUi }) => setUi({ scope: ui.back, interrupted: false });
