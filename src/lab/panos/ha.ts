// An active/passive HA pair as each member reports it: states (initial,
// active, passive, suspended, non-functional), what a suspend, a functional,
// a restart or preemption does to both members, and configuration sync.
import type { PanosFault } from '../faults.js';
import type { JobList } from './jobs.js';
import { trainOf } from './versions.js';
import { errorMsg, success, xmlOf } from './xml.js';

export type HaState = 'active' | 'passive' | 'suspended' | 'initial' | 'non-functional';

export interface HaMember { state: HaState; since: number; priority: number; preemptive: boolean; configSynced: boolean }

/** What HA needs to know of a firewall. */
export interface HaNode {
  readonly hostname: string;
  readonly model: string;
  readonly faults: Set<PanosFault>;
  readonly jobs: JobList;
  version: string;
  lifecycle: 'up' | 'rebooting' | 'never';
  ha: HaMember;
  peer: HaNode | null;
  appVersion(): string;
  jobMs(factor: number): number;
  /** Runs `fn` after `ms` unless the firewall is disposed first. */
  later(ms: number, fn: () => void): void;
  preemptHoldMs(): number;
  log(kind: string, detail?: string): void;
}

export function newHaMember(role: 'active' | 'passive' | undefined, faults: Set<PanosFault>): HaMember {
  return { state: role ?? 'initial', since: Date.now(), priority: role === 'passive' ? 110 : 100, preemptive: faults.has('preempt'), configSynced: !faults.has('not-synced') };
}

const peerUp = (n: HaNode): n is HaNode & { peer: HaNode } => !!n.peer && n.peer.lifecycle === 'up';

function set(n: HaNode, state: HaState, why: string): void {
  if (n.ha.state === state) return;
  n.ha.state = state;
  n.ha.since = Date.now();
  n.log('ha-auto', `${state} (${why})`);
}

/** `request high-availability state suspend`: this member stops; a passive peer takes over. */
export function suspend(n: HaNode): string {
  if (!n.peer) return errorMsg('HA is not enabled', 14);
  n.ha.state = 'suspended';
  n.ha.since = Date.now();
  n.log('ha', 'suspended');
  if (peerUp(n) && n.peer.ha.state === 'passive') set(n.peer, 'active', 'peer suspended');
  return success('Successfully changed HA state to suspended');
}

/** `request high-availability state functional`: a suspended member rejoins the pair. */
export function functional(n: HaNode): string {
  if (!n.peer) return errorMsg('HA is not enabled', 14);
  if (n.ha.state === 'suspended') {
    n.ha.state = 'initial';
    resolve(n, 'made functional');
  }
  n.log('ha', n.ha.state);
  return success('Successfully changed HA state to functional');
}

/** A member that may run decides its role: passive next to an active peer, otherwise active; preemption may follow. */
export function resolve(n: HaNode, why: string): void {
  if (n.ha.state === 'suspended') return;
  if (peerUp(n) && n.faults.has('ha-plugin-mismatch') && n.peer.version !== n.version) return set(n, 'non-functional', 'plugin version differs from the peer');
  const peerActive = peerUp(n) && n.peer.ha.state === 'active';
  set(n, peerActive ? 'passive' : 'active', why);
  if (peerActive && n.ha.preemptive && n.peer.ha.preemptive && n.ha.priority < n.peer.ha.priority) {
    n.later(n.preemptHoldMs(), () => {
      if (n.ha.state !== 'passive' || !peerUp(n) || n.peer.ha.state !== 'active') return;
      set(n.peer, 'passive', 'preempted by the higher priority peer');
      set(n, 'active', 'preemption');
    });
  }
  // A peer held non-functional only by a version difference recovers once both run the same release.
  if (peerUp(n) && n.peer.ha.state === 'non-functional' && n.peer.version === n.version) resolve(n.peer, 'peer versions match again');
}

/** This member's management and data plane are going down (restart). */
export function goingDown(n: HaNode): void {
  if (peerUp(n) && n.ha.state === 'active' && (n.peer.ha.state === 'passive' || n.peer.ha.state === 'initial')) set(n.peer, 'active', 'peer went down');
  if (n.ha.state !== 'suspended') n.ha.state = 'initial';
}

/** `request high-availability sync-to-remote running-config`. */
export function syncToRemote(n: HaNode): string {
  if (!n.peer) return errorMsg('HA is not enabled', 14);
  if (!peerUp(n)) return errorMsg('HA peer is not reachable: running configuration not synchronized');
  if (trainOf(n.peer.version) !== trainOf(n.version)) return errorMsg(`Running configuration cannot be synchronized: the HA peer runs ${n.peer.version}, this firewall ${n.version}`);
  const peer = n.peer;
  peer.jobs.add('HA-Sync', 'ha', peer.jobMs(0.3), () => {
    n.ha.configSynced = true;
    peer.ha.configSynced = true;
    return { ok: true, lines: ['Configuration synchronized from the HA peer'] };
  });
  return success('<msg><line>HA synchronization job has been queued on peer. Please check job status on peer.</line></msg>');
}

export function runningSync(n: HaNode): 'synchronized' | 'not synchronized' {
  return peerUp(n) && trainOf(n.peer.version) === trainOf(n.version) && n.ha.configSynced && n.peer.ha.configSynced ? 'synchronized' : 'not synchronized';
}

/** `show high-availability state` on a firewall. */
export function haStateXml(n: HaNode, mgmtIp: string): string {
  if (!n.peer) return success(xmlOf({ enabled: 'no' }));
  const p = n.peer;
  const up = p.lifecycle === 'up';
  const secs = (m: HaMember) => Math.floor((Date.now() - m.since) / 1000);
  const compat = (a: string, b: string) => (!up ? 'Unknown' : a === b ? 'Match' : 'Mismatch');
  return success(xmlOf({
    enabled: 'yes',
    group: {
      mode: 'Active-Passive',
      'local-info': {
        version: 1, state: n.ha.state, 'state-duration': secs(n.ha), 'mgmt-ip': mgmtIp, 'mgmt-ipv6': null, preemptive: n.ha.preemptive ? 'yes' : 'no', 'promotion-hold': 2000,
        'hello-interval': 8000, 'heartbeat-interval': 2000, 'preempt-hold': 1, 'monitor-fail-holdup': 0, 'addon-master-holdup': 500, mode: 'Active-Passive',
        'ha1-ipaddr': `${n.ha.priority === 100 ? '192.0.2.1' : '192.0.2.2'}/30`, 'ha1-port': 'ha1-a', 'ha2-ipaddr': `${n.ha.priority === 100 ? '192.0.2.5' : '192.0.2.6'}/30`, 'ha2-port': 'ha2-a',
        'build-rel': n.version, 'app-version': n.appVersion(), 'av-version': '4712-5231', 'threat-version': n.appVersion(), 'build-compat': compat(n.version, p.version),
        'app-compat': compat(n.appVersion(), p.appVersion()), 'av-compat': up ? 'Match' : 'Unknown', 'threat-compat': compat(n.appVersion(), p.appVersion()),
        'platform-model': n.model, priority: n.ha.priority, 'state-sync': up ? 'Complete' : 'Incomplete', 'state-sync-type': 'ethernet', 'max-flaps': 3, 'preempt-flap-cnt': 0, 'nonfunc-flap-cnt': 0,
      },
      'peer-info': {
        'conn-ha1': { 'conn-status': up ? 'up' : 'down', 'conn-primary': 'yes', 'conn-desc': 'heartbeat status' },
        'conn-ha2': { 'conn-status': up ? 'up' : 'down', 'conn-primary': 'yes', 'conn-desc': 'link status', 'conn-ka-enbled': 'no' },
        'conn-status': up ? 'up' : 'down', version: 1, state: up ? p.ha.state : 'unknown', 'state-duration': up ? secs(p.ha) : 0, 'mgmt-ip': mgmtIp, 'mgmt-ipv6': null,
        preemptive: p.ha.preemptive ? 'yes' : 'no', priority: p.ha.priority, 'build-rel': p.version, 'app-version': p.appVersion(), 'av-version': '4712-5231', 'threat-version': p.appVersion(),
        'platform-model': p.model, 'ha1-ipaddr': p.ha.priority === 100 ? '192.0.2.1' : '192.0.2.2', 'ha2-ipaddr': p.ha.priority === 100 ? '192.0.2.5' : '192.0.2.6', mode: 'Active-Passive',
      },
      'link-monitoring': { enabled: 'yes', 'failure-condition': 'any', groups: null },
      'path-monitoring': { enabled: 'yes', 'failure-condition': 'any', 'virtual-wire': null, vlan: null, 'virtual-router': null },
      'running-sync': runningSync(n), 'running-sync-enabled': 'yes',
    },
  }));
}
