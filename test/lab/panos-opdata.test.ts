// Operational data the PAN-OS lab answers, and the faults that change it,
// read the way assurance checks read them.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { Lab } from '../../src/lab/lab.js';
import { Client, doc, fw, panorama } from './panos-client.js';

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50,
    fleet: [
      fw('od-plain', { via: 'pano' }),
      fw('od-bad', { via: 'pano', faults: ['ntp-unsynced', 'panorama-disconnected', 'config-lock', 'commit-lock', 'pending-changes', 'full-commit-required', 'license-expired', 'support-expired', 'cpu-high', 'mem-high', 'cert-weak', 'clock-skew'] }),
      fw('od-big', { faults: ['multi-dp', 'advanced-routing'] }), panorama(),
    ],
  });
});
afterAll(async () => lab?.stop());

const op = (host: string, cmd: string) => new Client(lab, host).op(cmd);
const result = async (host: string, cmd: string) => doc(await op(host, cmd)).result;

describe('PAN-OS lab: readiness data', () => {
  it('NTP: synched to a server, or LOCAL with ntp-unsynced', async () => {
    expect(await result('od-plain', '<show><ntp></ntp></show>')).toMatchObject({ synched: '0.pool.ntp.org', 'ntp-server-1': { name: '0.pool.ntp.org', status: 'synched', reachable: 'yes' } });
    expect(await result('od-bad', '<show><ntp></ntp></show>')).toMatchObject({ synched: 'LOCAL', 'ntp-server-2': { status: 'available', reachable: 'no' } });
  });

  it('Panorama link: connected, disconnected (and then unknown to Panorama), or not configured', async () => {
    expect(await result('od-plain', '<show><panorama-status></panorama-status></show>')).toMatch(/Panorama Server 1 : 127\.0\.0\.1\n\s+Connected\s+: yes\n/);
    expect(await result('od-bad', '<show><panorama-status></panorama-status></show>')).toMatch(/Connected\s+: no/);
    expect(await op('od-big', '<show><panorama-status></panorama-status></show>')).toBe('<response status="success"><result></result></response>');
    const connected = (await result('pano', '<show><devices><connected></connected></devices></show>')).devices.entry.map((d: { hostname: string }) => d.hostname);
    expect(connected).toEqual(['od-plain']);
    const all = (await result('pano', '<show><devices><all></all></devices></show>')).devices.entry.map((d: { hostname: string; connected: string }) => `${d.hostname} ${d.connected}`);
    expect(all.sort()).toEqual(['od-bad no', 'od-plain yes']);
    expect(await new Client(lab, 'pano').op('<show><clock></clock></show>', lab.panos.firewall('od-bad').serial)).toContain('not connected');
  });

  it('locks and uncommitted changes', async () => {
    expect(await op('od-plain', '<show><config-locks></config-locks></show>')).toBe('<response status="success"><result><config-locks/></result></response>');
    expect((await result('od-bad', '<show><config-locks><vsys>all</vsys></config-locks></show>'))['config-locks'].entry[0]).toMatchObject({ '@name': 'jdoe', loggedin: 'yes' });
    expect((await result('od-bad', '<show><commit-locks></commit-locks></show>'))['commit-locks'].entry).toHaveLength(1);
    expect(await result('od-plain', '<check><pending-changes></pending-changes></check>')).toBe('no');
    expect(await result('od-bad', '<check><pending-changes></pending-changes></check>')).toBe('yes');
    expect(await result('od-bad', '<check><full-commit-required></full-commit-required></check>')).toBe('yes');
  });

  it('licences and support: valid, or expired', async () => {
    const lic = async (h: string) => (await result(h, '<request><license><info></info></license></request>')).licenses.entry as Record<string, string>[];
    expect((await lic('od-plain')).every((l) => l.expired === 'no')).toBe(true);
    const bad = await lic('od-bad');
    expect(bad.filter((l) => l.expired === 'yes').map((l) => l.feature)).toEqual(['Threat Prevention', 'Premium']);
    expect(Date.parse(bad.find((l) => l.feature === 'Premium')!.expires)).toBeLessThan(Date.now());
    const support = async (h: string) => Date.parse((await result(h, '<request><support><check></check></support></request>')).SupportInfoResponse.Support.ExpiryDate);
    expect(await support('od-plain')).toBeGreaterThan(Date.now());
    expect(await support('od-bad')).toBeLessThan(Date.now());
  });

  it('MP and DP CPU, MP memory: low, or high with cpu-high / mem-high', async () => {
    const dpAvg = async (h: string) => {
      const dps = (await result(h, '<show><running><resource-monitor><minute><last>5</last></minute></resource-monitor></running></show>'))['resource-monitor']['data-processors'];
      const values = Object.values(dps).flatMap((dp: any) => dp.minute['cpu-load-average'].entry.flatMap((e: { value: string }) => e.value.split(',').map(Number)));
      return { dps: Object.keys(dps), avg: values.reduce((a, b) => a + b, 0) / values.length, perCore: values.length };
    };
    expect((await dpAvg('od-plain')).avg).toBeLessThan(20);
    expect((await dpAvg('od-bad')).avg).toBeGreaterThan(80);
    expect((await dpAvg('od-big')).dps).toEqual(['dp0', 'dp1', 'dp2']);
    const mp = async (h: string) => Number(/'1minavg': (\d+)/.exec(await result(h, '<show><system><state><filter>sys.monitor.*.mp.exports</filter></state></system></show>'))![1]);
    expect(await mp('od-plain')).toBeLessThan(20);
    expect(await mp('od-bad')).toBeGreaterThan(80);
    const mem = async (h: string) => {
      const m = /MiB Mem :\s+([\d.]+) total,\s+([\d.]+) free,\s+([\d.]+) used/.exec(await result(h, '<show><system><resources></resources></system></show>'))!;
      return Number(m[3]) / Number(m[1]);
    };
    expect(await mem('od-plain')).toBeLessThan(0.9);
    expect(await mem('od-bad')).toBeGreaterThanOrEqual(0.9);
  });

  it('clocks: data planes agree with the management plane, or are 47 s off with clock-skew; one <member> per data plane', async () => {
    const skew = async (h: string) => {
      const mp = Date.parse(String(await result(h, '<show><clock></clock></show>')).trim().replace(/ UTC (\d{4})$/, ' $1 UTC'));
      const members = (await result(h, '<show><clock><more></more></clock></show>')).member as string[];
      return { members: members.length, diffs: members.map((m) => (Date.parse(m.replace('dataplane time: ', '').trim().replace(/ UTC (\d{4})$/, ' $1 UTC')) - mp) / 1000) };
    };
    const plain = await skew('od-plain');
    expect(plain.members).toBe(1);
    expect(Math.abs(plain.diffs[0])).toBeLessThanOrEqual(1);
    expect((await skew('od-bad')).diffs[0]).toBeGreaterThanOrEqual(46);
    expect((await skew('od-big')).members).toBe(3);
  });

  it('certificates in the running configuration: an EC P-256 one, plus a 1024-bit RSA / SHA-1 one with cert-weak', async () => {
    const certs = async (h: string) => (await result(h, '<show><config><running></running></config></show>')).config.shared.certificate.entry as Record<string, string>[];
    const plain = await certs('od-plain');
    expect(plain.map((c) => `${c['@name']} ${c.algorithm}`)).toEqual(['mgmt-web-ui EC']);
    const weak = (await certs('od-bad')).find((c) => c.algorithm === 'RSA')!;
    const x = new X509Certificate(weak['public-key']);
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
    // sha1WithRSAEncryption (1.2.840.113549.1.1.5) signs it.
    expect(x.raw.includes(Buffer.from('06092a864886f70d010105', 'hex'))).toBe(true);
  });
});

describe('PAN-OS lab: configuration and forwarding data', () => {
  it('show config running is a whole, well-formed <config> without the lab password', async () => {
    const text = await op('od-plain', '<show><config><running></running></config></show>');
    const config = /<result>(<config [\s\S]*<\/config>)<\/result>/.exec(text)![1];
    expect(XMLValidator.validate(config)).toBe(true);
    const c = doc(text).result.config;
    expect(c['@version']).toBe('10.2.0');
    expect(c.devices.entry[0].deviceconfig.system.hostname).toBe('od-plain');
    expect(c.devices.entry[0].network['virtual-router'].entry[0]['@name']).toBe('default');
    expect(text).not.toContain(lab.credentials.password);
    const are = doc(await op('od-big', '<show><config><running></running></config></show>')).result.config;
    expect(are.devices.entry[0].network['logical-router'].entry[0]['@name']).toBe('default');
  });

  it('advanced routing engine: legacy route commands are unknown, show advanced-routing answers JSON', async () => {
    expect(await op('od-big', '<show><routing><route></route></routing></show>')).toContain('show -> routing  is unexpected');
    expect(await op('od-plain', '<show><advanced-routing><route></route></advanced-routing></show>')).toContain('show -> advanced-routing  is unexpected');
    const json = JSON.parse((await result('od-big', '<show><advanced-routing><route></route></advanced-routing></show>')).json);
    expect(json.default['0.0.0.0/0'][0]).toMatchObject({ protocol: 'static', installed: true, nexthops: [{ ip: '203.0.113.1', interfaceName: 'ethernet1/1' }] });
    const legacyCount = lab.panos.firewall('od-big').net.routes.length;
    expect(Object.values(json.default).flat()).toHaveLength(legacyCount);
    const bgp = JSON.parse((await result('od-big', '<show><advanced-routing><bgp><peer><status></status></peer></bgp></advanced-routing></show>')).json);
    expect(Object.values(bgp.default.peers).every((p: any) => p.state === 'Established')).toBe(true);
  });

  it('interfaces, ARP, sessions, disk space and an empty job list', async () => {
    const hw = (await result('od-plain', '<show><interface>hardware</interface></show>')).hw.entry as Record<string, string>[];
    expect(hw.map((i) => `${i.name} ${i.state}`).slice(5, 7)).toEqual(['ethernet1/6 up', 'ethernet1/7 down']);
    expect((await result('od-plain', '<show><interface>all</interface></show>')).ifnet.entry[0]).toMatchObject({ name: 'ethernet1/1', zone: 'untrust', fwd: 'vr:default' });
    const arp = await result('od-plain', "<show><arp><entry name='all'/></arp></show>");
    expect(Number(arp.total)).toBe(arp.entries.entry.length);
    expect(arp.entries.entry[0]).toMatchObject({ status: 'c', interface: 'ethernet1/2' });
    const sessions = await result('od-plain', '<show><session><info></info></session></show>');
    expect(Number(sessions['num-tcp']) + Number(sessions['num-udp'])).toBeLessThanOrEqual(Number(sessions['num-active']));
    expect(await result('od-plain', '<show><system><disk-space></disk-space></system></show>')).toMatch(/^\/dev\/md6\s+23G\s+\S+\s+\S+\s+\d+% \/opt\/panrepo$/m);
    expect(await op('od-plain', '<show><jobs><all></all></jobs></show>')).toBe('<response status="success"><result></result></response>');
    expect(Object.keys(await result('od-plain', '<show><system><environmentals></environmentals></system></show>'))).toEqual(['thermal', 'fantray', 'fan', 'power', 'power-supply']);
  });
});
