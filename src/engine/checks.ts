// Post-checks: the post-upgrade snapshot against the pre-upgrade one, within
// the Settings margins. Counts are compared for every platform; where a
// driver's snapshot lists an area by item (routes, ARP entries, peers,
// tunnels…), every item that went missing is named. Pure, so it is tested
// on its own.
import type { Snapshot, SnapshotArea, SnapshotItem } from '../drivers/contract.js';

export interface Margins { routePercent: number; arpPercent: number; sessionPercent: number }
export interface DiffItem {
  name: string;
  pre: string;
  post: string;
  ok: boolean;
  detail: string;
  /** Each item of the area that was working before and is not (or is gone), with why. */
  missing?: string[];
}
export interface Diff {
  ok: boolean;
  items: DiffItem[];
  summary: string;
  /** The HA peer whose state was compared (it carries the pair's traffic now), when not the device itself. */
  seenOn?: string;
}

/** How many missing items a detail names before "and N more" (the full list is in `missing`). */
const NAMED = 10;

function countItem(name: string, pre: number | null, post: number | null, margin: number): DiffItem | null {
  if (pre === null && post === null) return null;
  if (pre === null || post === null) return { name, pre: String(pre ?? '–'), post: String(post ?? '–'), ok: post !== null || pre === 0, detail: post === null ? 'no longer readable' : 'newly readable' };
  const change = pre === 0 ? (post === 0 ? 0 : 100) : (Math.abs(post - pre) / pre) * 100;
  const ok = change <= margin;
  return { name, pre: String(pre), post: String(post), ok, detail: `${pre} → ${post} (${change.toFixed(1)}% ${ok ? '≤' : '>'} ${margin}%)` };
}

function marginOf(area: SnapshotArea, m: Margins): number {
  return area.margin === 'route' ? m.routePercent : area.margin === 'arp' ? m.arpPercent : area.margin === 'session' ? m.sessionPercent : 0;
}

/** Why an item that was up no longer counts: gone, down, or up without what it carried. */
function lostReason(before: SnapshotItem, after: SnapshotItem | undefined): string | null {
  if (!after) return `${before.key} (gone)`;
  if (!after.up) return `${before.key} (${after.state || 'down'}${before.state && before.state !== after.state ? `, was ${before.state}` : ''})`;
  if ((before.value ?? 0) > 0 && after.value === 0) return `${before.key} (${after.state}, 0 prefixes, was ${before.value})`;
  return null;
}

function areaItems(pre: SnapshotArea, post: SnapshotArea, m: Margins): DiffItem[] {
  const out: DiffItem[] = [];
  const margin = marginOf(pre, m);
  if (pre.items) {
    const after = new Map((post.items ?? []).map((i) => [i.key, i]));
    const wasUp = pre.items.filter((i) => i.up);
    const missing = post.items === null ? [] : wasUp.map((i) => lostReason(i, after.get(i.key))).filter((x): x is string => x !== null);
    const postUp = (post.items ?? []).filter((i) => i.up).length;
    const change = wasUp.length ? (missing.length / wasUp.length) * 100 : 0;
    const ok = post.items !== null && (pre.margin === 'none' ? missing.length === 0 : change <= margin);
    const named = missing.slice(0, NAMED).join(', ') + (missing.length > NAMED ? ` and ${missing.length - NAMED} more` : '');
    const within = pre.margin === 'none' ? '' : ` (${change.toFixed(1)}% ${change <= margin ? '≤' : '>'} ${margin}%)`;
    const detail = post.items === null ? 'no longer readable'
      : missing.length === 0 ? `${wasUp.length} kept${postUp > wasUp.length ? `, ${postUp - wasUp.length} more than before` : ''}`
        : `${missing.length} of ${wasUp.length} missing${within}: ${named}`;
    if (wasUp.length > 0 || postUp > 0) out.push({ name: pre.name, pre: String(wasUp.length), post: String(postUp), ok, detail, ...(missing.length ? { missing } : {}) });
  }
  for (const [key, before] of Object.entries(pre.counts ?? {})) {
    const item = countItem(`${pre.name} ${key}`, before, post.counts?.[key] ?? null, margin);
    if (item) out.push(item);
  }
  return out;
}

export function diffSnapshots(pre: Snapshot, post: Snapshot, m: Margins): Diff {
  const items: DiffItem[] = [];
  const push = (i: DiffItem | null) => i && items.push(i);
  // An area listed by item in both snapshots replaces the count of the same name.
  const byItem = new Set((pre.areas ?? []).filter((a) => (post.areas ?? []).some((b) => b.name === a.name)).map((a) => a.name));
  const counted = (name: string) => !byItem.has(name);
  if (counted('routes')) push(countItem('routes', pre.routes, post.routes, m.routePercent));
  if (counted('arp')) push(countItem('arp', pre.arp, post.arp, m.arpPercent));
  if (counted('sessions')) push(countItem('sessions', pre.sessions, post.sessions, m.sessionPercent));
  const upBgp = pre.bgp.filter((n) => n.state === 'Established');
  if (counted('bgp') && (upBgp.length > 0 || post.bgp.length > 0)) {
    const lost = upBgp.filter((n) => post.bgp.find((p) => p.address === n.address)?.state !== 'Established');
    const postUp = post.bgp.filter((n) => n.state === 'Established').length;
    items.push({ name: 'bgp', pre: `${upBgp.length}/${pre.bgp.length}`, post: `${postUp}/${post.bgp.length}`, ok: lost.length === 0, detail: lost.length ? `down: ${lost.map((n) => n.address).join(', ')}` : `${upBgp.length} established neighbours kept` });
  }
  const fullOspf = pre.ospf.filter((n) => n.state.startsWith('FULL'));
  if (counted('ospf') && (fullOspf.length > 0 || post.ospf.length > 0)) {
    const lost = fullOspf.filter((n) => !post.ospf.find((p) => p.routerId === n.routerId)?.state.startsWith('FULL'));
    items.push({ name: 'ospf', pre: String(fullOspf.length), post: String(post.ospf.filter((n) => n.state.startsWith('FULL')).length), ok: lost.length === 0, detail: lost.length ? `not FULL: ${lost.map((n) => n.routerId).join(', ')}` : `${fullOspf.length} full adjacencies kept` });
  }
  const upIfs = pre.interfaces.filter((i) => i.up);
  if (counted('interfaces') && upIfs.length > 0) {
    const down = upIfs.filter((i) => !post.interfaces.find((p) => p.name === i.name)?.up);
    items.push({ name: 'interfaces', pre: String(upIfs.length), post: String(post.interfaces.filter((i) => i.up).length), ok: down.length === 0, detail: down.length ? `down: ${down.slice(0, 5).map((i) => i.name).join(', ')}${down.length > 5 ? ` and ${down.length - 5} more` : ''}` : `${upIfs.length} up interfaces kept` });
  }
  for (const area of pre.areas ?? []) {
    const after = post.areas?.find((a) => a.name === area.name);
    if (after) items.push(...areaItems(area, after, m));
  }
  const ok = items.every((i) => i.ok);
  return { ok, items, summary: items.map((i) => `${i.name} ${i.pre} → ${i.post} ${i.ok ? '✓' : '✗'}`).join('; ') || 'nothing to compare' };
}
