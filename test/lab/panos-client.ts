// A plain XML API client for the PAN-OS lab tests: what any client would
// send (keygen, type=op with a cmd document, target=<serial> via Panorama).
import https from 'node:https';
import axios, { type AxiosResponse } from 'axios';
import { XMLParser } from 'fast-xml-parser';
import type { Lab } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';

export const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: false });

export const fw = (hostname: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({
  hostname, kind: 'panos', version: '10.2.9-h1', target: '11.1.4-h7', faults: [], site: 'lab', role: 'fw', group: 'fw', ...extra,
});
export const panorama = (hostname = 'pano'): LabDeviceSpec => ({ hostname, kind: 'panorama', version: '11.1.4-h7', target: null, faults: [], site: 'lab', role: 'pano', group: 'mgmt' });

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true, isArray: (n) => ['entry', 'line', 'job', 'member'].includes(n) });

/** The parsed <response> (attributes as @status, @code). */
export function doc(xml: string): Record<string, any> {
  return parser.parse(xml).response;
}

export const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value that is not undefined, or fails after `ms`. */
export async function until<T>(label: string, probe: () => Promise<T | undefined> | T | undefined, ms = 10_000, every = 10): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(every);
  }
}

export class Client {
  private key: string | null = null;

  constructor(private readonly lab: Lab, readonly host: string) {}

  url(): string {
    return `https://127.0.0.1:${this.lab.panos.port(this.host)}/api/`;
  }

  async raw(params: Record<string, string>, headers: Record<string, string> = {}): Promise<AxiosResponse<string>> {
    return axios.post(this.url(), new URLSearchParams(params).toString(), {
      httpsAgent: agent, responseType: 'text', transformResponse: (d) => d, validateStatus: () => true, timeout: 5000, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  async keygen(): Promise<string> {
    const r = await this.raw({ type: 'keygen', user: this.lab.credentials.username, password: this.lab.credentials.password });
    const k = tag(r.data, 'key');
    if (!k) throw new Error(`keygen on ${this.host} failed: ${r.status} ${r.data}`);
    this.key = k;
    return k;
  }

  /** An op command (the cmd document), optionally for target=<serial>; the response text. */
  async op(cmd: string, target?: string): Promise<string> {
    const key = this.key ?? (await this.keygen());
    return (await this.raw({ type: 'op', cmd, key, ...(target ? { target } : {}) })).data;
  }

  /** Polls `show jobs id N` until FIN; the distinct status/result pairs seen and the final <job>. */
  async waitJob(id: string, target?: string): Promise<{ seen: string[]; job: Record<string, any> }> {
    const seen: string[] = [];
    const job = await until(`job ${id} on ${this.host}`, async () => {
      const j = doc(await this.op(`<show><jobs><id>${id}</id></jobs></show>`, target)).result.job[0];
      const s = `${j.status}/${j.result}`;
      if (seen.at(-1) !== s) seen.push(s);
      return j.status === 'FIN' ? j : undefined;
    }, 20_000, 5);
    return { seen, job };
  }
}

/** Every element path in a document ("response/result/job/details/line"), the shape without the values. */
export function structure(xml: string): string[] {
  const out = new Set<string>();
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === '#text') continue;
      const p = `${path}/${k}`;
      out.add(p);
      for (const item of Array.isArray(v) ? v : [v]) walk(item, p);
    }
  };
  walk(new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml), '');
  return [...out].sort();
}

export const CMD = {
  info: '<show><system><info></info></system></show>',
  ha: '<show><high-availability><state></state></high-availability></show>',
  swCheck: '<request><system><software><check></check></software></system></request>',
  swInfo: '<request><system><software><info></info></software></system></request>',
  download: (v: string, sync = false) => `<request><system><software><download>${sync ? '<sync-to-peer>yes</sync-to-peer>' : ''}<version>${v}</version></download></software></system></request>`,
  install: (v: string) => `<request><system><software><install><version>${v}</version></install></software></system></request>`,
  restart: '<request><restart><system></system></restart></request>',
  ready: '<show><chassis-ready></chassis-ready></show>',
  suspend: '<request><high-availability><state><suspend></suspend></state></high-availability></request>',
  functional: '<request><high-availability><state><functional></functional></state></high-availability></request>',
};
