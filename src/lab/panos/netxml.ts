// The XML API answers about forwarding state: routes (legacy engine and
// advanced routing engine), BGP peers, IPsec tunnels, ARP, interfaces and
// session counters. Shapes: docs/devices/panos-api.md.
import type { Forwarding, Route } from './network.js';
import { cdata, success, xmlOf } from './xml.js';

const FLAGS = 'flags: A:active, ?:loose, C:connect, H:host, S:static, ~:internal, R:rip, O:ospf, B:bgp, Oi:ospf intra-area, Oo:ospf inter-area, O1:ospf ext-type-1, O2:ospf ext-type-2, E:ecmp, M:multicast';

/** `show routing route` (legacy routing engine). */
export function routesXml(net: Forwarding): string {
  const entries = net.routes.map((r) => ({
    'virtual-router': r.vr, destination: r.destination, nexthop: r.nexthop, metric: r.metric ?? null, flags: `${r.flags} `, age: r.ageS ?? null, interface: r.iface || null, 'route-table': 'unicast',
  }));
  return success(xmlOf({ flags: FLAGS, 'entry*': entries }));
}

const DISTANCE: Record<Route['proto'], number> = { connected: 0, local: 0, static: 10, bgp: 20 };

function uptime(s: number): string {
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  return d >= 7 ? `${String(Math.floor(d / 7)).padStart(2, '0')}w${d % 7}d${String(h).padStart(2, '0')}h` : `${d}d${String(h).padStart(2, '0')}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `show advanced-routing route`: a JSON document, logical router → prefix → routes. */
export function areRoutesXml(net: Forwarding, sinceBootS: number): string {
  const lr: Record<string, unknown[]> = {};
  for (const r of net.routes) {
    const nexthop = r.proto === 'connected' ? { directlyConnected: true, interfaceName: r.iface, active: true, fib: true }
      : r.nexthop === 'discard' ? { blackhole: true, active: true, fib: true }
        : { ip: r.nexthop, afi: 'ipv4', interfaceName: r.iface, active: true, fib: true, weight: 1 };
    (lr[r.destination] ??= []).push({
      prefix: r.destination, prefixLen: Number(r.destination.split('/')[1]), protocol: r.proto, vrfName: 'default', selected: true, destSelected: true,
      distance: DISTANCE[r.proto], metric: r.metric ?? 0, installed: true, table: 254, internalStatus: 16, internalFlags: 8, internalNextHopNum: 1, internalNextHopActiveNum: 1,
      uptime: uptime(r.ageS ?? sinceBootS), nexthops: [nexthop],
    });
  }
  return success(`<json>${cdata(JSON.stringify({ default: lr }))}</json>`);
}

/** `show routing protocol bgp peer`: one <entry peer= vr=> per peer; no peers is an empty result. */
export function bgpPeersXml(net: Forwarding): string {
  return success(xmlOf({ 'entry*': net.peers.map((p) => ({
    '@peer': p.name, '@vr': 'default', 'peer-group': p.group, 'peer-router-id': p.status === 'Established' ? p.address : '0.0.0.0', 'remote-as': p.remoteAs,
    status: p.status, 'status-duration': p.upS, 'password-set': 'no', passive: 'no', 'multi-hop-ttl': 1, 'peer-address': `${p.address}:${p.status === 'Established' ? 179 : 0}`,
    'local-address': `${p.local}:${p.status === 'Established' ? 35_355 : 0}`, 'reflector-client': 'not-client', 'same-confederation': 'no', 'aggregate-confed-as': 'yes', 'peering-type': 'Unspecified',
    'connect-retry-interval': 15, 'open-delay': 0, 'idle-hold': 15, 'prefix-limit': 5000, holdtime: p.status === 'Established' ? 90 : 0, 'holdtime-config': 90, keepalive: p.status === 'Established' ? 30 : 0,
    'keepalive-config': 30, 'msg-update-in': p.prefixes, 'msg-update-out': 1, 'msg-total-in': 385 + p.prefixes, 'msg-total-out': 442, 'last-update-age': 3, 'last-error': null,
    'status-flap-counts': p.status === 'Established' ? 2 : 3, 'established-counts': p.status === 'Established' ? 1 : 0, 'ORF-entry-received': 0, 'nexthop-self': 'no', 'nexthop-thirdparty': 'yes', 'nexthop-peer': 'no',
    config: { 'remove-private-as': 'no' },
    'peer-capability': { 'list*': [{ capability: 'Multiprotocol Extensions(1)', value: 'IPv4 Unicast' }, { capability: 'Route Refresh(2)', value: 'yes' }, { capability: '4-Byte AS Number(65)', value: p.remoteAs }] },
    'prefix-counter': { 'entry*': [{ '@afi-safi': 'bgpAfiIpv4-unicast', 'incoming-total': p.prefixes, 'incoming-accepted': p.prefixes, 'incoming-rejected': 0, 'policy-rejected': 0, 'outgoing-total': 0, 'outgoing-advertised': 0 }] },
  })) }));
}

/** `show advanced-routing bgp peer status`: JSON per logical router (the lab's reading of the ARE form). */
export function areBgpXml(net: Forwarding): string {
  const peers = Object.fromEntries(net.peers.map((p) => [p.address, { peerName: p.name, peerGroup: p.group, remoteAs: p.remoteAs, localAs: 65_001, state: p.status, prefixesReceived: p.prefixes, uptime: uptime(p.upS) }]));
  return success(`<json>${cdata(JSON.stringify({ default: { peers } }))}</json>`);
}

/** `show running tunnel flow all`. */
export function tunnelsXml(net: Forwarding): string {
  return success(xmlOf({
    dp: 'dp0', num_ipsec: net.tunnels.length, num_sslvpn: 0, hop: null,
    IPSec: net.tunnels.map((t) => ({ name: t.name, id: t.id, gwid: t.gwid, 'inner-if': t.innerIf, 'outer-if': t.outerIf, localip: t.localip, peerip: t.peerip, state: t.state, mon: 'off', owner: 1 })),
    'SSL-VPN': null, 'GlobalProtect-Gateway': null, 'GlobalProtect-site-to-site': null, total: net.tunnels.length,
  }));
}

/** `<show><arp><entry name='all'/></arp></show>`. */
export function arpXml(net: Forwarding): string {
  return success(xmlOf({
    dp: 'dp0', timeout: 1800, total: net.arp.length,
    entries: net.arp.map((a) => ({ status: ' c ', ip: a.ip, mac: a.mac, ttl: a.ttl, interface: a.iface, port: a.iface })),
    max: 32_000,
  }));
}

/** `show interface "hardware"`, or `show interface "all"` (logical interfaces too). */
export function interfacesXml(net: Forwarding, which: string): string {
  const hw = net.interfaces.map((i) => ({
    name: i.name, id: i.id, type: 0, mac: i.mac, speed: i.state === 'up' ? '10000' : 'ukn', duplex: i.state === 'up' ? 'full' : 'ukn', state: i.state, mode: '(autoneg)', st: i.state === 'up' ? '10000/full/up' : 'ukn/ukn/down',
  }));
  if (which !== 'all') return success(xmlOf({ hw }));
  const ifnet = net.interfaces.map((i) => ({ name: i.name, zone: i.zone || null, fwd: i.ip ? 'vr:default' : 'N/A', vsys: 1, 'dyn-addr': null, addr6: null, tag: 0, ip: i.ip ?? 'N/A', id: i.id, addr: null }));
  return success(xmlOf({ ifnet, hw }));
}

/** `show session info`: counters (which ones appear varies by release; these are 10.x/11.x's). */
export function sessionInfoXml(net: Forwarding): string {
  const n = net.sessions;
  const fields: Record<string, unknown> = {
    'tmo-sctpshutdown': 60, 'tcp-nonsyn-rej': 'True', 'tmo-tcptimewait': 15, 'age-scan-thresh': 80, 'tmo-tcp-unverif-rst': 30, 'age-scan-ssf': 8, 'tmo-tcpinit': 5,
    'num-max': 2_000_000, 'num-active': n, 'num-tcp': Math.floor(n * 0.7), 'num-udp': Math.floor(n * 0.28), 'num-icmp': 120, 'num-sctp-assoc': 0, 'num-sctp-sess': 0,
    'num-gtpc': 0, 'num-gtpu-active': 0, 'num-gtpu-pending': 0, 'num-bcast': 0, 'num-mcast': 0, 'num-predict': 0, 'num-installed': n * 3, 'num-imsi': 0,
    cps: 340, kbps: 91_200, pps: 12_400, 'tmo-def': 30, 'tmo-tcp': 3600, 'tmo-udp': 30, 'tmo-icmp': 6, 'tmo-cp': 30, 'tmo-tcphandshake': 10, 'tmo-tcphalfclosed': 120,
    'dis-def': 60, 'dis-tcp': 90, 'dis-udp': 60, 'icmp-unreachable-rate': 200, 'max-pending-mcast': 0, 'age-accel-en': 'True', 'age-accel-thresh': 80, 'age-accel-tsf': 2,
    'hw-offload': 'True', 'hw-udp-offload': 'True', 'ipv6-fw': 'True', 'strict-checksum': 'True', 'oor-action': 'drop', 'vardata-rate': 10_485_760, dp: '*.dp0',
  };
  return success(xmlOf(fields));
}

