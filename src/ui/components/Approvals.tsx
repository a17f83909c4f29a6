// The approvals queue: open gates, oldest first, then the answers already
// given as one logged line each (approved/refused, by whom, when).
import type { Gate } from '../../engine/gates.js';
import type { Answered } from '../views.js';
import { Panel, seg, type Line } from './lines.js';

export function ApprovalsPane({ gates, answered, selected, focused, w, rows }: { gates: Gate[]; answered: Answered[]; selected: number; focused: boolean; w: number; rows: number }) {
  const lines: Line[] = [];
  const room = Math.max(1, rows - 1);
  const start = Math.max(0, Math.min(selected - room + 1, gates.length - room));
  for (const [i, g] of gates.slice(start, start + room).entries()) {
    const on = focused && start + i === selected;
    lines.push([seg(`${g.kind.padEnd(11)}`, 'wait', { inverse: on }), seg(g.hostname, null, { inverse: on })]);
  }
  if (gates.length === 0) lines.push([seg('no gate is waiting', 'muted')]);
  for (const a of answered.slice().reverse()) {
    if (lines.length >= room) break;
    lines.push([seg(a.text, a.decision === 'approved' ? 'ok' : a.decision === 'refused' ? 'bad' : 'muted', { dim: true })]);
  }
  while (lines.length < room) lines.push([]);
  lines.push([seg('a approve · A all · x refuse', 'muted')]);
  return <Panel title={[seg(`Approvals (${gates.length})`, gates.length ? 'wait' : null, { bold: true })]} w={w} rows={rows} lines={lines} focused={focused} />;
}
