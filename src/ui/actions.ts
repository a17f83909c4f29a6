// What each key of the key table does. State changes are plain React state;
// everything that touches devices goes through the controller.
import type { Gate } from '../engine/gates.js';
import type { ConsoleController } from './controller.js';
import type { ActionId } from './keymap.js';
import type { Selection, UiState } from './selection.js';

export interface ActionContext {
  controller: ConsoleController;
  ui: UiState;
  /** Applies a change to the UI state at once (the next key already sees it). */
  setUi(patch: Partial<UiState>): void;
  sel: Selection;
  clock: () => number;
  onQuit(forced: boolean): void;
}

const PAGE = 10;

export function perform(c: ActionContext, id: ActionId, input: string): void {
  const { controller, ui, clock } = c;
  const { list, index, gates, approval, selectedGate } = c.sel;
  const { model } = controller;
  const set = c.setUi;
  const move = (delta: number | 'top' | 'bottom') => {
    const inQueue = ui.pane === 'approvals' && ui.scope === 'main';
    const from = inQueue ? approval : index;
    const count = inQueue ? gates.length : list.length;
    const to = Math.max(0, Math.min(count - 1, delta === 'top' ? 0 : delta === 'bottom' ? count - 1 : from + delta));
    if (inQueue) set({ approval: to, host: gates[to]?.hostname ?? ui.host });
    else set({ index: to, host: list[to]?.row.hostname ?? null });
  };
  const close = () => set({ scope: ui.back, dialog: null });
  const answer = (gate: Gate, decision: 'approved' | 'refused') => {
    if (!controller.answer(gate.id, decision)) return model.say(`the ${gate.kind} gate of ${gate.hostname} is no longer open`, 'warn');
    model.say(`${gate.kind} of ${gate.hostname} ${decision} (recorded with your user name and the time)`, decision === 'approved' ? 'info' : 'warn');
  };
  const quitNow = () => {
    set({ quitting: true, scope: 'main' });
    model.say('stopping safely: no new step starts; waiting for devices in flight to reach a safe point (Ctrl+C again quits at once)', 'warn');
    void controller.stop('quit from the console').then(() => c.onQuit(false));
  };

  {
    switch (id) {
      case 'up': return move(-1);
      case 'down': return move(1);
      case 'top': return move('top');
      case 'bottom': return move('bottom');
      case 'pageUp': return move(-PAGE);
      case 'pageDown': return move(PAGE);
      case 'details': return set({ scope: 'details', back: 'details', host: ui.pane === 'approvals' ? gates[approval]?.hostname ?? ui.host : list[index]?.row.hostname ?? null });
      case 'back': return set({ scope: 'main', back: 'main' });
      case 'pane': return set({ pane: ui.pane === 'devices' ? 'approvals' : 'devices', host: ui.pane === 'devices' ? gates[approval]?.hostname ?? ui.host : ui.host });
      case 'filter': return set({ scope: 'filter' });
      case 'filterType': return set({ filter: ui.filter + input, index: 0 });
      case 'filterErase': return set({ filter: ui.filter.slice(0, -1) });
      case 'filterApply': return set({ scope: ui.back });
      case 'filterClear': return set({ scope: ui.back, filter: '' });
      case 'help': return set({ scope: 'help' });
      case 'helpClose': return set({ scope: ui.back });
      case 'approve':
        if (selectedGate) set({ scope: 'gate', dialog: { type: 'gate', gateId: selectedGate.id, openedAt: clock() } });
        return;
      case 'approveAll': {
        const kind = c.sel.allKind;
        if (!kind) return;
        const ids = gates.filter((g) => g.kind === kind).map((g) => g.id);
        return set({ scope: 'approveAll', dialog: { type: 'all', kind, ids, typed: '', openedAt: clock() } });
      }
      case 'refuse':
        if (!selectedGate) return;
        // Refusing a rollback leaves the device on a version that failed its checks: say it in the dialog first.
        if (selectedGate.kind === 'rollback') {
          model.say('refusing a rollback leaves the device on the new version: press x in the dialog to confirm', 'warn');
          return set({ scope: 'gate', dialog: { type: 'gate', gateId: selectedGate.id, openedAt: clock() } });
        }
        return answer(selectedGate, 'refused');
      case 'gateApprove':
      case 'gateRefuse': {
        const gate = ui.dialog?.type === 'gate' ? model.gates.get(ui.dialog.gateId) : undefined;
        if (gate) answer(gate, id === 'gateApprove' ? 'approved' : 'refused');
        return close();
      }
      case 'gateClose':
        model.say('closed: nothing was approved; the gate stays open', 'info');
        return close();
      case 'countType':
        if (ui.dialog?.type === 'all' && ui.dialog.typed.length < 6) set({ dialog: { ...ui.dialog, typed: ui.dialog.typed + input } });
        return;
      case 'countErase':
        if (ui.dialog?.type === 'all') set({ dialog: { ...ui.dialog, typed: ui.dialog.typed.slice(0, -1) } });
        return;
      case 'countConfirm': {
        const d = ui.dialog;
        if (d?.type !== 'all') return;
        if (d.typed !== String(d.ids.length)) return model.say(`type ${d.ids.length} (the number of ${d.kind} gates) to approve them all`, 'warn');
        const done = d.ids.filter((gid) => controller.answer(gid, 'approved')).length;
        model.say(`approved ${done} ${d.kind} gate${done === 1 ? '' : 's'}${done < d.ids.length ? ` (${d.ids.length - done} were no longer open)` : ''}`, 'info');
        return close();
      }
      case 'countClose':
        model.say('closed: nothing was approved', 'info');
        return close();
      case 'startPause': return model.say(controller.toggleRun(), 'info');
      case 'cancel': {
        const host = ui.pane === 'approvals' ? gates[approval]?.hostname : list[index]?.row.hostname;
        if (host) model.say(controller.cancel(host), 'warn');
        return;
      }
      case 'export':
        model.say('exporting…', 'info');
        controller.exportWorkbook().then((file) => model.say(`exported to ${file}`, 'info'), (err: Error) => model.say(`export failed: ${err.message}`, 'error'));
        return;
      case 'quit':
      case 'interrupt': {
        if (ui.quitting) return id === 'interrupt' ? c.onQuit(true) : undefined;
        if (ui.scope === 'quit') return quitNow();
        const busy = model.run.phase === 'running' || model.run.phase === 'paused' || model.run.phase === 'stopping';
        if (busy && model.inFlight() > 0) return set({ scope: 'quit' });
        return quitNow();
      }
      case 'quitConfirm': return quitNow();
      case 'quitStay': return set({ scope: ui.back });
    }
  }
}
