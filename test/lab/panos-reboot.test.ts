// Restarting a PAN-OS lab firewall: the management plane goes away, comes
// back (403 or not ready for a while), then runs the installed release —
// with what the faults keep down afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, isListening } from '../../src/lab/lab.js';
import { CMD, Client, doc, fw, panorama, sleep, until } from './panos-client.js';

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 15,
    fleet: [
      fw('rb-1', { via: 'pano' }), fw('rb-warm', { faults: ['warmup-403'] }), fw('rb-old', { faults: ['old-version'] }), fw('rb-never', { faults: ['never-returns'] }),
      fw('rb-faults', { faults: ['bgp-down-after-reboot', 'ipsec-down-after-reboot', 'routes-lost-after-reboot'] }), panorama(),
    ],
  });
});
afterAll(async () => lab?.stop());

const jobId = (xml: string) => String(doc(xml).result.job);

/** check, download base and target, install: what a client does before the restart. */
async function installTarget(c: Client, target?: string): Promise<void> {
  await c.op(CMD.swCheck, target);
  for (const v of ['11.1.0', '11.1.4-h7']) expect((await c.waitJob(jobId(await c.op(CMD.download(v), target)), target)).job.result).toBe('OK');
  expect((await c.waitJob(jobId(await c.op(CMD.install('11.1.4-h7'), target)), target)).job.result).toBe('OK');
}

const down = (host: string) => until(`${host} down`, async () => ((await isListening('127.0.0.1', lab.panos.port(host))) ? undefined : true), 10_000, 2);
const up = (host: string) => until(`${host} up`, async () => ((await isListening('127.0.0.1', lab.panos.port(host))) ? true : undefined), 10_000, 2);

describe('PAN-OS lab: restart', () => {
  it('through Panorama: refused while down, "<serial> not connected", then the new release, not ready for a while, then ready', async () => {
    const pano = new Client(lab, 'pano');
    const serial = lab.panos.firewall('rb-1').serial;
    await installTarget(pano, serial);
    expect(await pano.op(CMD.restart, serial)).toBe('<response status="success"><result>Command succeeded with no output</result></response>');
    await down('rb-1');
    expect(await pano.op(CMD.info, serial)).toBe(`<response status="error" code="13"><msg><line><![CDATA[ ${serial} not connected ]]></line></msg></response>`);
    expect(doc(await pano.op('<show><devices><connected></connected></devices></show>')).result.devices).toBe('');
    await up('rb-1');
    const direct = new Client(lab, 'rb-1');
    const ready: string[] = [];
    const sys = doc(await direct.op(CMD.info)).result.system;
    await until('rb-1 ready', async () => {
      const r = String(doc(await direct.op(CMD.ready)).result);
      if (ready.at(-1) !== r) ready.push(r);
      return r === 'yes' ? r : undefined;
    }, 10_000, 2);
    expect(ready).toEqual(['no', 'yes']);
    expect(sys['sw-version']).toBe('11.1.4-h7');
    expect(sys.uptime).toMatch(/^0 days, 0:0\d:\d\d$/);
    expect(doc(await pano.op(CMD.info, serial)).result.system['sw-version']).toBe('11.1.4-h7');
    expect(lab.panos.firewall('rb-1').count('reboot')).toBe(1);
  });

  it('warmup-403: after the restart the old key and keygen get 403 "Invalid Credential" for a while, then the old key works', async () => {
    const c = new Client(lab, 'rb-warm');
    const key = await c.keygen();
    await c.op(CMD.restart);
    await down('rb-warm');
    await up('rb-warm');
    const first = await c.raw({ type: 'op', cmd: CMD.info, key });
    expect(first.status).toBe(403);
    expect(first.data).toBe('<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>');
    expect((await c.raw({ type: 'keygen', user: lab.credentials.username, password: lab.credentials.password })).status).toBe(403);
    const later = await until('the old key accepted', async () => {
      const r = await c.raw({ type: 'op', cmd: CMD.ready, key });
      return r.status === 200 ? r.data : undefined;
    });
    expect(later).toContain('<result>yes</result>');
  });

  it('old-version comes back on the release it had; never-returns stays unreachable', async () => {
    const old = new Client(lab, 'rb-old');
    await installTarget(old);
    await old.op(CMD.restart);
    await down('rb-old');
    await up('rb-old');
    expect(doc(await old.op(CMD.info)).result.system['sw-version']).toBe('10.2.9-h1');
    await new Client(lab, 'rb-never').op(CMD.restart);
    await down('rb-never');
    await until('never-returns settled', () => (lab.panos.firewall('rb-never').lifecycle === 'never' ? true : undefined));
    // Watched for twice the restart time: it never listens again.
    const until2x = Date.now() + 2 * lab.clock.ms(lab.timings.panosRebootMs);
    while (Date.now() < until2x) {
      expect(await isListening('127.0.0.1', lab.panos.port('rb-never'))).toBe(false);
      await sleep(20);
    }
  });

  it('after the restart onto the new release BGP peers stay down, tunnels stay in init and some static routes are missing', async () => {
    const c = new Client(lab, 'rb-faults');
    const bgp = async () => (doc(await c.op('<show><routing><protocol><bgp><peer></peer></bgp></protocol></routing></show>')).result.entry ?? []) as Record<string, string>[];
    const tunnels = async () => doc(await c.op('<show><running><tunnel><flow><all></all></flow></tunnel></running></show>')).result.IPSec.entry as Record<string, string>[];
    const routes = async () => (doc(await c.op('<show><routing><route></route></routing></show>')).result.entry as Record<string, string>[]).map((r) => `${r.destination} ${r.nexthop} ${r.flags.trim()}`);
    const before = { peers: await bgp(), tunnels: await tunnels(), routes: await routes() };
    expect(before.peers.length).toBeGreaterThan(0);
    expect(before.peers.every((p) => p.status === 'Established')).toBe(true);
    expect(before.tunnels.length).toBeGreaterThan(0);
    expect(before.tunnels.every((t) => t.state === 'active')).toBe(true);
    // Restarted onto the release it runs, it forwards as before: the faults are the new release's.
    await c.op(CMD.restart);
    await down('rb-faults');
    await up('rb-faults');
    expect({ peers: await bgp(), tunnels: await tunnels(), routes: await routes() }).toEqual(before);
    await installTarget(c);
    await c.op(CMD.restart);
    await down('rb-faults');
    await up('rb-faults');
    const after = { peers: await bgp(), tunnels: await tunnels(), routes: await routes() };
    expect(after.peers.map((p) => `${p['@peer']} ${p.status}`)).toEqual(before.peers.map((p) => `${p['@peer']} Active`));
    expect(after.tunnels.map((t) => t.state)).toEqual(before.tunnels.map(() => 'init'));
    const missing = before.routes.filter((r) => !after.routes.includes(r));
    const bgpRoutes = before.routes.filter((r) => r.endsWith(' A B'));
    expect(bgpRoutes.length).toBeGreaterThan(0);
    expect(missing.filter((r) => r.endsWith(' A B'))).toEqual(bgpRoutes);
    const staticsLost = missing.filter((r) => r.endsWith(' A S'));
    expect(staticsLost.length).toBeGreaterThan(0);
    expect(staticsLost.length).toBeLessThan(before.routes.filter((r) => r.endsWith(' A S')).length);
    expect(after.routes.every((r) => before.routes.includes(r))).toBe(true);
  });
});
