// The post-check diff by item: every route, ARP entry, peer or tunnel that
// went missing is named; counts keep their margins; a snapshot without
// areas (IOS-XE) is compared by counts as before.
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../src/engine/checks.js';
import type { Snapshot, SnapshotArea, SnapshotItem } from '../../src/drivers/contract.js';

const M = { routePercent: 5, arpPercent: 10, sessionPercent: 20 };
const up = (key: string, state = 'up', value?: number): SnapshotItem => ({ key, state, up: true, ...(value !== undefined ? { value } : {}) });
const routes = (n: number, from = 0) => Array.from({ length: n }, (_, i) => up(`default 10.${20 + from + i}.0.0/22 via 10.2.7.254`, 'A S'));

function snap(areas: SnapshotArea[], extra: Partial<Snapshot> = {}): Snapshot {
  return { routes: null, routesBySource: {}, arp: null, bgp: [], ospf: [], interfaces: [], sessions: null, takenAt: '', areas, ...extra };
}

const pre = () => snap([
  { name: 'routes', margin: 'route', items: routes(40) },
  { name: 'arp', margin: 'arp', items: [up('ethernet1/2 10.1.3.10', 'c'), up('ethernet1/2 10.1.3.11', 'c')] },
  { name: 'sessions', margin: 'session', items: null, counts: { active: 1000, tcp: 700, udp: 280 } },
  { name: 'bgp', margin: 'none', items: [up('default isp-a 169.254.8.2', 'Established', 26), up('default isp-b 169.254.9.2', 'Established', 18)] },
  { name: 'ipsec', margin: 'none', items: [up('vpn-site-1', 'active')] },
], { routes: 40, arp: 2, sessions: 1000 });

describe('post-check diff by item', () => {
  it('nothing lost: every area kept, the counts of the same name not compared twice', () => {
    const d = diffSnapshots(pre(), pre(), M);
    expect(d.ok).toBe(true);
    expect(d.items.map((i) => i.name)).toEqual(['routes', 'arp', 'sessions active', 'sessions tcp', 'sessions udp', 'bgp', 'ipsec']);
    expect(d.summary).toBe('routes 40 → 40 ✓; arp 2 → 2 ✓; sessions active 1000 → 1000 ✓; sessions tcp 700 → 700 ✓; sessions udp 280 → 280 ✓; bgp 2 → 2 ✓; ipsec 1 → 1 ✓');
  });

  it('a peer down, a peer without prefixes, a tunnel down: each named, and the post-check fails', () => {
    const post = pre();
    post.areas![3].items = [{ key: 'default isp-a 169.254.8.2', state: 'Active', up: false, value: 0 }, up('default isp-b 169.254.9.2', 'Established', 0)];
    post.areas![4].items = [{ key: 'vpn-site-1', state: 'init', up: false }];
    const d = diffSnapshots(pre(), post, M);
    expect(d.ok).toBe(false);
    const bgp = d.items.find((i) => i.name === 'bgp')!;
    expect(bgp).toMatchObject({ ok: false, pre: '2', post: '1', missing: ['default isp-a 169.254.8.2 (Active, was Established)', 'default isp-b 169.254.9.2 (Established, 0 prefixes, was 18)'] });
    expect(bgp.detail).toBe('2 of 2 missing: default isp-a 169.254.8.2 (Active, was Established), default isp-b 169.254.9.2 (Established, 0 prefixes, was 18)');
    expect(d.items.find((i) => i.name === 'ipsec')!.detail).toBe('1 of 1 missing: vpn-site-1 (init, was active)');
  });

  it('routes within the margin pass but are named; beyond it they fail; more than ten are counted', () => {
    const two = pre();
    two.areas![0].items = routes(40).slice(2);
    const within = diffSnapshots(pre(), two, M).items.find((i) => i.name === 'routes')!;
    expect(within).toMatchObject({ ok: true, missing: ['default 10.20.0.0/22 via 10.2.7.254 (gone)', 'default 10.21.0.0/22 via 10.2.7.254 (gone)'] });
    expect(within.detail).toBe('2 of 40 missing (5.0% ≤ 5%): default 10.20.0.0/22 via 10.2.7.254 (gone), default 10.21.0.0/22 via 10.2.7.254 (gone)');
    const many = pre();
    many.areas![0].items = routes(40).slice(12);
    const beyond = diffSnapshots(pre(), many, M).items.find((i) => i.name === 'routes')!;
    expect(beyond.ok).toBe(false);
    expect(beyond.missing).toHaveLength(12);
    expect(beyond.detail).toMatch(/^12 of 40 missing \(30\.0% > 5%\): (default 10\.\d+\.0\.0\/22 via 10\.2\.7\.254 \(gone\), ){9}default 10\.29\.0\.0\/22 via 10\.2\.7\.254 \(gone\) and 2 more$/);
  });

  it('session counters keep their margin; an area that can no longer be read fails', () => {
    const post = pre();
    post.areas![2].counts = { active: 700, tcp: 690, udp: 10 };
    post.areas![1].items = null;
    const d = diffSnapshots(pre(), post, M);
    expect(d.items.filter((i) => !i.ok).map((i) => `${i.name}: ${i.detail}`)).toEqual([
      'arp: no longer readable',
      'sessions active: 1000 → 700 (30.0% > 20%)',
      'sessions udp: 280 → 10 (96.4% > 20%)',
    ]);
  });

  it('new items are no loss', () => {
    const post = pre();
    post.areas![0].items = routes(43);
    expect(diffSnapshots(pre(), post, M).items[0]).toMatchObject({ ok: true, detail: '40 kept, 3 more than before' });
  });

  it('a snapshot by counts only (IOS-XE) is compared as before', () => {
    const a: Snapshot = { routes: 100, routesBySource: {}, arp: 50, bgp: [{ address: '10.0.0.1', state: 'Established', prefixes: 5 }], ospf: [{ routerId: '1.1.1.1', state: 'FULL/DR' }], interfaces: [{ name: 'Gi1', up: true }], sessions: null, takenAt: '' };
    const b: Snapshot = { ...a, routes: 90, bgp: [{ address: '10.0.0.1', state: 'Idle', prefixes: null }] };
    const d = diffSnapshots(a, b, M);
    expect(d.items.map((i) => `${i.name} ${i.ok ? 'ok' : 'failed'}: ${i.detail}`)).toEqual([
      'routes failed: 100 → 90 (10.0% > 5%)',
      'arp ok: 50 → 50 (0.0% ≤ 10%)',
      'bgp failed: down: 10.0.0.1',
      'ospf ok: 1 full adjacencies kept',
      'interfaces ok: 1 up interfaces kept',
    ]);
  });
});
