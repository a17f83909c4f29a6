// The XML fixtures under test/fixtures/panos/ and the lab answer the same
// calls with the same shape (every element and attribute path), so the
// driver's parsing tests and the lab cannot drift apart.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/lab/lab.js';
import { CMD, Client, doc, fw, panorama, structure, until } from './panos-client.js';

const DIR = join(import.meta.dirname, '../fixtures/panos');
const files = readdirSync(DIR, { recursive: true }).map(String).filter((f) => f.endsWith('.xml')).map((f) => f.replace(/\.xml$/, '')).sort();

/** Shapes documented publicly that the lab does not produce (see the README). */
const FIXTURE_ONLY = ['license-info/unlicensed', 'jobs-all/entry-without-id', 'tunnels/none', 'devices-connected/none', 'bgp-peers/none', 'envelope/multi-line-error'];
/** Fixtures with the same shape as another call the lab answers. */
const SAME_AS: Record<string, string> = {
  'routes/one': 'routes/many', 'bgp-peers/down': 'bgp-peers/established', 'tunnels/down': 'tunnels/active', 'job/running': 'job/queued',
  'job/install-fail-busy': 'job/install-fail-base-image',
  'panorama-status/two-panoramas': 'panorama-status/connected', 'chassis-ready/no': 'chassis-ready/yes',
};

let lab: Lab;
const answers = new Map<string, string>();

beforeAll(async () => {
  lab = await Lab.start({
    speed: 50,
    fleet: [
      fw('fx-fw', { haPeer: 'fx-peer', haRole: 'active', via: 'pano' }), fw('fx-peer', { haPeer: 'fx-fw', haRole: 'passive', via: 'pano' }), fw('fx-solo'),
      fw('fx-bad', { via: 'pano', faults: ['ntp-unsynced', 'panorama-disconnected', 'config-lock', 'commit-lock', 'pending-changes', 'full-commit-required', 'license-expired', 'support-expired', 'disk-full', 'update-unreachable', 'busy', 'stale-info'] }),
      fw('fx-big', { faults: ['multi-dp', 'advanced-routing', 'multi-vsys'] }), fw('fx-down', { faults: ['bgp-down-after-reboot', 'ipsec-down-after-reboot'] }), panorama(),
    ],
  });
  const c = (h: string) => new Client(lab, h);
  const [solo, fwc, bad, big, pano, peer] = ['fx-solo', 'fx-fw', 'fx-bad', 'fx-big', 'pano', 'fx-peer'].map(c);
  const set = async (name: string, xml: string | Promise<string>) => answers.set(name, await xml);
  const job = async (client: Client, enq: string) => {
    await client.waitJob(String(doc(enq).result.job));
    return client.op(`<show><jobs><id>${doc(enq).result.job}</id></jobs></show>`);
  };
  const creds = { user: lab.credentials.username, password: lab.credentials.password };
  await set('keygen/success', solo.raw({ type: 'keygen', ...creds }).then((r) => r.data));
  await set('keygen/invalid-credential', solo.raw({ type: 'keygen', user: 'netops', password: 'wrong' }).then((r) => r.data));
  await set('envelope/unauth', solo.raw({ type: 'op', cmd: CMD.info, key: 'forged' }).then((r) => r.data));
  await set('envelope/missing-key', solo.raw({ type: 'op', cmd: CMD.info }).then((r) => r.data));
  await set('envelope/unknown-command', solo.op('<show><bogus></bogus></show>'));
  await set('envelope/malformed-command', solo.op('<show><system>'));
  await set('version/firewall', solo.raw({ type: 'version', key: await solo.keygen() }).then((r) => r.data));
  await set('system-info/firewall', fwc.op(CMD.info));
  await set('system-info/panorama', pano.op(CMD.info));
  await set('system-info/multi-vsys-advanced-routing', big.op(CMD.info));
  await set('ha-state/standalone', solo.op(CMD.ha));
  await set('ha-state/active', fwc.op(CMD.ha));
  await set('software-info/before-check', solo.op(CMD.swInfo));
  await set('software-info/stale-cache', bad.op(CMD.swInfo));
  await set('software-check/update-unreachable', bad.op(CMD.swCheck));
  await set('software-check/list', solo.op(CMD.swCheck));
  await set('software-download/not-offered', solo.op(CMD.download('99.9.9')));
  const d1 = await solo.op(CMD.download('11.1.0'));
  await set('software-download/enqueued', d1);
  const d2 = await solo.op(CMD.download('11.1.4-h7'));
  await set('job/queued', solo.op(`<show><jobs><id>${doc(d2).result.job}</id></jobs></show>`));
  await set('job/download-ok', job(solo, d1));
  await solo.waitJob(String(doc(d2).result.job));
  await set('software-install/not-downloaded', solo.op(CMD.install('11.2.3')));
  const i1 = await solo.op(CMD.install('11.1.4-h7'));
  await set('software-install/enqueued', i1);
  await set('job/install-ok', job(solo, i1));
  await set('jobs-all/many', solo.op('<show><jobs><all></all></jobs></show>'));
  await set('jobs-all/none', big.op('<show><jobs><all></all></jobs></show>'));
  await set('job/not-found', big.op('<show><jobs><id>4711</id></jobs></show>'));
  await set('software-install/busy', bad.op(CMD.install('10.2.9-h1')));
  await peer.op(CMD.swCheck);
  await peer.waitJob(String(doc(await peer.op(CMD.download('11.1.4-h7'))).result.job));
  await set('jobs-all/one', peer.op('<show><jobs><all></all></jobs></show>'));
  await set('job/install-fail-base-image', job(peer, await peer.op(CMD.install('11.1.4-h7'))));
  await set('routes/many', fwc.op('<show><routing><route></route></routing></show>'));
  await set('advanced-routes/many', big.op('<show><advanced-routing><route></route></advanced-routing></show>'));
  await set('advanced-routes/legacy-command-refused', big.op('<show><routing><route></route></routing></show>'));
  await set('advanced-bgp-peers/established', big.op('<show><advanced-routing><bgp><peer><status></status></peer></bgp></advanced-routing></show>'));
  await set('bgp-peers/established', fwc.op('<show><routing><protocol><bgp><peer></peer></bgp></protocol></routing></show>'));
  await set('tunnels/active', c('fx-down').op('<show><running><tunnel><flow><all></all></flow></tunnel></running></show>'));
  await set('panorama-target/not-connected', pano.op(CMD.info, lab.panos.firewall('fx-bad').serial));
  await set('chassis-ready/yes', solo.op(CMD.ready));
  await set('arp/many', fwc.op("<show><arp><entry name='all'/></arp></show>"));
  await set('interfaces/hardware', fwc.op('<show><interface>hardware</interface></show>'));
  await set('session-info/default', fwc.op('<show><session><info></info></session></show>'));
  for (const [name, host] of [['synched', fwc], ['local', bad]] as const) await set(`ntp/${name}`, host.op('<show><ntp></ntp></show>'));
  for (const [name, host] of [['connected', fwc], ['disconnected', bad], ['not-configured', solo]] as const) await set(`panorama-status/${name}`, host.op('<show><panorama-status></panorama-status></show>'));
  for (const kind of ['config-locks', 'commit-locks']) {
    await set(`${kind}/none`, fwc.op(`<show><${kind}></${kind}></show>`));
    await set(`${kind}/held`, bad.op(`<show><${kind}></${kind}></show>`));
  }
  await set('pending-changes/no', fwc.op('<check><pending-changes></pending-changes></check>'));
  await set('pending-changes/yes', bad.op('<check><pending-changes></pending-changes></check>'));
  await set('full-commit-required/yes', bad.op('<check><full-commit-required></full-commit-required></check>'));
  await set('license-info/valid', fwc.op('<request><license><info></info></license></request>'));
  await set('license-info/expired', bad.op('<request><license><info></info></license></request>'));
  await set('support-check/valid', fwc.op('<request><support><check></check></support></request>'));
  await set('support-check/update-unreachable', bad.op('<request><support><check></check></support></request>'));
  await set('disk-space/default', fwc.op('<show><system><disk-space></disk-space></system></show>'));
  await set('disk-space/full', bad.op('<show><system><disk-space></disk-space></system></show>'));
  await set('system-resources/default', fwc.op('<show><system><resources></resources></system></show>'));
  await set('resource-monitor/one-dp', fwc.op('<show><running><resource-monitor><minute><last>5</last></minute></resource-monitor></running></show>'));
  await set('resource-monitor/three-dp', big.op('<show><running><resource-monitor><minute><last>5</last></minute></resource-monitor></running></show>'));
  await set('mp-cpu/default', fwc.op('<show><system><state><filter>sys.monitor.*.mp.exports</filter></state></system></show>'));
  await set('clock/mp', fwc.op('<show><clock></clock></show>'));
  await set('clock-more/one-dp', fwc.op('<show><clock><more></more></clock></show>'));
  await set('clock-more/three-dp', big.op('<show><clock><more></more></clock></show>'));
  await set('config-running/default', fwc.op('<show><config><running></running></config></show>'));
  const key = await fwc.keygen();
  await set('export-configuration/default', fwc.raw({ type: 'export', category: 'configuration', key }).then((r) => r.data));
  await set('config-get/hostname', fwc.raw({ type: 'config', action: 'get', key, xpath: "/config/devices/entry[@name='localhost.localdomain']/deviceconfig/system/hostname" }).then((r) => r.data));
  await set('config-get/no-match', fwc.raw({ type: 'config', action: 'get', key, xpath: '/config/devices/entry/nothing' }).then((r) => r.data));
  await set('ha-sync-to-remote/queued', fwc.op('<request><high-availability><sync-to-remote><running-config></running-config></sync-to-remote></high-availability></request>'));
  await set('ha-suspend/ok', fwc.op(CMD.suspend));
  await set('ha-state/suspended', fwc.op(CMD.ha));
  await set('ha-functional/ok', fwc.op(CMD.functional));
  await set('devices-connected/many', pano.op('<show><devices><connected></connected></devices></show>'));
  await set('content-check/list', fwc.op('<request><content><upgrade><check></check></upgrade></content></request>'));
  await set('content-download/enqueued', fwc.op('<request><content><upgrade><download><latest></latest></download></upgrade></content></request>'));
  await set('restart/accepted', peer.op(CMD.restart));
  await set('ha-state/peer-down', until('fx-peer down', async () => {
    const x = await fwc.op(CMD.ha);
    return x.includes('<conn-status>down</conn-status>') ? x : undefined;
  }));
}, 60_000);
afterAll(async () => lab?.stop());

describe('PAN-OS fixtures', () => {
  it('every fixture is compared with the lab, or listed as a documented shape the lab does not produce', () => {
    const unchecked = files.filter((f) => !answers.has(f) && !SAME_AS[f] && !FIXTURE_ONLY.includes(f));
    expect(unchecked).toEqual([]);
    expect(files.length).toBeGreaterThan(70);
  });

  it.each(files.filter((f) => !FIXTURE_ONLY.includes(f)))('%s has the shape of the lab answer', (name) => {
    const lab = answers.get(SAME_AS[name] ?? name);
    expect(lab, `no lab answer recorded for ${name}`).toBeDefined();
    expect(structure(readFileSync(join(DIR, `${name}.xml`), 'utf8'))).toEqual(structure(lab!));
  });
});
