// Readers of the forwarding state a snapshot keeps, item by item: routes
// (legacy and advanced routing engine), BGP peers, IPsec tunnels, ARP,
// interfaces and session counters. Keys stay the same across a restart, so
// the post-check can name what went missing. Pure: table-tested over the
// fixtures in test/fixtures/panos.
import type { SnapshotItem } from '../contract.js';
import { child, list, num, text, type Xml } from './xml.js';

const unique = (items: SnapshotItem[]) => [...new Map(items.map((i) => [i.key, i])).values()];

/** `show routing route` (legacy engine): "default 10.20.0.0/22 via 10.2.7.254"; active when its flags carry A. */
export function parseRoutes(result: Xml): SnapshotItem[] {
  return unique(list(result.entry).filter((e) => text(e.destination)).map((e) => {
    const table = text(e['route-table']);
    const nexthop = text(e.nexthop) || text(e.interface) || 'none';
    const flags = text(e.flags);
    return { key: `${text(e['virtual-router']) || 'default'} ${text(e.destination)} via ${nexthop}${table && table !== 'unicast' ? ` (${table})` : ''}`, state: flags, up: /\bA\b/.test(flags) };
  }));
}

/** The JSON inside <json> (advanced routing answers); {} when absent. */
function json(result: Xml): Record<string, unknown> {
  const raw = text(result.json);
  if (!raw) return {};
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    throw new Error('the advanced routing answer is not JSON');
  }
}

interface AreNexthop { ip?: string; interfaceName?: string; directlyConnected?: boolean; blackhole?: boolean }
interface AreRoute { protocol?: string; installed?: boolean; selected?: boolean; nexthops?: AreNexthop[] }

/** `show advanced-routing route`: logical router → prefix → routes; installed routes only, one item per next hop. */
export function parseAreRoutes(result: Xml): SnapshotItem[] {
  const items: SnapshotItem[] = [];
  for (const [lr, prefixes] of Object.entries(json(result))) {
    if (!prefixes || typeof prefixes !== 'object') continue;
    for (const [prefix, routes] of Object.entries(prefixes as Record<string, AreRoute[]>)) {
      for (const r of Array.isArray(routes) ? routes : []) {
        for (const nh of r.nexthops?.length ? r.nexthops : [{}]) {
          const via = nh.blackhole ? 'discard' : nh.ip ?? nh.interfaceName ?? 'none';
          items.push({ key: `${lr} ${prefix} via ${via}`, state: `${r.protocol ?? ''}${r.installed ? ' installed' : ''}`.trim(), up: r.installed === true });
        }
      }
    }
  }
  return unique(items);
}

export interface BgpPeer { key: string; address: string; state: string; prefixes: number | null }

/** `show routing protocol bgp peer` (legacy engine): one <entry peer= vr=> per peer. */
export function parseBgpPeers(result: Xml): BgpPeer[] {
  return list(result.entry).map((e) => {
    const address = text(e['peer-address']).replace(/:\d+$/, '');
    const counter = list(child(e, 'prefix-counter').entry)[0];
    const prefixes = counter ? num(counter['incoming-accepted']) ?? num(counter['incoming-total']) : null;
    return { key: `${String(e['@vr'] ?? 'default')} ${String(e['@peer'] ?? address)} ${address}`, address, state: text(e.status), prefixes };
  });
}

interface ArePeer { peerName?: string; state?: string; prefixesReceived?: number }

/** `show advanced-routing bgp peer status`: JSON, logical router → peers by address. */
export function parseAreBgpPeers(result: Xml): BgpPeer[] {
  const out: BgpPeer[] = [];
  for (const [lr, v] of Object.entries(json(result))) {
    const peers = (v as { peers?: Record<string, ArePeer> } | null)?.peers ?? {};
    for (const [address, p] of Object.entries(peers)) out.push({ key: `${lr} ${p.peerName ?? address} ${address}`, address, state: p.state ?? '', prefixes: typeof p.prefixesReceived === 'number' ? p.prefixesReceived : null });
  }
  return out;
}

export function bgpItems(peers: BgpPeer[]): SnapshotItem[] {
  return peers.map((p) => ({ key: p.key, state: p.state, up: p.state === 'Established', ...(p.prefixes !== null ? { value: p.prefixes } : {}) }));
}

/** `show running tunnel flow all`: IPsec tunnels by name; up when `active`. */
export function parseTunnels(result: Xml): SnapshotItem[] {
  return list(child(result, 'IPSec').entry).map((t) => ({ key: text(t.name), state: text(t.state), up: text(t.state) === 'active' }));
}

/** ARP all: "ethernet1/2 10.1.3.10"; every entry but an incomplete one counts. */
export function parseArp(result: Xml): SnapshotItem[] {
  return unique(list(child(result, 'entries').entry).map((a) => ({ key: `${text(a.interface)} ${text(a.ip)}`, state: text(a.status), up: text(a.status) !== 'i' })));
}

/** `show interface hardware`: physical interfaces and their link state. */
export function parseInterfaces(result: Xml): SnapshotItem[] {
  return list(child(result, 'hw').entry).map((i) => ({ key: text(i.name), state: text(i.state), up: text(i.state) === 'up' }));
}

/** `show session info`: the counters compared within the session margin. */
export function parseSessionCounts(result: Xml): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, field] of [['active', 'num-active'], ['tcp', 'num-tcp'], ['udp', 'num-udp']]) {
    const n = num(result[field]);
    if (n !== null) out[name] = n;
  }
  return out;
}
