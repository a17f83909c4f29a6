// The firewall's running configuration as `show config running` prints it
// (a whole <config> document a backup can load again), and `type=config`
// reads of one XPath in it. No secret is in it: the lab keeps no password
// hashes or keys in its configuration.
import { X509Certificate } from 'node:crypto';
import type { Firewall } from './firewall.js';
import { escapeXml, parseXml, xmlOf, type El } from './xml.js';

export interface LabCert { name: string; pem: string }

function certificateEntry(c: LabCert): Record<string, unknown> {
  const x = new X509Certificate(c.pem);
  const key = x.publicKey.asymmetricKeyType === 'ec' ? 'EC' : 'RSA';
  const cn = /CN=([^\n,]+)/.exec(x.subject)?.[1] ?? c.name;
  return {
    '@name': c.name, 'subject-hash': x.fingerprint.replace(/:/g, '').slice(0, 8).toLowerCase(), 'issuer-hash': x.fingerprint.replace(/:/g, '').slice(8, 16).toLowerCase(),
    'not-valid-before': x.validFrom, issuer: `/CN=${cn}`, 'not-valid-after': x.validTo, 'common-name': cn, 'expiry-epoch': Math.floor(Date.parse(x.validTo) / 1000),
    ca: 'no', subject: `/CN=${cn}`, 'public-key': c.pem.trim(), algorithm: key, 'private-key': '-AQ==lab-placeholder-not-a-key==',
  };
}

const members = (items: string[]) => ({ 'member*': items });

export function runningConfig(fw: Firewall, host: string): string {
  const net = fw.net;
  const l3 = net.interfaces.filter((i) => i.ip);
  const are = fw.faults.has('advanced-routing');
  const statics = net.routes.filter((r) => r.proto === 'static');
  const routing = {
    interface: members(l3.map((i) => i.name).concat(net.tunnels.map((t) => t.innerIf))),
    'routing-table': { ip: { 'static-route': statics.map((r, n) => ({
      '@name': r.destination === '0.0.0.0/0' ? 'default-route' : `static-${n}`, destination: r.destination,
      nexthop: r.nexthop === 'discard' ? { discard: null } : r.nexthop === '0.0.0.0' ? undefined : { 'ip-address': r.nexthop },
      interface: r.iface || undefined, metric: r.metric ?? undefined,
    })) } },
    protocol: { bgp: { enable: net.peers.length ? 'yes' : 'no', 'router-id': '10.1.0.1', 'local-as': 65_001, 'peer-group': [...new Set(net.peers.map((p) => p.group))].map((g) => ({
      '@name': g, peer: net.peers.filter((p) => p.group === g).map((p) => ({ '@name': p.name, 'peer-address': { ip: p.address }, 'peer-as': p.remoteAs, 'local-address': { interface: 'ethernet1/1', ip: `${p.local}/30` } })),
    })) } },
  };
  const network = {
    interface: {
      ethernet: net.interfaces.map((i) => ({ '@name': i.name, layer3: i.ip ? { ip: [{ '@name': i.ip }] } : undefined })),
      tunnel: { units: net.tunnels.map((t) => ({ '@name': t.innerIf })) },
    },
    ...(are ? { 'logical-router': [{ '@name': 'default', vrf: [{ '@name': 'default', ...routing }] }] } : { 'virtual-router': [{ '@name': 'default', ...routing }] }),
    ike: { gateway: net.tunnels.map((t) => ({ '@name': `gw-${t.name}`, 'peer-address': { ip: t.peerip }, 'local-address': { interface: t.outerIf } })) },
    tunnel: { ipsec: net.tunnels.map((t) => ({ '@name': t.name, 'tunnel-interface': t.innerIf, 'auto-key': { 'ike-gateway': [{ '@name': `gw-${t.name}` }] } })) },
  };
  const system = {
    hostname: fw.hostname, 'ip-address': host, netmask: '255.0.0.0', 'default-gateway': host, timezone: 'UTC',
    'ntp-servers': { 'primary-ntp-server': { 'ntp-server-address': '0.pool.ntp.org' }, 'secondary-ntp-server': { 'ntp-server-address': '1.pool.ntp.org' } },
    panorama: fw.managedBy ? { 'local-panorama': { 'panorama-server': fw.managedBy.address } } : undefined,
    'update-schedule': { threats: { recurring: { daily: { at: '03:15', action: 'download-and-install' } } } },
  };
  const ha = fw.peer ? { enabled: 'yes', group: { 'group-id': 1, mode: { 'active-passive': null }, 'election-option': { priority: fw.ha.priority, preemptive: fw.ha.preemptive ? 'yes' : 'no' } } } : undefined;
  const zones = [{ '@name': 'untrust', network: { layer3: members(['ethernet1/1']) } }, ...l3.slice(1).map((i) => ({ '@name': i.zone, network: { layer3: members([i.name]) } }))];
  const rules = [
    { '@name': 'allow-outbound', from: members(zones.slice(1).map((z) => z['@name'])), to: members(['untrust']), source: members(['any']), destination: members(['any']), application: members(['any']), service: members(['application-default']), action: 'allow' },
    { '@name': 'deny-all', from: members(['any']), to: members(['any']), source: members(['any']), destination: members(['any']), application: members(['any']), service: members(['any']), action: 'deny' },
  ];
  const body = xmlOf({
    'mgt-config': { users: [{ '@name': 'admin', permissions: { 'role-based': { superuser: 'yes' } } }] },
    shared: { application: null, 'application-group': null, service: null, 'service-group': null, certificate: fw.certs.length ? fw.certs.map(certificateEntry) : undefined },
    devices: [{ '@name': 'localhost.localdomain', network, deviceconfig: { system, 'high-availability': ha }, vsys: [{ '@name': 'vsys1', zone: zones, rulebase: { security: { rules } } }] }],
  });
  const [major, minor] = fw.version.split('.');
  return `<config version="${major}.${minor}.0" urldb="paloaltonetworks" detail-version="${escapeXml(fw.version.split('-')[0])}">${body}</config>`;
}

/** An element tree back to text. */
export function serialize(el: El): string {
  const attrs = Object.entries(el.attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  const inner = el.children.length ? el.children.map(serialize).join('') : escapeXml(el.text.trim());
  return inner ? `<${el.name}${attrs}>${inner}</${el.name}>` : `<${el.name}${attrs}/>`;
}

/** The elements an XPath such as /config/devices/entry[@name='localhost.localdomain']/deviceconfig/system names. */
export function selectXpath(configXml: string, xpath: string): El[] {
  const steps = xpath.split('/').filter(Boolean);
  let nodes: El[] = [{ name: '#doc', attrs: {}, children: [parseXml(configXml)], text: '' }];
  for (const step of steps) {
    const m = /^([\w.-]+)(?:\[@(\w+)=['"]([^'"]*)['"]\])?$/.exec(step);
    if (!m) return [];
    nodes = nodes.flatMap((n) => n.children.filter((c) => c.name === m[1] && (!m[2] || c.attrs[m[2]] === m[3])));
  }
  return nodes;
}
