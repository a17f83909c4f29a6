// Post-checks: the post-upgrade snapshot against the pre-upgrade one, within
// the Settings margins. Pure, so it is tested on its own.
import type { Snapshot } from '../drivers/contract.js';

export interface Margins { routePercent: number; arpPercent: number; sessionPercent: number }
export interface DiffItem { name: string; pre: string; post: string; ok: boolean; detail: string }
export interface Diff { ok: boolean; items: DiffItem[]; summary: string }

function countItem(name: string, pre: number | null, post: number | null, margin: number): DiffItem | null {
  if (pre === null && post === null) return null;
  if (pre === null || post === null) return { name, pre: String(pre ?? '–'), post: String(post ?? '–'), ok: post !== null || pre === 0, detail: post === null ? 'no longer readable' : 'newly readable' };
  const change = pre === 0 ? (post === 0 ? 0 : 100) : (Math.abs(post - pre) / pre) * 100;
  const ok = change <= margin;
  return { name, pre: String(pre), post: String(post), ok, detail: `${pre} → ${post} (${change.toFixed(1)}% ${ok ? '≤' : '>'} ${margin}%)` };
}

export function diffSnapshots(pre: Snapshot, post: Snapshot, m: Margins): Diff {
  const items: DiffItem[] = [];
  const push = (i: DiffItem | null) => i && items.push(i);
  push(countItem('routes', pre.routes, post.routes, m.routePercent));
  push(countItem('arp', pre.arp, post.arp, m.arpPercent));
  push(countItem('sessions', pre.sessions, post.sessions, m.sessionPercent));
  const upBgp = pre.bgp.filter((n) => n.state === 'Established');
  if (upBgp.length > 0 || post.bgp.length > 0) {
    const lost = upBgp.filter((n) => post.bgp.find((p) => p.address === n.address)?.state !== 'Established');
    const postUp = post.bgp.filter((n) => n.state === 'Established').length;
    items.push({ name: 'bgp', pre: `${upBgp.length}/${pre.bgp.length}`, post: `${postUp}/${post.bgp.length}`, ok: lost.length === 0, detail: lost.length ? `down: ${lost.map((n) => n.address).join(', ')}` : `${upBgp.length} established neighbours kept` });
  }
  const fullOspf = pre.ospf.filter((n) => n.state.startsWith('FULL'));
  if (fullOspf.length > 0 || post.ospf.length > 0) {
    const lost = fullOspf.filter((n) => !post.ospf.find((p) => p.routerId === n.routerId)?.state.startsWith('FULL'));
    items.push({ name: 'ospf', pre: String(fullOspf.length), post: String(post.ospf.filter((n) => n.state.startsWith('FULL')).length), ok: lost.length === 0, detail: lost.length ? `not FULL: ${lost.map((n) => n.routerId).join(', ')}` : `${fullOspf.length} full adjacencies kept` });
  }
  const upIfs = pre.interfaces.filter((i) => i.up);
  if (upIfs.length > 0) {
    const down = upIfs.filter((i) => !post.interfaces.find((p) => p.name === i.name)?.up);
    items.push({ name: 'interfaces', pre: String(upIfs.length), post: String(post.interfaces.filter((i) => i.up).length), ok: down.length === 0, detail: down.length ? `down: ${down.slice(0, 5).map((i) => i.name).join(', ')}${down.length > 5 ? ` and ${down.length - 5} more` : ''}` : `${upIfs.length} up interfaces kept` });
  }
  const ok = items.every((i) => i.ok);
  return { ok, items, summary: items.map((i) => `${i.name} ${i.pre} → ${i.post} ${i.ok ? '✓' : '✗'}`).join('; ') || 'nothing to compare' };
}
