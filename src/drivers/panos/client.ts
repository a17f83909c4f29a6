// PAN-OS XML API client (axios): API key by keygen (never logged), op
// commands directly or through Panorama with target=<serial>, one-vs-many
// `entry` shapes normalised, error envelopes turned into typed errors.
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { XMLParser } from 'fast-xml-parser';
import { DeviceError, mask } from '../errors.js';
import type { ApiAuth } from '../contract.js';

export interface ApiEndpoint { label: string; host: string; port: number; auth: ApiAuth }

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  // One <entry> or many, one <line> or many: always arrays, so code never guesses.
  isArray: (name) => ['entry', 'line', 'job', 'member'].includes(name),
});

export type Xml = Record<string, unknown>;

/** A TLS agent that either verifies the chain, or pins the certificate's SHA-256 fingerprint. */
function agentFor(auth: ApiAuth): https.Agent {
  const pin = auth.tlsFingerprint?.replace(/:/g, '').toLowerCase();
  if (!pin) return new https.Agent({ rejectUnauthorized: auth.verifyTls, keepAlive: true, maxSockets: 4 });
  class PinnedAgent extends https.Agent {
    override createConnection(options: tls.ConnectionOptions, cb?: (err: Error | null, s: Duplex) => void): Duplex {
      const socket = tls.connect({ ...options, rejectUnauthorized: false });
      socket.once('secureConnect', () => {
        const got = socket.getPeerCertificate().fingerprint256?.replace(/:/g, '').toLowerCase();
        if (got !== pin) socket.destroy(Object.assign(new Error(`certificate fingerprint ${got ?? '(none)'} is not the pinned ${pin}`), { code: 'CERT_PIN_MISMATCH' }));
      });
      cb?.(null, socket);
      return socket;
    }
  }
  return new PinnedAgent({ keepAlive: true, maxSockets: 4 });
}

export class PanosApi {
  private key: string | null;
  private readonly http: AxiosInstance;

  constructor(readonly endpoint: ApiEndpoint, private readonly timeoutMs = 30_000) {
    this.key = endpoint.auth.apiKey ?? null;
    this.http = axios.create({
      baseURL: `https://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}/api/`,
      httpsAgent: agentFor(endpoint.auth),
      timeout: timeoutMs,
      responseType: 'text',
      transformResponse: (d) => d,
      validateStatus: () => true,
    });
  }

  private secrets(): string[] {
    return [this.key, this.endpoint.auth.password, this.endpoint.auth.apiKey].filter((s): s is string => !!s);
  }

  private async post(params: Record<string, string>, device: string, step: string): Promise<Xml> {
    let res;
    try {
      res = await this.http.post('', new URLSearchParams(params).toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    } catch (err) {
      const e = err as AxiosError & { code?: string };
      const code = e.code ?? '';
      if (code === 'CERT_PIN_MISMATCH' || /fingerprint/.test(e.message)) throw new DeviceError(device, step, 'host-key', `TLS: ${e.message}`, undefined, false);
      if (/self[- ]signed|certificate|CERT_/i.test(`${code} ${e.message}`)) {
        throw new DeviceError(device, step, 'host-key', `TLS certificate of ${this.endpoint.host}:${this.endpoint.port} not trusted (${e.message}); set verify_tls: false or tls_fingerprint in its credentials entry`, undefined, false);
      }
      const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'no answer in time' : code === 'ECONNRESET' ? 'connection reset' : e.message;
      throw new DeviceError(device, step, code === 'ECONNABORTED' ? 'timeout' : 'connect', `cannot reach the XML API of ${this.endpoint.label} (${what})`);
    }
    let doc: Xml;
    try {
      doc = xml.parse(res.data as string) as Xml;
    } catch {
      throw new DeviceError(device, step, 'api', `HTTP ${res.status}: the answer is not XML`, mask(String(res.data).slice(0, 200), this.secrets()));
    }
    const r = doc.response as Xml | undefined;
    if (!r) throw new DeviceError(device, step, 'api', `HTTP ${res.status}: no <response> element`, mask(String(res.data).slice(0, 200), this.secrets()));
    const status = r['@status'];
    if (status === 'success') return r;
    const message = messageOf(r);
    const code = String(r['@code'] ?? res.status);
    if (status === 'unauth' || code === '16' || code === '403' || res.status === 403) throw new DeviceError(device, step, 'auth', `the XML API refused the credentials (code ${code})`, message, false);
    const notConnected = /not connected/i.test(message);
    const busy = /currently in use|try again later/i.test(message);
    throw new DeviceError(device, step, notConnected ? 'connect' : 'api', notConnected ? `${this.endpoint.label} cannot reach the firewall (code ${code})` : `the XML API answered an error (code ${code})`, mask(message, this.secrets()), notConnected || busy);
  }

  /** Gets an API key with keygen unless the credentials entry gives one. */
  async ensureKey(device: string, step: string): Promise<void> {
    if (this.key) return;
    const { username, password } = this.endpoint.auth;
    if (!username || password === undefined) throw new DeviceError(device, step, 'auth', `no api_key nor username/password for ${this.endpoint.label}`, undefined, false);
    const r = await this.post({ type: 'keygen', user: username, password }, device, step);
    const key = (r.result as Xml | undefined)?.key;
    if (typeof key !== 'string' || !key) throw new DeviceError(device, step, 'auth', 'keygen returned no key', undefined, false);
    this.key = key;
  }

  /** An operational command (<show><system><info/></system></show>), optionally for a firewall behind Panorama. */
  async op(cmd: string, device: string, step: string, target?: string): Promise<Xml> {
    await this.ensureKey(device, step);
    const params: Record<string, string> = { type: 'op', cmd, key: this.key! };
    if (target) params.target = target;
    const r = await this.post(params, device, step);
    return (r.result as Xml | undefined) ?? {};
  }

  /** The <result> as text (disk space, chassis-ready, "Command succeeded…"). */
  async opText(cmd: string, device: string, step: string, target?: string): Promise<string> {
    await this.ensureKey(device, step);
    const params: Record<string, string> = { type: 'op', cmd, key: this.key! };
    if (target) params.target = target;
    const r = await this.post(params, device, step);
    return typeof r.result === 'string' ? r.result : typeof r.result === 'object' && r.result ? String((r.result as Xml)['#text'] ?? '') : '';
  }
}

function messageOf(r: Xml): string {
  const pick = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(pick).join(' ');
    if (typeof v === 'object') {
      const o = v as Xml;
      return pick(o.line ?? o.msg ?? o['#text'] ?? Object.values(o).filter((x) => typeof x !== 'object').join(' '));
    }
    return String(v);
  };
  return (pick(r.msg) || pick((r.result as Xml | undefined)?.msg) || pick(r.result)).trim();
}

/** Text of an element that may be a string, an object with #text, or absent. */
export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return String((v as Xml)['#text'] ?? '');
  return String(v);
}

export function list(v: unknown): Xml[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as Xml[];
}
