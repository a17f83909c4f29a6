// The PAN-OS driver's readers over the project's own XML fixtures (the
// shapes the API documents, test/fixtures/panos/README.md): what each answer
// becomes, so the driver is not checked only against its own lab.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '../../../src/lab/certificate.js';
import { child, messageOf, parseXml, rawConfig, resultOf, type Xml } from '../../../src/drivers/panos/xml.js';
import { envelopeError, isBusy } from '../../../src/drivers/panos/client.js';
import {
  jobLines, parseClock, parseDataplaneClocks, parseDiskSpace, parseDpCpu, parseHa, parseJobs, parseLicenses, parseLocks, parseMemoryPercent, parseMpCpu,
  parseNtp, parsePanoramaStatus, parseSoftware, parseSupport, parseSystemInfo,
} from '../../../src/drivers/panos/parse-system.js';
import { bgpItems, parseArp, parseAreBgpPeers, parseAreRoutes, parseBgpPeers, parseInterfaces, parseRoutes, parseSessionCounts, parseTunnels } from '../../../src/drivers/panos/parse-network.js';
import { describeCertificate, parseCertificates } from '../../../src/drivers/panos/certs.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/panos');
const raw = (name: string) => readFileSync(join(dir, `${name}.xml`), 'utf8');
const response = (name: string) => parseXml(raw(name)).response as Xml;
/** The <result> as the client hands it to the readers. */
const result = (name: string) => resultOf(response(name));
const textOf = (name: string) => String(result(name)['#text'] ?? '');
const at = { label: 'fx-fw', device: 'fx-fw', step: 'facts', secrets: [] };

describe('system info', () => {
  it.each([
    ['system-info/firewall', { hostname: 'fx-fw', model: 'PA-3220', serial: '007054001234500', family: '3200', version: '10.2.9-h1', uptimeSeconds: 104 * 86_400 + 3, appVersion: '8962-9233', threatVersion: '8962-9233', avVersion: '4712-5231', advancedRouting: false, multiVsys: false, deviceCertificate: 'Valid' }],
    ['system-info/multi-vsys-advanced-routing', { hostname: 'fx-big', model: 'PA-5220', uptimeSeconds: 86 * 86_400 + 5, advancedRouting: true, multiVsys: true }],
    ['system-info/panorama', { hostname: 'pano', model: 'Panorama', version: '11.1.4-h7' }],
  ])('%s', (name, want) => expect(parseSystemInfo(result(name))).toMatchObject(want));

  it('refuses an answer without a release', () => expect(() => parseSystemInfo({ system: { hostname: 'x' } })).toThrow('show system info has no sw-version'));
});

describe('HA state', () => {
  it.each([
    ['ha-state/standalone', null],
    ['ha-state/active', { local: 'active', localVersion: '10.2.9-h1', peer: 'passive', peerVersion: '10.2.9-h1', sync: 'synchronized', syncEnabled: true, peerConnected: true, mode: 'Active-Passive', preemptive: false, peerPreemptive: false, priority: 100, peerPriority: 110, buildCompat: 'Match' }],
    ['ha-state/peer-down', { local: 'active', peer: 'unknown', peerConnected: false, sync: 'not synchronized', buildCompat: 'Unknown' }],
    ['ha-state/suspended', { local: 'suspended', peer: 'active', peerConnected: true, sync: 'synchronized' }],
  ])('%s', (name, want) => {
    const ha = parseHa(result(name));
    if (want === null) expect(ha).toBeNull();
    else expect(ha).toMatchObject(want);
  });
});

describe('software lists', () => {
  it('the update server\'s list: every release, its size, what is on the disk', () => {
    const sw = parseSoftware(result('software-check/list'));
    expect(sw.map((s) => s.version)).toEqual(['12.1.3', '12.1.2', '11.1.4-h7', '11.1.0', '10.2.9-h1']);
    expect(sw.find((s) => s.version === '11.1.4-h7')).toEqual({ version: '11.1.4-h7', sizeMb: 671, downloaded: false, current: false });
    expect(sw.filter((s) => s.downloaded || s.current).map((s) => s.version)).toEqual(['10.2.9-h1']);
  });

  it.each([
    ['software-info/before-check', ['10.2.9-h1']],
    ['software-info/stale-cache', ['10.2.13-h5', '10.2.10', '10.2.9-h1', '10.2.0']],
  ])('the cached list %s', (name, versions) => expect(parseSoftware(result(name)).map((s) => s.version)).toEqual(versions));

  it('an unreachable update server is an error answer, not a retry', () => {
    const err = envelopeError(response('software-check/update-unreachable'), 200, at)!;
    expect(err).toMatchObject({ kind: 'api', transient: false });
    expect(err.deviceSaid).toBe('Failed to check upgrade info due to Unknown error. Please check network connectivity and try again.');
  });
});

describe('jobs', () => {
  it.each([
    ['jobs-all/none', []],
    ['jobs-all/one', ['FIN']],
    ['jobs-all/many', ['FIN', 'FIN', 'FIN']],
    // A job without an id (a job that never got one) is left out, as pan-os-upgrade-assurance does.
    ['jobs-all/entry-without-id', ['FIN']],
  ])('%s', (name, statuses) => expect(parseJobs(result(name)).map((j) => j.status)).toEqual(statuses));

  it('show jobs id: running, queued, finished; a failed job\'s lines say why', () => {
    expect(parseJobs(result('job/running'))[0]).toEqual({ id: '58', type: 'Downld', status: 'ACT', result: 'PEND', progress: '11' });
    expect(parseJobs(result('job/queued'))[0]).toMatchObject({ status: 'PEND', result: 'PEND', progress: '0' });
    expect(jobLines((result('job/download-ok').job as Xml[])[0])).toEqual(['Successfully downloaded', 'Preloading into software manager', 'Successfully loaded into software manager']);
    const busy = jobLines((result('job/install-fail-busy').job as Xml[])[0]);
    expect(isBusy(busy.join(' '))).toBe(true);
    const base = jobLines((result('job/install-fail-base-image').job as Xml[])[0]);
    expect(base).toContain('The base image 11.1.0 must be downloaded before installing 11.1.4-h7.');
    expect(isBusy(base.join(' '))).toBe(false);
    expect(envelopeError(response('job/not-found'), 200, at)).toMatchObject({ kind: 'api', transient: false, deviceSaid: 'job 4711 not found' });
  });
});

describe('readiness answers', () => {
  it('disk space: /opt/panrepo from df -h, whatever the unit', () => {
    expect(parseDiskSpace(textOf('disk-space/full'))).toEqual({ freeMb: 500, totalMb: 23 * 1024 });
    const d = parseDiskSpace(textOf('disk-space/default'));
    expect(d.totalMb).toBe(23 * 1024);
    expect(d.freeMb).toBeGreaterThan(10 * 1024);
  });

  it('licences: expiry as a date, expired or not; none installed', () => {
    expect(parseLicenses(result('license-info/valid')).filter((l) => l.expired)).toEqual([]);
    expect(parseLicenses(result('license-info/expired')).filter((l) => l.expired)).toEqual([
      { feature: 'Threat Prevention', expires: '2026-11-21T23:59:59.000Z', expired: true },
      { feature: 'Premium', expires: '2026-11-21T23:59:59.000Z', expired: true },
    ]);
    expect(parseLicenses(result('license-info/unlicensed'))).toEqual([]);
  });

  it('support: the contract\'s expiry and level; the update server unreachable is an error answer', () => {
    expect(parseSupport(result('support-check/valid'))).toEqual({ expires: '2028-11-02T23:59:59.000Z', level: 'Premium' });
    expect(envelopeError(response('support-check/update-unreachable'), 200, at)).toMatchObject({ kind: 'api', transient: false });
  });

  it.each([
    ['ntp/synched', { synched: '0.pool.ntp.org', servers: [{ name: '0.pool.ntp.org', status: 'synched', reachable: true }, { name: '1.pool.ntp.org', status: 'available', reachable: true }] }],
    ['ntp/local', { synched: 'LOCAL', servers: [{ name: '0.pool.ntp.org', status: 'available', reachable: false }, { name: '1.pool.ntp.org', status: 'available', reachable: false }] }],
  ])('%s', (name, want) => expect(parseNtp(result(name))).toEqual(want));

  it.each([
    ['panorama-status/connected', [{ address: '192.0.2.10', connected: true }]],
    ['panorama-status/disconnected', [{ address: '192.0.2.10', connected: false }]],
    ['panorama-status/not-configured', []],
    ['panorama-status/two-panoramas', [{ address: '198.51.100.20', connected: false }, { address: '198.51.100.21', connected: true }]],
  ])('%s', (name, want) => expect(parsePanoramaStatus(textOf(name))).toEqual(want));

  it('locks: an entry per holder, none as an empty list', () => {
    expect(parseLocks(result('config-locks/held'), 'config')).toEqual([{ kind: 'config', holder: 'jdoe', created: '2026/01/20 08:14:02', comment: 'CHG0042 firewall rule review' }]);
    expect(parseLocks(result('config-locks/none'), 'config')).toEqual([]);
    expect(parseLocks(result('commit-locks/held'), 'commit')).toHaveLength(1);
    expect(parseLocks(result('commit-locks/none'), 'commit')).toEqual([]);
  });

  it('yes/no answers', () => {
    expect(textOf('pending-changes/yes')).toBe('yes');
    expect(textOf('pending-changes/no')).toBe('no');
    expect(textOf('full-commit-required/yes')).toBe('yes');
    expect(textOf('chassis-ready/yes')).toBe('yes');
    expect(textOf('chassis-ready/no')).toBe('no');
  });

  it('MP memory from the top screen, MP CPU from the system state, DP CPU per data plane', () => {
    expect(parseMemoryPercent(textOf('system-resources/default'))).toBe(62);
    expect(parseMemoryPercent('KiB Mem : 16331469 total, 1861837 free, 10125517 used, 4344115 buff/cache')).toBe(62);
    // Older top: used before free, with or without the unit, and a "k" after each figure.
    expect(parseMemoryPercent('KiB Mem:  16330608 total, 13512664 used,  2817944 free,   431360 buffers')).toBe(82.7);
    expect(parseMemoryPercent('Mem:   4043028k total,  3886168k used,   156860k free,   101308k buffers')).toBe(96.1);
    expect(parseMemoryPercent('Tasks: 231 total,   1 running')).toBeNull();
    expect(parseMpCpu(textOf('mp-cpu/default'))).toBe(4);
    // One data plane, eight cores over five minutes: (0+28+36+35+25+24+32+40) / 40.
    expect(parseDpCpu(result('resource-monitor/one-dp'))).toEqual([{ dp: 'dp0', percent: 5.5 }]);
    const three = parseDpCpu(result('resource-monitor/three-dp'));
    expect(three.map((d) => d.dp)).toEqual(['dp0', 'dp1', 'dp2']);
    // Each data plane's figure is the mean of its cpu-load-average values, read here independently.
    const dp0 = /<dp0>[\s\S]*?<cpu-load-average>([\s\S]*?)<\/cpu-load-average>/.exec(raw('resource-monitor/three-dp'))![1];
    const values = [...dp0.matchAll(/<value>([\d,]+)<\/value>/g)].flatMap((m) => m[1].split(',').map(Number));
    expect(three[0].percent).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 1);
  });

  it('clocks: the management plane and each data plane', () => {
    const mp = parseClock(textOf('clock/mp'));
    expect(mp).toBe(Date.UTC(2026, 11, 3, 20, 56, 59));
    expect(parseDataplaneClocks(result('clock-more/one-dp'))).toEqual([mp]);
    expect(parseDataplaneClocks(result('clock-more/three-dp'))).toEqual([mp, mp, mp]);
  });

  it('certificates: key and signature of each shared certificate; a weak one shows as such', async () => {
    const shared = child(child(result('config-running/default'), 'config'), 'shared');
    const certs = parseCertificates(shared);
    expect(certs).toHaveLength(1);
    expect(certs[0]).toMatchObject({ name: 'mgmt-web-ui', algorithm: 'EC', keyBits: 256, signatureHash: 'sha256' });
    const weak = selfSignedCertificate({ commonName: 'old', key: { type: 'rsa', bits: 1024 }, hash: 'sha1', days: 30 });
    expect(describeCertificate('old', weak.cert)).toMatchObject({ algorithm: 'RSA', keyBits: 1024, signatureHash: 'sha1' });
    expect(describeCertificate('junk', 'not a certificate')).toEqual({ name: 'junk', algorithm: null, keyBits: null, signatureHash: null, notAfter: null });
  });
});

describe('forwarding state, by item', () => {
  it('routes (legacy engine): one item per destination and next hop, active when flagged A', () => {
    const routes = parseRoutes(result('routes/many'));
    expect(routes).toHaveLength(6);
    expect(routes.slice(0, 3)).toEqual([
      { key: 'default 0.0.0.0/0 via 203.0.113.1', state: 'A S', up: true },
      { key: 'default 203.0.113.0/29 via 203.0.113.3', state: 'A C', up: true },
      { key: 'default 203.0.113.3/32 via 0.0.0.0', state: 'A H', up: true },
    ]);
    expect(parseRoutes(result('routes/one'))).toEqual([{ key: 'default 0.0.0.0/0 via 198.51.100.1', state: 'A S E', up: true }]);
  });

  it('routes (advanced routing engine): installed routes from the JSON, a discard route as such', () => {
    const routes = parseAreRoutes(result('advanced-routes/many'));
    expect(routes.map((r) => r.key)).toEqual(['default 0.0.0.0/0 via 203.0.113.1', 'default 203.0.113.0/29 via ethernet1/1', 'default 203.0.113.3/32 via 0.0.0.0', 'default 10.255.0.0/16 via discard']);
    expect(routes.every((r) => r.up)).toBe(true);
    // The legacy command on an advanced-routing firewall is an unknown command.
    expect(envelopeError(response('advanced-routes/legacy-command-refused'), 200, at)).toMatchObject({ kind: 'api', transient: false });
  });

  it('BGP peers (both engines): state and prefixes; no peers is an empty result', () => {
    expect(parseBgpPeers(result('bgp-peers/established'))).toEqual([
      { key: 'default isp-a 169.254.8.2', address: '169.254.8.2', state: 'Established', prefixes: 26 },
      { key: 'default isp-b 169.254.9.2', address: '169.254.9.2', state: 'Established', prefixes: 18 },
    ]);
    const down = parseBgpPeers(result('bgp-peers/down'));
    expect(down[0]).toEqual({ key: 'default isp-a 169.254.8.2', address: '169.254.8.2', state: 'Active', prefixes: 0 });
    expect(bgpItems(down)[0]).toEqual({ key: 'default isp-a 169.254.8.2', state: 'Active', up: false, value: 0 });
    expect(parseBgpPeers(result('bgp-peers/none'))).toEqual([]);
    expect(parseAreBgpPeers(result('advanced-bgp-peers/established'))).toEqual([{ key: 'default isp-a 169.254.8.2', address: '169.254.8.2', state: 'Established', prefixes: 10 }]);
  });

  it('IPsec tunnels: up when active', () => {
    expect(parseTunnels(result('tunnels/active'))).toEqual([{ key: 'vpn-site-1', state: 'active', up: true }, { key: 'vpn-site-2', state: 'active', up: true }]);
    expect(parseTunnels(result('tunnels/down')).map((t) => t.up)).toEqual([false, false]);
    expect(parseTunnels(result('tunnels/none'))).toEqual([]);
  });

  it('ARP entries, interfaces and session counters', () => {
    expect(parseArp(result('arp/many')).map((a) => a.key)).toEqual(['ethernet1/2 10.1.3.10', 'ethernet1/3 10.2.3.10', 'ethernet1/4 10.3.3.10']);
    const nics = parseInterfaces(result('interfaces/hardware'));
    expect(nics).toHaveLength(8);
    expect(nics.filter((n) => n.up).map((n) => n.key)).toEqual(['ethernet1/1', 'ethernet1/2', 'ethernet1/3', 'ethernet1/4', 'ethernet1/5', 'ethernet1/6']);
    expect(parseSessionCounts(result('session-info/default'))).toEqual({ active: 53_597, tcp: 37_517, udp: 15_007 });
  });
});

describe('envelopes', () => {
  it.each([
    ['envelope/malformed-command', 200, 'api', false, 'malformed command: <system> is not closed'],
    ['envelope/unknown-command', 200, 'api', false, 'show -> bogus  is unexpected'],
    ['envelope/multi-line-error', 200, 'api', false, "request -> content -> upgrade -> install -> version '8503-7125' is not an allowed keyword request -> content -> upgrade -> install -> version is invalid"],
    ['envelope/unauth', 403, 'auth', false, 'Unauthorized request'],
    ['envelope/missing-key', 403, 'auth', false, 'Invalid credentials.'],
    ['keygen/invalid-credential', 403, 'auth', false, 'Invalid Credential'],
    ['panorama-target/not-connected', 200, 'connect', true, null],
  ])('%s', (name, http, kind, transient, said) => {
    const err = envelopeError(response(name), http as number, at)!;
    expect(err).toMatchObject({ kind, transient, device: 'fx-fw' });
    if (said) expect(err.deviceSaid).toBe(said);
    else expect(err.deviceSaid).toMatch(/^\d+ not connected$/);
  });

  it('success answers: a key, text, a configuration kept as printed', () => {
    expect(envelopeError(response('keygen/success'), 200, at)).toBeNull();
    expect(result('keygen/success').key).toMatch(/^LUFRPT1/);
    expect(messageOf(response('ha-suspend/ok'))).toBe('Successfully changed HA state to suspended');
    for (const name of ['config-running/default', 'export-configuration/default']) {
      const config = rawConfig(raw(name))!;
      expect(config, name).toMatch(/^<config version="10\.2\.0"[^>]*>[\s\S]*<\/config>$/);
      expect(raw(name)).toContain(config);
      const again = parseXml(config).config as Xml;
      expect(child(child(again, 'devices'), 'entry')).toBeDefined();
    }
  });
});
