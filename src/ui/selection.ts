// What the keys act on, derived from the UI state and the model at the
// moment a key arrives (not from the last render, which may be behind when
// keys come fast).
import type { Gate } from '../engine/gates.js';
import type { KeyState, Scope } from './keymap.js';
import type { FleetModel } from './model.js';
import type { DeviceView } from './views.js';

export type Dialog =
  | { type: 'gate'; gateId: string; openedAt: number }
  | { type: 'all'; kind: string; ids: string[]; typed: string; openedAt: number };

/** The credentials prompt: the field being typed and what was typed (memory only, cleared once used). */
export interface LoginForm {
  field: 'username' | 'password' | 'enable';
  username: string;
  password: string;
  enable: string;
  problem: string | null;
  /** Asked again with `L`: the session has credentials, which Esc keeps. */
  again?: boolean;
}
export const EMPTY_LOGIN: LoginForm = { field: 'username', username: '', password: '', enable: '', problem: null };

export interface UiState {
  scope: Scope;
  pane: 'devices' | 'approvals';
  /** The selected device, by name, so it stays selected while the list changes. */
  host: string | null;
  index: number;
  approval: number;
  filter: string;
  dialog: Dialog | null;
  /** Where Esc and dialogs return to. */
  back: 'main' | 'details';
  /** A safe stop for quitting is under way; a Ctrl+C now quits at once. */
  quitting: boolean;
  /** Ctrl+C was pressed (and the operator did not choose to stay since): the next one quits at once. */
  interrupted: boolean;
  login: LoginForm;
  /** The first line of the `?` help on screen. */
  helpTop: number;
}

export const INITIAL_UI: UiState = { scope: 'main', pane: 'devices', host: null, index: 0, approval: 0, filter: '', dialog: null, back: 'main', quitting: false, interrupted: false, login: EMPTY_LOGIN, helpTop: 0 };

export interface Selection {
  /** The pane keys act on: the devices whenever the approvals queue is not on screen. */
  pane: UiState['pane'];
  list: DeviceView[];
  index: number;
  device: DeviceView | null;
  gates: Gate[];
  approval: number;
  selectedGate: Gate | null;
  /** The kind `A` approves: the selected gate's, or the only kind waiting. */
  allKind: string | null;
  keyState: KeyState;
}

/**
 * `queueHiddenBelow`: the terminal size that would show the approvals queue, when the last layout
 * drawn had no room for it (null when it is on screen); a pane not on screen never has the keys.
 */
export function select(model: FleetModel, ui: UiState, queueHiddenBelow: string | null = null): Selection {
  const pane = queueHiddenBelow === null ? ui.pane : 'devices';
  const list = model.filtered(ui.filter);
  let index = ui.host ? list.findIndex((d) => d.row.hostname === ui.host) : -1;
  if (index < 0) index = Math.min(ui.index, Math.max(0, list.length - 1));
  const device = list[index] ?? null;
  const gates = [...model.gates.values()];
  const approval = Math.min(ui.approval, Math.max(0, gates.length - 1));
  const selectedGate = pane === 'approvals' ? gates[approval] ?? null : device?.gate ?? null;
  const kinds = new Set(gates.map((g) => g.kind));
  const allKind = selectedGate?.kind ?? (kinds.size === 1 ? [...kinds][0] : null);
  return {
    pane, list, index, device, gates, approval, selectedGate, allKind,
    keyState: { queueHiddenBelow, phase: model.run.phase, selectedGate: !!selectedGate, selectedGateKind: allKind, pendingGates: gates.length, selectedStatus: device?.status ?? null, hasDevice: !!device, quitAsked: ui.quitting || ui.interrupted },
  };
}
