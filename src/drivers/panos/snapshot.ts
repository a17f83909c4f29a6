// A firewall's forwarding state before and after an upgrade, by item: routes
// (the legacy or the advanced routing engine, whichever it runs), ARP,
// sessions, interfaces, BGP peers, IPsec tunnels, content and licences. The
// counts of the platform-neutral snapshot are filled too, for the summary.
import type { Snapshot, SnapshotArea } from '../contract.js';
import { CLI, CMD } from './commands.js';
import { systemInfo, type Conn } from './facts.js';
import { bgpItems, parseArp, parseAreBgpPeers, parseAreRoutes, parseBgpPeers, parseInterfaces, parseRoutes, parseSessionCounts, parseTunnels } from './parse-network.js';
import { parseHa, parseLicenses } from './parse-system.js';

/** The calls of a snapshot, in the order they are sent, for the engine it runs. */
export function snapshotCalls(advancedRouting: boolean): string[] {
  return [CLI.systemInfo, CLI.haState, CLI.sessionInfo, advancedRouting ? CLI.areRoutes : CLI.routes, CLI.arp, CLI.interfaces, advancedRouting ? CLI.areBgpPeers : CLI.bgpPeers, CLI.tunnels, CLI.licenses];
}

export async function takeSnapshot(c: Conn, step: string): Promise<Snapshot> {
  const sys = await systemInfo(c, step);
  const ha = parseHa(await c.op(CMD.haState, step));
  const are = sys.advancedRouting;
  const sessions = parseSessionCounts(await c.op(CMD.sessionInfo, step));
  const routes = are ? parseAreRoutes(await c.op(CMD.areRoutes, step)) : parseRoutes(await c.op(CMD.routes, step));
  const arp = parseArp(await c.op(CMD.arp, step));
  const interfaces = parseInterfaces(await c.op(CMD.interfaces, step));
  const peers = are ? parseAreBgpPeers(await c.op(CMD.areBgpPeers, step)) : parseBgpPeers(await c.op(CMD.bgpPeers, step));
  const tunnels = parseTunnels(await c.op(CMD.tunnels, step));
  const licenses = parseLicenses(await c.op(CMD.licenses, step));
  const content = [
    { key: 'applications and threats', state: sys.appVersion ?? 'none', up: !!sys.appVersion && sys.appVersion !== '0' },
    { key: 'antivirus', state: sys.avVersion ?? 'none', up: !!sys.avVersion && sys.avVersion !== '0' },
  ];
  const areas: SnapshotArea[] = [
    { name: 'routes', margin: 'route', items: routes },
    { name: 'arp', margin: 'arp', items: arp },
    { name: 'sessions', margin: 'session', items: null, counts: sessions },
    { name: 'interfaces', margin: 'none', items: interfaces },
    { name: 'bgp', margin: 'none', items: bgpItems(peers) },
    { name: 'ipsec', margin: 'none', items: tunnels },
    { name: 'content', margin: 'none', items: content },
    { name: 'licences', margin: 'none', items: licenses.map((l) => ({ key: l.feature, state: l.expired ? 'expired' : `valid${l.expires ? ` until ${l.expires.slice(0, 10)}` : ''}`, up: !l.expired })) },
  ];
  return {
    routes: routes.filter((r) => r.up).length, routesBySource: {}, arp: arp.length,
    bgp: peers.map((p) => ({ address: p.address, state: p.state, prefixes: p.prefixes })), ospf: [],
    interfaces: interfaces.map((i) => ({ name: i.key, up: i.up })), sessions: sessions.active ?? null,
    takenAt: new Date().toISOString(), areas,
    ...(ha ? { haRole: ha.local === 'active' || ha.local.startsWith('active-') ? 'active' as const : 'standby' as const } : {}),
  };
}
