// The one key table: dispatch, the `?` help, its section titles and the hint
// bar are all made from it (as in k9s and lazygit), so what the screen says
// is what keys do. Each binding carries its handler.
import type { Key } from 'ink';
import * as act from './actions.js';
import type { RunPhase } from './views.js';

/** Where the keys go: `credentials` while the login is asked (no other key works then). */
export type Scope = 'main' | 'details' | 'filter' | 'gate' | 'approveAll' | 'quit' | 'help' | 'credentials';

/** What decides whether a key is available now. */
export interface KeyState {
  phase: RunPhase;
  selectedGate: boolean;
  selectedGateKind: string | null;
  pendingGates: number;
  selectedStatus: string | null;
  hasDevice: boolean;
  /** A Ctrl+C asked to quit, or a safe stop for quitting is under way: another Ctrl+C forces the quit. */
  quitAsked: boolean;
  /** The approvals queue is not on screen: the terminal size that would show it ("90×26"). */
  queueHiddenBelow?: string | null;
}

export interface Binding {
  id: string;
  scopes: Scope[];
  /** How the key is written in help and hints. */
  keys: string;
  match(input: string, key: Key): boolean;
  description: string;
  /** Short label for the hint bar; bindings without one are only in `?` help. */
  hint?: string;
  /** Approves device work: a single key never does it, only a dialog (y for one, the typed count for all). */
  dangerous?: boolean;
  /** Works right after a dialog opens, when other keys are still ignored (a key held down). */
  always?: boolean;
  /** Why the key does nothing now, or null when it is available. */
  disabled?(s: KeyState): string | null;
  /** The binding applies only in this state; otherwise the next binding of the same key does (the first Ctrl+C asks, the second forces). */
  when?(s: KeyState): boolean;
  run: act.Handler;
}

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;
const ctrlC = (input: string, key: Key) => key.ctrl && input === 'c';
const printable = (input: string, key: Key) => input.length > 0 && !key.ctrl && !key.meta && !key.return && !key.tab && !key.escape && !key.backspace && !key.delete && !/[\x00-\x1f]/.test(input);
const NAV: Scope[] = ['main', 'details'];
/** Every scope but the credentials prompt, which has its own way out. */
const ALL: Scope[] = ['main', 'details', 'filter', 'gate', 'approveAll', 'quit', 'help'];
/** Tab never moves the keys to a pane that is not drawn; gates stay answerable from the table. */
const queueHidden = (s: KeyState) =>
  s.queueHiddenBelow ? `the approvals queue needs a terminal of ${s.queueHiddenBelow} or more; ${binding('approve').keys} on a held device answers its gate (${binding('filter').keys}held lists them)` : null;
const noGate = (s: KeyState) => (s.selectedGate ? null : 'the selected device has no open gate; devices waiting for approval are "held"');

export const KEYMAP: Binding[] = [
  { id: 'up', scopes: NAV, keys: '↑/k', match: (i, k) => k.upArrow || ch('k')(i, k), description: 'previous device', hint: 'move', run: act.move(-1) },
  { id: 'down', scopes: NAV, keys: '↓/j', match: (i, k) => k.downArrow || ch('j')(i, k), description: 'next device', run: act.move(1) },
  { id: 'top', scopes: NAV, keys: 'g', match: ch('g'), description: 'first device', run: act.move('top') },
  { id: 'bottom', scopes: NAV, keys: 'G', match: ch('G'), description: 'last device', run: act.move('bottom') },
  { id: 'pageUp', scopes: NAV, keys: 'PgUp', match: (_i, k) => k.pageUp, description: 'one page up', run: act.pageUp },
  { id: 'pageDown', scopes: NAV, keys: 'PgDn', match: (_i, k) => k.pageDown, description: 'one page down', run: act.pageDown },
  { id: 'details', scopes: ['main'], keys: 'Enter', match: (_i, k) => k.return, description: 'details of the selected device: facts, pre-checks, diff, timeline, log', hint: 'details', disabled: (s) => (s.hasDevice ? null : 'no device selected'), run: act.openDetails },
  { id: 'back', scopes: ['details'], keys: 'Esc', match: (_i, k) => k.escape, description: 'back to the device table', hint: 'back', run: act.backToTable },
  { id: 'pane', scopes: ['main'], keys: 'Tab', match: (_i, k) => k.tab, description: 'switch between the device table and the approvals queue', hint: 'pane', disabled: queueHidden, run: act.switchPane },
  { id: 'filter', scopes: NAV, keys: '/', match: ch('/'), description: 'filter: words match hostname, site, group or status; key=value matches one field (site=lon status=held)', hint: 'filter', run: act.openFilter },
  { id: 'approve', scopes: NAV, keys: 'a', match: ch('a'), description: 'open the approval dialog of the selected gate', hint: 'approve', dangerous: true, disabled: noGate, run: act.openGate },
  {
    id: 'approveAll', scopes: NAV, keys: 'A', match: ch('A'), description: 'approve every pending gate of the selected kind (asks you to type the count)', hint: 'all', dangerous: true,
    disabled: (s) => (s.pendingGates === 0 ? 'no gate is waiting' : s.selectedGateKind ? null : 'gates of several kinds are waiting: select one of the kind to approve'), run: act.openApproveAll,
  },
  {
    id: 'refuse', scopes: NAV, keys: 'x', match: ch('x'), hint: 'refuse', disabled: noGate, run: act.refuseSelected,
    description: 'refuse the selected gate: its step is not done and the device is held. A rollback or commit gate opens its dialog instead, which says what each answer does: a refused rollback leaves the device on the version that failed its post-checks, a refused commit leaves it to its auto-abort timer, which reloads it back later',
  },
  {
    id: 'startPause', scopes: NAV, keys: 's', match: ch('s'), description: 'start the upgrade run; pause it (no new step starts); resume', hint: 'start/pause',
    disabled: (s) => (s.phase === 'credentials' ? 'enter the credentials first' : s.phase === 'checking' ? 'the readiness check is still running' : s.phase === 'stopping' ? 'the run is stopping' : null), run: act.startPause,
  },
  { id: 'cancel', scopes: NAV, keys: 'c', match: ch('c'), description: 'cancel the selected device: no new step starts on it (one already reloading reaches a safe point first)', hint: 'cancel', disabled: (s) => (!s.hasDevice ? 'no device selected' : s.phase === 'idle' || s.phase === 'finished' ? 'nothing is running' : null), run: act.cancelDevice },
  {
    id: 'login', scopes: NAV, keys: 'L', match: ch('L'), description: 'enter the credentials again (a wrong password, another account); then the readiness check runs again',
    disabled: (s) => (s.phase === 'idle' || s.phase === 'finished' ? null : 'the credentials can be changed when nothing runs'), run: act.relogin,
  },
  { id: 'export', scopes: NAV, keys: 'e', match: ch('e'), description: 'export the workbook with status columns and an Audit sheet beside the workbook', hint: 'export', run: act.exportRecord },
  { id: 'help', scopes: NAV, keys: '?', match: ch('?'), description: 'this help', hint: 'help', run: act.openHelp },
  { id: 'quit', scopes: NAV, keys: 'q', match: ch('q'), description: 'quit (asks first when devices are in flight)', hint: 'quit', run: act.quit(false) },
  { id: 'interrupt', scopes: ALL, keys: 'Ctrl+C', match: ctrlC, when: (s) => !s.quitAsked, description: 'quit as q does: asks first when devices are in flight, else stops safely (in the quit dialog: stops safely)', always: true, run: act.quit(true) },
  // The one key that confirms what it opened (docs/architecture.md, "The console"): getting out is the terminal's
  // convention for a second Ctrl+C, and it answers no gate; the journal lets the next run observe the devices.
  // Also in the credentials prompt, ahead of its own Ctrl+C, so a second one there forces too.
  {
    id: 'forceQuit', scopes: [...ALL, 'credentials'], keys: 'Ctrl+C twice', match: ctrlC, when: (s) => s.quitAsked, always: true, run: act.forceQuit,
    description: 'quit at once without the safe stop; the next run observes the devices first',
  },

  { id: 'filterApply', scopes: ['filter'], keys: 'Enter', match: (_i, k) => k.return, description: 'keep this filter', hint: 'keep', run: act.keepFilter },
  { id: 'filterClear', scopes: ['filter'], keys: 'Esc', match: (_i, k) => k.escape, description: 'clear the filter', hint: 'clear', run: act.clearFilter },
  { id: 'filterErase', scopes: ['filter'], keys: 'Backspace', match: (_i, k) => k.backspace || k.delete, description: 'erase a character', run: act.eraseFilter },
  { id: 'filterType', scopes: ['filter'], keys: 'text', match: printable, description: 'type the filter', run: act.typeFilter },

  { id: 'gateApprove', scopes: ['gate'], keys: 'y', match: ch('y'), description: 'approve this one device', hint: 'approve this device', dangerous: true, run: act.approveInDialog },
  { id: 'gateRefuse', scopes: ['gate'], keys: 'n', match: ch('n'), description: 'refuse: nothing is sent to this device now (a refused rollback leaves it on the new version; a refused commit leaves it to its auto-abort timer, which reloads it back later)', hint: 'refuse', run: act.refuseInDialog },
  { id: 'gateClose', scopes: ['gate'], keys: 'Esc/Enter', match: (_i, k) => k.escape || k.return, description: 'cancel: close the dialog, the gate stays open (Enter never approves)', hint: 'cancel', run: act.cancelDialog },

  { id: 'countType', scopes: ['approveAll'], keys: '0-9', match: (i, k) => /^[0-9]$/.test(i) && !k.ctrl, description: 'type how many gates you approve', run: act.typeCount },
  { id: 'countErase', scopes: ['approveAll'], keys: 'Backspace', match: (_i, k) => k.backspace || k.delete, description: 'erase a digit', run: act.eraseCount },
  { id: 'countConfirm', scopes: ['approveAll'], keys: 'Enter', match: (_i, k) => k.return, description: 'approve them all once the typed count matches', hint: 'approve when the count matches', dangerous: true, run: act.confirmCount },
  { id: 'countClose', scopes: ['approveAll'], keys: 'Esc', match: (_i, k) => k.escape, description: 'cancel: nothing is approved', hint: 'cancel', run: act.cancelCount },

  { id: 'quitConfirm', scopes: ['quit'], keys: 'y', match: ch('y'), description: 'stop safely and quit', hint: 'stop safely and quit', run: act.confirmQuit },
  { id: 'quitStay', scopes: ['quit'], keys: 'Esc/n', match: (i, k) => k.escape || ch('n')(i, k), description: 'stay', hint: 'stay', run: act.stay },

  { id: 'helpDown', scopes: ['help'], keys: '↓/j', match: (i, k) => k.downArrow || ch('j')(i, k), description: 'scroll the help down a line', run: act.scrollHelp(1) },
  { id: 'helpUp', scopes: ['help'], keys: '↑/k', match: (i, k) => k.upArrow || ch('k')(i, k), description: 'scroll the help up a line', run: act.scrollHelp(-1) },
  { id: 'helpPageDown', scopes: ['help'], keys: 'PgDn/Space', match: (i, k) => k.pageDown || ch(' ')(i, k), description: 'scroll the help down a page', hint: 'more', run: act.scrollHelp('page') },
  { id: 'helpPageUp', scopes: ['help'], keys: 'PgUp', match: (_i, k) => k.pageUp, description: 'scroll the help up a page', run: act.scrollHelp('-page') },
  { id: 'helpClose', scopes: ['help'], keys: 'Esc/?/q', match: (i, k) => k.escape || ch('?')(i, k) || ch('q')(i, k), description: 'close the help', hint: 'close', run: act.closeHelp },

  { id: 'loginNext', scopes: ['credentials'], keys: 'Enter', match: (_i, k) => k.return, description: 'next field; after the last one (the enable secret, Enter if not needed) the readiness check runs with these credentials', hint: 'next field', run: act.nextLoginField },
  { id: 'loginErase', scopes: ['credentials'], keys: 'Backspace', match: (_i, k) => k.backspace || k.delete, description: 'erase a character', run: act.eraseLogin },
  { id: 'loginType', scopes: ['credentials'], keys: 'text', match: printable, description: 'type the field (passwords show as *; kept in memory only, for this session)', run: act.typeLogin },
  { id: 'loginCancel', scopes: ['credentials'], keys: 'Esc', match: (_i, k) => k.escape, description: 'cancel a new login (L): back to the table, the credentials stay as they were', hint: 'cancel', run: act.cancelLogin },
  { id: 'loginQuit', scopes: ['credentials'], keys: 'Ctrl+C', match: ctrlC, description: 'quit (nothing is running while the credentials are asked)', hint: 'quit', run: act.quit(true) },
];

/** A binding by its id: dialogs and prompts name their keys from it, so they say what the table does. */
export function binding(id: string): Binding {
  const b = KEYMAP.find((x) => x.id === id);
  if (!b) throw new Error(`the key table has no binding "${id}"`);
  return b;
}

/** The first binding of this scope that matches the key and applies in this state (see `when`). */
export function lookup(scope: Scope, input: string, key: Key, s: KeyState): Binding | undefined {
  return KEYMAP.find((b) => b.scopes.includes(scope) && b.match(input, key) && (!b.when || b.when(s)));
}

/** The hint bar: the keys of this scope that have a label. */
export function hints(scope: Scope, s: KeyState): { keys: string; label: string; enabled: boolean }[] {
  return KEYMAP.filter((b) => b.hint && b.scopes.includes(scope)).map((b) => ({ keys: b.keys, label: b.hint!, enabled: !b.disabled?.(s) }));
}

/** The `?` help's sections: their titles (naming the keys that open them) and the scopes each shows. */
export const HELP_SECTIONS: { title: string; scopes: Scope[] }[] = [
  { title: 'Devices and details', scopes: ['main', 'details'] },
  { title: `Filter (${binding('filter').keys})`, scopes: ['filter'] },
  { title: `Gate dialog (${binding('approve').keys}, or ${binding('refuse').keys} on a rollback or commit)`, scopes: ['gate'] },
  { title: `Approve all (${binding('approveAll').keys})`, scopes: ['approveAll'] },
  { title: `Quit dialog (${binding('quit').keys})`, scopes: ['quit'] },
  { title: `Help (${binding('help').keys})`, scopes: ['help'] },
  { title: 'Credentials prompt', scopes: ['credentials'] },
];
