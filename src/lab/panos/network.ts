// What the firewall forwards: interfaces, routes, BGP peers, IPsec tunnels,
// ARP entries and sessions, made from its name so every run shows the same
// device. After a restart some of it may not come back (faults), the way a
// real upgrade can lose a BGP session, a tunnel or a few routes.
import type { PanosFault } from '../faults.js';
import { seeded } from './format.js';

export interface Iface { name: string; id: number; mac: string; state: 'up' | 'down'; ip: string | null; zone: string }
export interface Route { vr: string; destination: string; nexthop: string; metric: number | null; flags: string; iface: string; proto: 'connected' | 'local' | 'static' | 'bgp'; ageS: number | null }
export interface BgpPeer { name: string; group: string; address: string; local: string; remoteAs: number; status: string; prefixes: number; upS: number }
export interface Tunnel { name: string; id: number; gwid: number; innerIf: string; outerIf: string; localip: string; peerip: string; state: string }
export interface ArpEntry { iface: string; ip: string; mac: string; ttl: number }

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** What the forwarding calls read: the whole state of an active firewall, or what a standby member shows. */
export type Forwarding = Pick<Network, 'interfaces' | 'routes' | 'peers' | 'tunnels' | 'arp' | 'sessions'>;

export class Network {
  interfaces: Iface[] = [];
  routes: Route[] = [];
  peers: BgpPeer[] = [];
  tunnels: Tunnel[] = [];
  arp: ArpEntry[] = [];
  sessions = 0;
  private readonly pristine: { routes: Route[]; peers: BgpPeer[]; tunnels: Tunnel[]; arp: ArpEntry[]; sessions: number };

  constructor(seed: Buffer, faults: Set<PanosFault>) {
    const s = (i: number, mod: number) => seeded(seed, i, mod);
    for (let i = 0; i < 8; i++) {
      const ip = i === 0 ? `203.0.113.${2 + s(1, 5)}/29` : i < 6 ? `10.${i}.${s(2, 200)}.1/24` : null;
      this.interfaces.push({ name: `ethernet1/${i + 1}`, id: 16 + i, mac: `00:1b:17:${hex(s(3, 256))}:${hex(s(4, 256))}:${hex(16 + i)}`, state: i < 6 ? 'up' : 'down', ip, zone: i === 0 ? 'untrust' : i < 6 ? `trust-${i}` : '' });
    }
    const gw = '203.0.113.1';
    const routes: Route[] = [{ vr: 'default', destination: '0.0.0.0/0', nexthop: gw, metric: 10, flags: 'A S', iface: 'ethernet1/1', proto: 'static', ageS: null }];
    for (const i of this.interfaces.filter((x) => x.ip)) {
      const [addr, len] = i.ip!.split('/');
      const net = len === '29' ? '203.0.113.0' : addr.replace(/\.1$/, '.0');
      routes.push({ vr: 'default', destination: `${net}/${len}`, nexthop: addr, metric: 0, flags: 'A C', iface: i.name, proto: 'connected', ageS: null });
      routes.push({ vr: 'default', destination: `${addr}/32`, nexthop: '0.0.0.0', metric: 0, flags: 'A H', iface: i.name, proto: 'local', ageS: null });
    }
    // A discard route prints an empty metric.
    routes.push({ vr: 'default', destination: '10.255.0.0/16', nexthop: 'discard', metric: null, flags: 'A S', iface: '', proto: 'static', ageS: null });
    const statics = 12 + s(5, 60);
    for (let i = 0; i < statics; i++) routes.push({ vr: 'default', destination: `10.${20 + (i >> 6)}.${(i & 63) * 4}.0/22`, nexthop: `10.2.${s(2, 200)}.254`, metric: 10, flags: 'A S', iface: 'ethernet1/2', proto: 'static', ageS: null });
    const peerCount = 1 + s(6, 3);
    const peers: BgpPeer[] = [];
    for (let p = 0; p < peerCount; p++) {
      const prefixes = 5 + s(7 + p, 40);
      peers.push({ name: `isp-${String.fromCharCode(97 + p)}`, group: p === 0 ? 'upstream' : 'upstream-backup', address: `169.254.${8 + p}.2`, local: `169.254.${8 + p}.1`, remoteAs: 64_512 + p * 11, status: 'Established', prefixes, upS: 86_400 * (3 + s(8, 40)) });
      for (let r = 0; r < prefixes; r++) routes.push({ vr: 'default', destination: `172.${16 + p}.${r}.0/24`, nexthop: `169.254.${8 + p}.2`, metric: 0, flags: 'A B', iface: 'ethernet1/1', proto: 'bgp', ageS: 3600 * (10 + r) });
    }
    const tunnelCount = Math.max(s(9, 4), faults.has('ipsec-down-after-reboot') ? 2 : 0);
    const tunnels: Tunnel[] = [];
    for (let t = 0; t < tunnelCount; t++) {
      tunnels.push({ name: `vpn-site-${t + 1}`, id: t + 1, gwid: t + 1, innerIf: `tunnel.${t + 1}`, outerIf: 'ethernet1/1', localip: this.interfaces[0].ip!.split('/')[0], peerip: `198.51.100.${10 + t}`, state: 'active' });
      routes.push({ vr: 'default', destination: `192.168.${100 + t}.0/24`, nexthop: '0.0.0.0', metric: 10, flags: 'A S', iface: `tunnel.${t + 1}`, proto: 'static', ageS: null });
    }
    const arp: ArpEntry[] = [];
    const arpCount = 30 + s(10, 150);
    for (let a = 0; a < arpCount; a++) {
      const i = this.interfaces[1 + (a % 5)];
      arp.push({ iface: i.name, ip: i.ip!.replace(/\.1\/24$/, `.${10 + Math.floor(a / 5)}`), mac: `00:50:56:${hex(a >> 8)}:${hex(a & 255)}:${hex(s(11, 256))}`, ttl: 200 + ((a * 37) % 1600) });
    }
    arp.push({ iface: 'ethernet1/1', ip: gw, mac: '00:00:5e:00:01:01', ttl: 1500 });
    this.pristine = { routes, peers, tunnels, arp, sessions: 20_000 + seed.readUInt16BE(5) };
    this.restore();
  }

  private restore(): void {
    this.routes = this.pristine.routes.map((r) => ({ ...r }));
    this.peers = this.pristine.peers.map((p) => ({ ...p }));
    this.tunnels = this.pristine.tunnels.map((t) => ({ ...t }));
    this.arp = this.pristine.arp.map((a) => ({ ...a }));
    this.sessions = this.pristine.sessions;
  }

  /**
   * What an HA member shows while it is not the active one (passive, suspended, initial,
   * non-functional): with the default passive link state (shutdown) its data interfaces are down,
   * so it has no connected routes, no ARP entries, its BGP peers idle and its tunnels down; only a
   * route that needs no interface (a discard route) stays. It holds the sessions the active
   * member synchronises to it (docs/devices/panos-api.md, "A member that is not active").
   */
  standby(): Forwarding {
    return {
      interfaces: this.interfaces.map((i) => ({ ...i, state: 'down' as const })),
      routes: this.routes.filter((r) => r.iface === '').map((r) => ({ ...r })),
      peers: this.peers.map((p) => ({ ...p, status: 'Idle', prefixes: 0, upS: 0 })),
      tunnels: this.tunnels.map((t) => ({ ...t, state: 'init' })),
      arp: [],
      sessions: this.sessions,
    };
  }

  /**
   * The state after a restart: everything relearned, except what the faults keep down — the
   * new release's faults: booted back onto the release it had (a rollback), it forwards as before.
   */
  afterReboot(faults: Set<PanosFault>, onOriginal = false): void {
    this.restore();
    if (onOriginal) return;
    if (faults.has('bgp-down-after-reboot')) {
      for (const p of this.peers) Object.assign(p, { status: 'Active', prefixes: 0, upS: 0 });
      this.routes = this.routes.filter((r) => r.proto !== 'bgp');
    }
    if (faults.has('ipsec-down-after-reboot')) for (const t of this.tunnels) t.state = 'init';
    if (faults.has('routes-lost-after-reboot')) {
      // Some static routes (one in five, at least one) are not reinstalled.
      const statics = this.routes.filter((r) => r.proto === 'static' && r.destination !== '0.0.0.0/0');
      const lost = new Set(statics.filter((_, i) => i % 5 === 0));
      this.routes = this.routes.filter((r) => !lost.has(r));
    }
    if (faults.has('regression')) {
      this.sessions = Math.floor(this.sessions * 0.4);
      this.routes = this.routes.filter((_, i) => i % 5 < 3);
    }
    for (const r of this.routes) if (r.ageS !== null) r.ageS = 60;
  }
}
