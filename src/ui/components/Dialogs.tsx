// The dialogs in front of anything disruptive. The gate dialog opens with the
// focus on Cancel: Enter closes it, only the approve key does; approving every
// gate of a kind needs the count typed out. The keys and their labels are
// read from the key table by binding id, so the dialogs say what keys do.
// Each returns a title and lines, so the layout knows the dialog's height
// before drawing it.
import type { Gate } from '../../engine/gates.js';
import type { DeviceView } from '../views.js';
import { binding } from '../keymap.js';
import { duration, hhmm } from '../format.js';
import { seg, type Line, type Seg } from './lines.js';

const LABEL = 12;
const labelled = (label: string, text: string, tone: Parameters<typeof seg>[1] = null): Line => [seg(label.padEnd(LABEL), 'muted'), seg(text, tone)];

export function gateDialogLines(gate: Gate, device: DeviceView | undefined): Line[] {
  const f = device?.facts;
  // The redundancy may carry its own parentheses ("HA pair (peer active on …)"): a separator, not more of them.
  const what = [f?.model, f?.redundancy && f.redundancy !== 'standalone' ? f.redundancy : null].filter(Boolean).join(' · ');
  const lines: Line[] = [
    [seg(gate.hostname, 'accent', { bold: true }), seg(what ? `  ${what}` : ''), seg(gate.kind === 'rollback' || gate.kind === 'commit' ? `  running ${device?.current ?? '?'}, which failed its post-checks` : device?.current && device.row.targetVersion ? `  ${device.current} → ${device.row.targetVersion}` : '')],
    ...(gate.why ? [labelled('why:', gate.why, 'bad')] : []),
    ...gate.commands.map((c, i) => labelled(i === 0 ? 'will send:' : '', c, 'accent')),
    labelled('impact:', gate.impact, 'wait'),
    ...gate.blastRadius.map((b, i) => labelled(i === 0 ? 'also:' : '', b, 'wait')),
  ];
  if (gate.rollback) lines.push(labelled('rollback:', gate.rollback));
  return lines;
}

export interface DialogView { title: Line; lines: Line[] }

/**
 * Where a dialog line's wrapped rows start: under the text of a labelled line ("will send:", "impact:",
 * an answer's key), at the left edge for a sentence of its own (the quit dialog's).
 */
export function dialogIndent(line: Line): number {
  const first = line[0]?.t ?? '';
  return first.length === LABEL && /^\S*\s+$/.test(first) ? LABEL : 0;
}

/** A key and what it does, as the key table writes them. */
const keyed = (id: string, label?: string): Seg[] => {
  const b = binding(id);
  return [seg(b.keys, null, { bold: true }), seg(` ${label ?? b.hint ?? b.description}`)];
};
const GUARD_NOTE = '   (keys held down are ignored)';
const capital = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** The focused Cancel button, with the keys that press it. */
function cancelButton(guard: boolean): Line {
  const close = binding('gateClose');
  return [seg('  '), seg(`[ ${capital(close.hint ?? 'cancel')} ]`, 'accent', { inverse: true, bold: true }), seg(` ${close.keys}`, 'muted'), seg(guard ? GUARD_NOTE : '', 'muted')];
}

/** An answer of a dialog whose answers each say what they do: the key, then the sentence. */
function answerLine(id: string, text: string): Line {
  const [k] = keyed(id);
  return [{ ...k, t: k.t.padEnd(LABEL) }, seg(text)];
}

/**
 * The commit gate is asked after a refused rollback left an activated, uncommitted install:
 * both answers change where the device ends, so each says what it does.
 */
function commitAnswers(gate: Gate, device: DeviceView | undefined, now: number): Line[] {
  const host = gate.hostname;
  const version = device?.current ?? device?.row.targetVersion ?? 'the new version';
  const u = device?.uncommitted;
  const at = u?.abortsAt ? Date.parse(u.abortsAt) : NaN;
  const when = !Number.isNaN(at)
    ? `at ${hhmm(new Date(at))} (in ${duration(Math.max(0, at - now))}), when its auto-abort timer runs out`
    : `when its auto-abort timer${u?.autoAbort ? ` (${u.autoAbort})` : ''} runs out`;
  // Not an uncommitted install (a PAN-OS member left suspended): the engine says what refusing leaves.
  const leave = u || !gate.ifRefused ? `nothing is sent now; ${host} reloads back by itself ${when}` : gate.ifRefused;
  return [
    answerLine('gateApprove', `commit now: ${host} stays on ${version} for good, although it failed its post-checks`),
    answerLine('gateRefuse', `leave it: ${leave}`),
  ];
}

export function gateDialog(gate: Gate, device: DeviceView | undefined, guard: boolean, now: number): DialogView {
  const lines = gateDialogLines(gate, device);
  lines.push([]);
  if (gate.kind === 'commit') {
    // The answers last: a dialog cut to fit a small terminal keeps its last lines.
    lines.push(cancelButton(guard), ...commitAnswers(gate, device, now));
    return { title: [seg(device?.uncommitted || !gate.ifRefused ? 'Approve COMMIT, or leave it to the auto-abort timer' : 'Approve COMMIT, or leave it as it is', 'wait', { bold: true })], lines };
  }
  if (gate.kind === 'rollback' && gate.ifRefused) {
    // Both answers change where the device ends: each says what it does, as the commit dialog's do.
    lines.push(cancelButton(guard), answerLine('gateApprove', `roll back: ${gate.impact}`), answerLine('gateRefuse', `refuse: ${gate.ifRefused}`));
    return { title: [seg('Approve ROLLBACK, or refuse it', 'wait', { bold: true })], lines };
  }
  lines.push([...cancelButton(false), seg('   '), ...keyed('gateApprove'), seg('   '), ...keyed('gateRefuse'), seg(guard ? GUARD_NOTE : '', 'muted')]);
  return { title: [seg(`Approve ${gate.kind.toUpperCase()}`, 'wait', { bold: true })], lines };
}

export function approveAllDialog(kind: string, gates: Gate[], typed: string): DialogView {
  const shown = gates.slice(0, 5);
  const lines: Line[] = shown.map((g, i) => [seg((i === 0 ? 'will send:' : '').padEnd(LABEL), 'muted'), seg(g.hostname.padEnd(16), 'accent', { bold: true }), seg(g.commands.join(' ; '), 'accent')]);
  if (gates.length > shown.length) lines.push(labelled('', `… and ${gates.length - shown.length} more ${kind} gates (each in the approvals queue)`, 'muted'));
  // Each device's own impact: devices of one kind still differ (a stack, a standby, an HA peer).
  shown.forEach((g, i) => lines.push(labelled(i === 0 ? 'impact:' : '', `${g.hostname}: ${g.impact}`, 'wait')));
  const blast = [...new Set(gates.flatMap((g) => g.blastRadius.map((b) => `${g.hostname}: ${b}`)))];
  blast.slice(0, 5).forEach((b, i) => lines.push(labelled(i === 0 ? 'also:' : '', b, 'wait')));
  if (blast.length > 5) lines.push(labelled('', `… and ${blast.length - 5} more`, 'muted'));
  lines.push([]);
  lines.push([seg(`Type ${gates.length} and press ${binding('countConfirm').keys} to approve all ${gates.length} ${kind} gates: `), seg(` ${typed.padEnd(String(gates.length).length)} `, 'accent', { inverse: true }), seg(`   ${binding('countClose').keys} ${binding('countClose').hint}`, 'muted')]);
  return { title: [seg(`Approve ALL ${kind.toUpperCase()} gates (${gates.length})`, 'wait', { bold: true })], lines };
}

export function quitDialog(inFlight: number, gates: number, undecided: string[] = []): DialogView {
  const lines: Line[] = [
    [seg(`${inFlight} device${inFlight === 1 ? ' is' : 's are'} in flight${gates ? `, ${gates} gate${gates === 1 ? '' : 's'} waiting` : ''}.`)],
    // One line: it wraps at the dialog's edge, however wide the terminal is.
    [seg('Quitting stops safely: no new step starts, open gates stay held (nothing disruptive), devices already reloading reach a safe point, then the workbook and the state are saved.')],
  ];
  // A device waiting for its rollback decision stays on the version that failed its checks, uncommitted.
  if (undecided.length) lines.push([seg(`${undecided.join(', ')}: ${undecided.length === 1 ? 'waits' : 'wait'} for a rollback decision. Quitting leaves ${undecided.length === 1 ? 'it' : 'them'} on the version that failed its post-checks (an uncommitted install reloads back by itself when its auto-abort timer runs out).`, 'bad')]);
  // The forced quit on its own line, above the answers (a cut dialog keeps its last two lines): it is no answer to the dialog.
  lines.push([], keyed('forceQuit').map((s) => ({ ...s, tone: 'muted' as const })), [...keyed('quitConfirm'), seg('    '), ...keyed('quitStay')]);
  return { title: [seg('Quit?', 'wait', { bold: true })], lines };
}
