// The dialogs in front of anything disruptive. The gate dialog opens with the
// focus on Cancel: Enter closes it, only `y` approves; approving every gate
// of a kind needs the count typed out. Each returns a title and lines, so
// the layout knows the dialog's height before drawing it.
import type { Gate } from '../../engine/gates.js';
import type { DeviceView } from '../model.js';
import { seg, type Line } from './lines.js';

const LABEL = 12;
const labelled = (label: string, text: string, tone: Parameters<typeof seg>[1] = null): Line => [seg(label.padEnd(LABEL), 'muted'), seg(text, tone)];

export function gateDialogLines(gate: Gate, device: DeviceView | undefined): Line[] {
  const f = device?.facts;
  const what = [f?.model, f?.redundancy && f.redundancy !== 'standalone' ? `(${f.redundancy})` : null].filter(Boolean).join(' ');
  const lines: Line[] = [
    [seg(gate.hostname, 'accent', { bold: true }), seg(what ? `  ${what}` : ''), seg(gate.kind === 'rollback' || gate.kind === 'commit' ? `  running ${device?.current ?? '?'}, which failed its post-checks` : device?.current && device.row.targetVersion ? `  ${device.current} → ${device.row.targetVersion}` : '')],
    ...gate.commands.map((c, i) => labelled(i === 0 ? 'will send:' : '', c, 'accent')),
    labelled('impact:', gate.impact, 'wait'),
    ...gate.blastRadius.map((b, i) => labelled(i === 0 ? 'also:' : '', b, 'wait')),
  ];
  if (gate.rollback) lines.push(labelled('rollback:', gate.rollback));
  return lines;
}

export interface DialogView { title: Line; lines: Line[] }

export function gateDialog(gate: Gate, device: DeviceView | undefined, guard: boolean): DialogView {
  const lines = gateDialogLines(gate, device);
  lines.push([]);
  lines.push([seg('        '), seg('[ Cancel ]', 'accent', { inverse: true, bold: true }), seg('    '), seg('y', null, { bold: true }), seg(` approve this ${gate.kind}    `), seg('n', null, { bold: true }), seg(' refuse    '), seg(guard ? '(keys held down are ignored)' : '', 'muted')]);
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
  lines.push([seg(`Type ${gates.length} and press Enter to approve all ${gates.length} ${kind} gates: `), seg(` ${typed.padEnd(String(gates.length).length)} `, 'accent', { inverse: true }), seg('   Esc cancels', 'muted')]);
  return { title: [seg(`Approve ALL ${kind.toUpperCase()} gates (${gates.length})`, 'wait', { bold: true })], lines };
}

export function quitDialog(inFlight: number, gates: number, undecided: string[] = []): DialogView {
  const lines: Line[] = [
    [seg(`${inFlight} device${inFlight === 1 ? ' is' : 's are'} in flight${gates ? `, ${gates} gate${gates === 1 ? '' : 's'} waiting` : ''}.`)],
    [seg('Quitting stops safely: no new step starts, open gates stay held (nothing disruptive),')],
    [seg('devices already reloading reach a safe point, then the workbook and the state are saved.')],
  ];
  // A device waiting for its rollback decision stays on the version that failed its checks, uncommitted.
  if (undecided.length) lines.push([seg(`${undecided.join(', ')}: ${undecided.length === 1 ? 'waits' : 'wait'} for a rollback decision. Quitting leaves ${undecided.length === 1 ? 'it' : 'them'} on the version that failed its post-checks (an uncommitted install reloads back by itself when its auto-abort timer runs out).`, 'bad')]);
  lines.push([], [seg('y', null, { bold: true }), seg(' stop safely and quit    '), seg('Esc', null, { bold: true }), seg(' stay')]);
  return { title: [seg('Quit?', 'wait', { bold: true })], lines };
}
