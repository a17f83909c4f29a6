// The simulated PAN-OS XML API and Panorama proxy, driven with plain axios.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import axios, { type AxiosResponse } from 'axios';
import { Lab, isListening } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';

const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: false });
const fw = (hostname: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({
  hostname, kind: 'panos', version: '10.2.9-h1', target: '11.1.4-h7', faults: [], site: 'lab', role: 'fw', group: 'fw', via: 'pano', ...extra,
});

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 60,
    fleet: [
      fw('fw-a', { haPeer: 'fw-b', haRole: 'active' }), fw('fw-b', { haPeer: 'fw-a', haRole: 'passive' }),
      fw('fw-busy', { faults: ['busy'], via: undefined }), fw('fw-auth', { faults: ['auth'], via: undefined }),
      fw('fw-odd', { faults: ['disk-full', 'pending-changes', 'regression', 'old-version'], via: undefined }),
      fw('fw-never', { faults: ['never-returns'], via: undefined }),
      { hostname: 'pano', kind: 'panorama', version: '11.1.4-h7', target: null, faults: [], site: 'lab', role: 'pano', group: 'mgmt' },
    ],
  });
});
afterAll(async () => lab?.stop());

const url = (host: string) => `https://127.0.0.1:${lab.panos.port(host)}/api/`;
async function api(host: string, params: Record<string, string>): Promise<AxiosResponse<string>> {
  return axios.get(url(host), { params, httpsAgent: agent, responseType: 'text', validateStatus: () => true, timeout: 5000 });
}
const keys = new Map<string, string>();
async function key(host: string): Promise<string> {
  if (!keys.has(host)) {
    const r = await api(host, { type: 'keygen', user: 'netops', password: lab.credentials.password });
    keys.set(host, /<key>([^<]+)<\/key>/.exec(r.data)![1]);
  }
  return keys.get(host)!;
}
const op = async (host: string, cmd: string, extra: Record<string, string> = {}) => (await api(host, { type: 'op', cmd, key: await key(host), ...extra })).data;
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

async function waitJob(host: string, id: string, extra: Record<string, string> = {}): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 500; i++) {
    const x = await op(host, `<show><jobs><id>${id}</id></jobs></show>`, extra);
    const s = `${tag(x, 'status')}/${tag(x, 'result')}`;
    if (seen.at(-1) !== s) seen.push(s);
    if (tag(x, 'status') === 'FIN') return seen;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} never finished`);
}

describe('PAN-OS lab: XML API', () => {
  it('issues a key for the right credentials, refuses wrong ones, and refuses requests without a valid key', async () => {
    expect(await key('fw-a')).toMatch(/^[A-Za-z0-9]{20,}$/);
    const bad = await api('fw-a', { type: 'keygen', user: 'netops', password: 'nope' });
    expect(bad.status).toBe(403);
    expect(bad.data).toContain('Invalid Credential');
    const auth = await api('fw-auth', { type: 'keygen', user: 'netops', password: lab.credentials.password });
    expect(auth.status).toBe(403);
    const unauth = await api('fw-a', { type: 'op', cmd: '<show><system><info/></system></show>', key: 'forged' });
    expect(unauth.status).toBe(403);
    expect(unauth.data).toMatch(/<response status="unauth" code="16">/);
  });

  it('answers show system info and an error envelope for an unknown command', async () => {
    const info = await op('fw-a', '<show><system><info></info></system></show>');
    expect(tag(info, 'sw-version')).toBe('10.2.9-h1');
    expect(tag(info, 'serial')).toMatch(/^\d{15}$/);
    const bad = await op('fw-a', '<show><bogus/></show>');
    expect(bad).toMatch(/<response status="error" code="17"><msg><line><!\[CDATA\[ show > bogus is unexpected \]\]><\/line><\/msg><\/response>/);
  });

  it('downloads as a job that goes ACT/PEND to FIN/OK, and will not install before the base image is downloaded', async () => {
    const check = await op('fw-busy', '<request><system><software><check></check></software></system></request>');
    expect(check).toMatch(/<entry><version>11\.1\.4-h7<\/version>.*?<downloaded>no<\/downloaded>/);
    const enq = await op('fw-busy', '<request><system><software><download><version>11.1.4-h7</version></download></software></system></request>');
    expect(enq).toMatch(/<response status="success" code="19"><result><msg><line>Download job enqueued with jobid (\d+)<\/line><\/msg><job>\1<\/job>/);
    expect(await waitJob('fw-busy', tag(enq, 'job')!)).toEqual(['ACT/PEND', 'FIN/OK']);
    const noBase = await op('fw-busy', '<request><system><software><install><version>11.1.4-h7</version></install></software></system></request>');
    expect(noBase).toContain('The software manager is currently in use. Please try again later.');
    await op('fw-busy', '<request><system><software><install><version>11.1.4-h7</version></install></software></system></request>');
    expect(await op('fw-busy', '<request><system><software><install><version>11.1.4-h7</version></install></software></system></request>')).toContain('the base image 11.1.0 must be downloaded first');
    const base = await op('fw-busy', '<request><system><software><download><version>11.1.0</version></download></software></system></request>');
    await waitJob('fw-busy', tag(base, 'job')!);
    const inst = await op('fw-busy', '<request><system><software><install><version>11.1.4-h7</version></install></software></system></request>');
    expect(inst).toContain('Software install job enqueued with jobid');
    expect(await waitJob('fw-busy', tag(inst, 'job')!)).toEqual(['ACT/PEND', 'FIN/OK']);
    const all = await op('fw-busy', '<show><jobs><all/></jobs></show>');
    expect(all.match(/<job>/g)).toHaveLength(3);
  });

  it('reboots: connections refused, Panorama says "not connected", then back on the installed version, chassis ready later', async () => {
    const serial = tag(await op('fw-a', '<show><system><info/></system></show>'), 'serial')!;
    const d = await op('fw-a', '<request><system><software><download><version>11.1.0</version></download></software></system></request>');
    await waitJob('fw-a', tag(d, 'job')!);
    const t = await op('fw-a', '<request><system><software><download><version>11.1.4-h7</version></download></software></system></request>');
    await waitJob('fw-a', tag(t, 'job')!);
    // Through Panorama, with Panorama's key and target=<serial>.
    const i = await op('pano', '<request><system><software><install><version>11.1.4-h7</version></install></software></system></request>', { target: serial });
    await waitJob('pano', tag(i, 'job')!, { target: serial });
    expect(await op('pano', '<request><restart><system></system></restart></request>', { target: serial })).toContain('Command succeeded with no output');
    const port = lab.panos.port('fw-a');
    let refused = false;
    let notConnected = '';
    for (let n = 0; n < 300 && !(refused && notConnected); n++) {
      if (!(await isListening('127.0.0.1', port))) refused = true;
      const viaPano = await op('pano', '<show><system><info/></system></show>', { target: serial });
      if (viaPano.includes('not connected')) notConnected = viaPano;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(refused).toBe(true);
    expect(notConnected).toBe(`<response status="error" code="13"><msg><line><![CDATA[ ${serial} not connected ]]></line></msg></response>`);
    // fw-b took over while fw-a rebooted.
    expect(tag(await op('fw-b', '<show><high-availability><state/></high-availability></show>'), 'state')).toBe('active');
    for (let n = 0; n < 500 && !(await isListening('127.0.0.1', port)); n++) await new Promise((r) => setTimeout(r, 10));
    expect(tag(await op('fw-a', '<show><system><info/></system></show>'), 'sw-version')).toBe('11.1.4-h7');
    const ready: (string | undefined)[] = [];
    for (let n = 0; n < 500; n++) {
      const r = tag(await op('fw-a', '<show><chassis-ready/></show>'), 'result');
      if (ready.at(-1) !== r) ready.push(r);
      if (r === 'yes') break;
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(ready.at(-1)).toBe('yes');
    expect(lab.panos.firewall('fw-a').count('reboot')).toBe(1);
  });

  it('HA: suspending the active hands over to the passive; functional makes it passive again', async () => {
    const ha = async (h: string) => {
      const x = await op(h, '<show><high-availability><state/></high-availability></show>');
      return { local: /<local-info><state>(\w+)/.exec(x)![1], peer: /<peer-info><state>(\w+)/.exec(x)![1], sync: tag(x, 'running-sync') };
    };
    const b0 = await ha('fw-b');
    expect(b0.local).toBe('active');
    expect(await op('fw-b', '<request><high-availability><state><suspend/></state></high-availability></request>')).toContain('Successfully changed HA state to suspended');
    expect(await ha('fw-b')).toMatchObject({ local: 'suspended', peer: 'active' });
    expect((await ha('fw-a')).local).toBe('active');
    await op('fw-b', '<request><high-availability><state><functional/></state></high-availability></request>');
    expect(await ha('fw-b')).toMatchObject({ local: 'passive', peer: 'active', sync: 'not synchronized' });
  });

  it('faults: disk full, pending changes, regression and old version show in the API', async () => {
    expect(await op('fw-odd', '<show><system><disk-space/></system></show>')).toMatch(/22G\s+500M\s+98% \/opt\/panrepo/);
    expect(await op('fw-odd', '<check><pending-changes/></check>')).toContain('<result>yes</result>');
    const sessions = (x: string) => Number(tag(x, 'num-active'));
    const before = sessions(await op('fw-odd', '<show><session><info/></session></show>'));
    const fwOdd = lab.panos.firewall('fw-odd');
    fwOdd.installed = '11.1.4-h7';
    await op('fw-odd', '<request><restart><system/></restart></request>');
    const port = lab.panos.port('fw-odd');
    for (let n = 0; n < 300 && (await isListening('127.0.0.1', port)); n++) await new Promise((r) => setTimeout(r, 5));
    for (let n = 0; n < 500 && !(await isListening('127.0.0.1', port)); n++) await new Promise((r) => setTimeout(r, 10));
    expect(tag(await op('fw-odd', '<show><system><info/></system></show>'), 'sw-version')).toBe('10.2.9-h1');
    expect(sessions(await op('fw-odd', '<show><session><info/></session></show>'))).toBeLessThan(before * 0.5);
  });

  it('never-returns: after a restart the API stays unreachable', async () => {
    await op('fw-never', '<request><restart><system/></restart></request>');
    const fwNever = lab.panos.firewall('fw-never');
    for (let n = 0; n < 500 && fwNever.lifecycle !== 'never'; n++) await new Promise((r) => setTimeout(r, 10));
    expect(fwNever.lifecycle).toBe('never');
    expect(await isListening('127.0.0.1', lab.panos.port('fw-never'))).toBe(false);
  });

  it('Panorama lists its managed firewalls with their connection state', async () => {
    const x = await op('pano', '<show><devices><connected/></devices></show>');
    const entries = [...x.matchAll(/<entry name="(\d+)"><serial>\1<\/serial><connected>(yes|no)<\/connected><hostname>([\w-]+)<\/hostname>/g)].map((m) => m[3]);
    expect(entries.sort()).toEqual(['fw-a', 'fw-b']);
  });
});
