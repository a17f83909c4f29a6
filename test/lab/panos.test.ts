// The simulated PAN-OS XML API: keys, envelopes, the Panorama proxy and the
// per-device request log, driven as any client would (plain HTTPS, XML).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { Lab } from '../../src/lab/lab.js';
import { CMD, Client, doc, fw, panorama, tag } from './panos-client.js';

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 60,
    fleet: [
      fw('fw-a', { haPeer: 'fw-b', haRole: 'active', via: 'pano' }), fw('fw-b', { haPeer: 'fw-a', haRole: 'passive', via: 'pano' }),
      fw('fw-solo'), fw('fw-auth', { faults: ['auth'] }), fw('fw-vsys', { faults: ['multi-vsys', 'advanced-routing'] }), panorama(),
    ],
  });
});
afterAll(async () => lab?.stop());

describe('PAN-OS lab: keys and envelopes', () => {
  it('issues a key for the right credentials and answers 403 "Invalid Credential" otherwise', async () => {
    const c = new Client(lab, 'fw-solo');
    expect(await c.keygen()).toMatch(/^[A-Za-z0-9]{20,}$/);
    const bad = await c.raw({ type: 'keygen', user: 'netops', password: 'nope' });
    expect(bad.status).toBe(403);
    expect(bad.data).toBe('<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>');
    expect((await new Client(lab, 'fw-auth').raw({ type: 'keygen', user: 'netops', password: lab.credentials.password })).status).toBe(403);
  });

  it('refuses a forged key (unauth, code 16) and a missing one, and takes the key as X-PAN-KEY or Basic auth', async () => {
    const c = new Client(lab, 'fw-solo');
    const forged = await c.raw({ type: 'op', cmd: CMD.info, key: 'forged' });
    expect(forged.status).toBe(403);
    expect(forged.data).toMatch(/^<response status="unauth" code="16"><msg><line>/);
    expect((await c.raw({ type: 'op', cmd: CMD.info })).status).toBe(403);
    const key = await c.keygen();
    expect(tag((await c.raw({ type: 'op', cmd: CMD.info }, { 'x-pan-key': key })).data, 'hostname')).toBe('fw-solo');
    const basic = `Basic ${Buffer.from(`${lab.credentials.username}:${lab.credentials.password}`).toString('base64')}`;
    expect(tag((await c.raw({ type: 'op', cmd: CMD.info }, { authorization: basic })).data, 'hostname')).toBe('fw-solo');
  });

  it('answers show system info, an unknown command with code 17 and a malformed one with code 18', async () => {
    const c = new Client(lab, 'fw-vsys');
    const sys = doc(await c.op(CMD.info)).result.system;
    expect(sys).toMatchObject({ hostname: 'fw-vsys', model: 'PA-3220', family: '3200', 'sw-version': '10.2.9-h1', 'multi-vsys': 'on', 'advanced-routing': 'on', 'operational-mode': 'normal' });
    expect(sys.serial).toMatch(/^\d{15}$/);
    expect(sys.uptime).toMatch(/^\d+ days, \d+:\d\d:\d\d$/);
    expect(sys['app-version']).toMatch(/^\d+-\d+$/);
    expect(await c.op('<show><bogus/></show>')).toBe('<response status="error" code="17"><msg><line><![CDATA[ show -> bogus  is unexpected ]]></line></msg></response>');
    expect(doc(await c.op('<show><system>')) ).toMatchObject({ '@status': 'error', '@code': '18' });
  });

  it('reads one XPath of the configuration (type=config) and exports the whole of it (type=export)', async () => {
    const c = new Client(lab, 'fw-solo');
    const key = await c.keygen();
    const got = await c.raw({ type: 'config', action: 'get', key, xpath: "/config/devices/entry[@name='localhost.localdomain']/deviceconfig/system/hostname" });
    expect(got.data).toBe('<response status="success" code="19"><result total-count="1" count="1"><hostname>fw-solo</hostname></result></response>');
    const none = await c.raw({ type: 'config', action: 'get', key, xpath: '/config/nothing/here' });
    expect(none.data).toBe('<response status="success" code="7"><result/></response>');
    const exported = (await c.raw({ type: 'export', category: 'configuration', key })).data;
    expect(exported.startsWith('<config version="10.2.0"')).toBe(true);
    expect(XMLValidator.validate(exported)).toBe(true);
  });
});

describe('PAN-OS lab: Panorama', () => {
  it('lists its managed firewalls and routes target=<serial> to them with its own key', async () => {
    const pano = new Client(lab, 'pano');
    const devices = doc(await pano.op('<show><devices><connected></connected></devices></show>')).result.devices.entry as Record<string, string>[];
    expect(devices.map((d) => d.hostname).sort()).toEqual(['fw-a', 'fw-b']);
    const a = devices.find((d) => d.hostname === 'fw-a')!;
    expect(a).toMatchObject({ '@name': lab.panos.firewall('fw-a').serial, connected: 'yes', 'sw-version': '10.2.9-h1', model: 'PA-3220' });
    expect(doc(await pano.op(CMD.info, a.serial)).result.system.hostname).toBe('fw-a');
    expect(doc(await pano.op(CMD.info)).result.system.model).toBe('Panorama');
    expect(await pano.op(CMD.info, '007054999999999')).toBe('<response status="error" code="13"><msg><line><![CDATA[ 007054999999999 not connected ]]></line></msg></response>');
    // type=version ignores target: it is Panorama's own version.
    expect(tag((await pano.raw({ type: 'version', key: await pano.keygen(), target: a.serial })).data, 'model')).toBe('Panorama');
  });

  it('counts every request it receives, with the time, type, command and target', async () => {
    const pano = new Client(lab, 'pano');
    const before = lab.panos.requests('pano').length;
    const serial = lab.panos.firewall('fw-b').serial;
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await pano.op(CMD.ha, serial);
    const mine = lab.panos.requests('pano').slice(before);
    expect(mine.filter((r) => r.type === 'op')).toHaveLength(5);
    for (const r of mine.filter((x) => x.type === 'op')) {
      expect(r).toMatchObject({ cmd: CMD.ha, target: serial, status: 200 });
      expect(r.at).toBeGreaterThanOrEqual(t0);
    }
    // The firewall behind Panorama saw none of them as HTTP requests of its own.
    expect(lab.panos.requests('fw-b').filter((r) => r.at >= t0)).toHaveLength(0);
  });
});
