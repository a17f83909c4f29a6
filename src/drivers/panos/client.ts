// PAN-OS XML API client (axios): API key by keygen (never logged), op
// commands directly or through Panorama with target=<serial>, over the
// endpoint's shared pool and rate limit (pool.ts); error envelopes turned
// into typed errors that say whether trying again can help.
import { createHash } from 'node:crypto';
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { DeviceError, mask } from '../errors.js';
import { maskXmlSecrets } from './xml-secrets.js';
import type { ApiAuth, Transcript } from '../contract.js';
import { acquire, release, type PoolEntry } from './pool.js';
import { messageOf, parseXml, resultOf, type Xml } from './xml.js';

export interface ApiEndpoint {
  label: string;
  host: string;
  port: number;
  auth: ApiAuth;
  /** Requests per second allowed toward this endpoint (a Panorama); null: no limit. */
  rps?: number | null;
}

/** A call as the transcript shows it: its parameters, never the key or the password. */
export function callLine(params: Record<string, string>): string {
  return Object.entries(params).filter(([k]) => k !== 'key' && k !== 'password').map(([k, v]) => `${k}=${v}`).join(' ');
}

/** "The software manager is currently in use. Please try again later." and its kin. */
export function isBusy(message: string): boolean {
  return /currently in use|try again later|software manager is busy/i.test(message);
}

/**
 * What an answer's envelope means: null for success; otherwise an error that
 * says whether trying again can help — refused credentials never (except
 * while a restarting firewall warms up, which the wait handles), "<serial>
 * not connected" and a busy software manager yes.
 */
export function envelopeError(r: Xml, httpStatus: number, at: { label: string; device: string; step: string; secrets: string[] }): DeviceError | null {
  const status = r['@status'];
  if (status === 'success') return null;
  const message = mask(messageOf(r), at.secrets);
  const code = String(r['@code'] ?? httpStatus);
  if (status === 'unauth' || code === '16' || code === '403' || httpStatus === 403) {
    return new DeviceError(at.device, at.step, 'auth', `the XML API of ${at.label} refused the credentials (code ${code})`, message, false);
  }
  if (/not connected/i.test(message)) return new DeviceError(at.device, at.step, 'connect', `${at.label} cannot reach the firewall (code ${code})`, message, true);
  return new DeviceError(at.device, at.step, 'api', `the XML API answered an error (code ${code})`, message, isBusy(message));
}

export class PanosApi {
  private readonly http: AxiosInstance;
  private readonly pool: { key: string; entry: PoolEntry };
  private closed = false;

  constructor(readonly endpoint: ApiEndpoint, private readonly timeoutMs = 30_000, private readonly transcript?: Transcript) {
    this.pool = acquire(endpoint.host, endpoint.port, endpoint.auth, endpoint.rps ?? null);
    this.http = axios.create({
      baseURL: `https://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}/api/`,
      httpsAgent: this.pool.entry.agent,
      timeout: timeoutMs,
      responseType: 'text',
      transformResponse: (d) => d,
      validateStatus: () => true,
    });
  }

  /** Leaves the shared pool (the last user closes its sockets). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    release(this.pool.key);
  }

  /** The pool's key slot for these credentials: user and a digest of the password, so other credentials never reuse it. */
  private get keySlot(): string {
    const { username = '', password = '' } = this.endpoint.auth;
    return `${username}\0${createHash('sha256').update(password).digest('hex')}`;
  }

  private get key(): string | null {
    return this.endpoint.auth.apiKey ?? this.pool.entry.keys.get(this.keySlot) ?? null;
  }

  private secrets(): string[] {
    return [this.key, this.endpoint.auth.password, this.endpoint.auth.apiKey].filter((s): s is string => !!s);
  }

  /**
   * Through a Panorama: the serial of one of its firewalls by hostname, from
   * one listing shared by the drivers behind it (`list` runs once at a time
   * and fills the map); undefined when Panorama does not list it.
   */
  async serialOf(hostname: string, list: (serials: Map<string, string>) => Promise<void>): Promise<string | undefined> {
    const e = this.pool.entry;
    const key = hostname.toLowerCase();
    if (!e.serials.has(key)) {
      e.listing ??= list(e.serials).finally(() => (e.listing = null));
      await e.listing;
    }
    return e.serials.get(key);
  }

  /** Forgets a key got by keygen, so the next call asks for a fresh one; false when the key is the configured api_key. */
  forgetKey(): boolean {
    if (this.endpoint.auth.apiKey) return false;
    this.pool.entry.keys.delete(this.keySlot);
    return true;
  }

  private async send(params: Record<string, string>, device: string, step: string, binary = false): Promise<AxiosResponse> {
    const done = await this.pool.entry.limiter?.take();
    try {
      this.transcript?.write('sent', `${callLine(params)}\n`);
      const res = await this.http.post('', new URLSearchParams(params).toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        ...(binary ? { responseType: 'arraybuffer', transformResponse: undefined } : {}),
      });
      this.record(res, params.type === 'keygen' || binary);
      return res;
    } catch (err) {
      const e = err as AxiosError & { code?: string };
      const code = e.code ?? '';
      if (code === 'CERT_PIN_MISMATCH' || /fingerprint/.test(e.message)) throw new DeviceError(device, step, 'host-key', `TLS: ${e.message}`, undefined, false);
      if (/self[- ]signed|certificate|CERT_/i.test(`${code} ${e.message}`)) {
        throw new DeviceError(device, step, 'host-key', `TLS certificate of ${this.endpoint.host}:${this.endpoint.port} not trusted (${e.message}); set verify_tls: false or tls_fingerprint in its credentials entry`, undefined, false);
      }
      const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'no answer in time' : code === 'ECONNRESET' ? 'connection reset' : e.message;
      throw new DeviceError(device, step, code === 'ECONNABORTED' ? 'timeout' : 'connect', `cannot reach the XML API of ${this.endpoint.label} (${what})`);
    } finally {
      done?.();
    }
  }

  /** The answer in the transcript, masked; a keygen answer (it holds the key) and exported files by their size only. */
  private record(res: AxiosResponse, sizeOnly: boolean): void {
    if (!this.transcript) return;
    const body = typeof res.data === 'string' ? res.data : Buffer.from(res.data as ArrayBuffer).toString('utf8');
    this.transcript.write('received', sizeOnly ? `HTTP ${res.status}, ${Buffer.byteLength(body)} bytes (not recorded)\n` : `HTTP ${res.status} ${maskXmlSecrets(mask(body, this.secrets())).trimEnd()}\n`);
  }

  /** One call; the <response> element when its status is success, otherwise a typed error. */
  private async call(params: Record<string, string>, device: string, step: string): Promise<{ response: Xml; body: string }> {
    const res = await this.send(params, device, step);
    const body = String(res.data);
    let doc: Xml;
    try {
      doc = parseXml(body);
    } catch {
      doc = {};
    }
    const r = doc.response as Xml | undefined;
    if (!r) {
      // A management server still starting answers its web server's error page.
      const starting = res.status >= 500;
      throw new DeviceError(device, step, starting ? 'connect' : 'api', `${this.endpoint.label} answered HTTP ${res.status} without an XML API <response>${starting ? ' (its management server is starting?)' : ''}`, mask(body.slice(0, 200), this.secrets()));
    }
    const err = envelopeError(r, res.status, { label: this.endpoint.label, device, step, secrets: this.secrets() });
    if (err) throw err;
    return { response: r, body };
  }

  /** Gets an API key with keygen unless the credentials entry gives one (or one was got already). */
  async ensureKey(device: string, step: string): Promise<void> {
    if (this.key) return;
    const { username, password } = this.endpoint.auth;
    if (!username || password === undefined) throw new DeviceError(device, step, 'auth', `no api_key nor username/password for ${this.endpoint.label}`, undefined, false);
    const slot = this.keySlot;
    const { keying, keys } = this.pool.entry;
    let pending = keying.get(slot);
    if (!pending) {
      pending = (async () => {
        const { response } = await this.call({ type: 'keygen', user: username, password }, device, step);
        const key = (response.result as Xml | undefined)?.key;
        if (typeof key !== 'string' || !key) throw new DeviceError(device, step, 'auth', `keygen on ${this.endpoint.label} returned no key`, undefined, false);
        keys.set(slot, key);
      })().finally(() => keying.delete(slot));
      keying.set(slot, pending);
    }
    await pending;
  }

  private async keyed(params: Record<string, string>, device: string, step: string, target?: string): Promise<{ response: Xml; body: string }> {
    await this.ensureKey(device, step);
    const p: Record<string, string> = { ...params };
    if (target) p.target = target;
    p.key = this.key!;
    return this.call(p, device, step);
  }

  /** An operational command (<show><system><info/></system></show>); its <result>. */
  async op(cmd: string, device: string, step: string, target?: string): Promise<Xml> {
    const { response } = await this.keyed({ type: 'op', cmd }, device, step, target);
    return resultOf(response);
  }

  /** The <result> as text (disk space, chassis-ready, "Command succeeded…"). */
  async opText(cmd: string, device: string, step: string, target?: string): Promise<string> {
    const r = await this.op(cmd, device, step, target);
    return String(r['#text'] ?? '').trim();
  }

  /** The whole answer as the firewall sent it (a configuration backup keeps it byte for byte). */
  async opRaw(cmd: string, device: string, step: string, target?: string): Promise<string> {
    return (await this.keyed({ type: 'op', cmd }, device, step, target)).body;
  }

  /**
   * type=config action=show of an XPath: the running configuration, which the firewall runs on
   * (action=get would read the candidate); {} when nothing matches (code 7).
   */
  async configShow(xpath: string, device: string, step: string, target?: string): Promise<Xml> {
    const { response } = await this.keyed({ type: 'config', action: 'show', xpath }, device, step, target);
    return resultOf(response);
  }

  /** type=export of a category as bytes; an error envelope becomes a DeviceError. */
  async exportFile(category: string, device: string, step: string, target?: string): Promise<Buffer> {
    await this.ensureKey(device, step);
    const params: Record<string, string> = { type: 'export', category };
    if (target) params.target = target;
    params.key = this.key!;
    const res = await this.send(params, device, step, true);
    const data = Buffer.from(res.data as ArrayBuffer);
    const head = data.subarray(0, 200).toString('utf8');
    if (res.status !== 200 || /^\s*<response\b/.test(head)) {
      let said = head;
      try {
        said = messageOf((parseXml(data.toString('utf8')).response as Xml | undefined) ?? {}) || head;
      } catch { /* not XML: keep the head */ }
      throw new DeviceError(device, step, 'api', `export of ${category} refused (HTTP ${res.status})`, mask(said, this.secrets()), false);
    }
    return data;
  }
}
