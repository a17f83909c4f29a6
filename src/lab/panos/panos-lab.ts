// PAN-OS devices of the lab: one HTTPS XML API server per firewall and per
// Panorama. A restarting firewall's server is closed (connections refused,
// open ones reset); through Panorama it is "<serial> not connected" meanwhile.
// Every request is counted per device, so a test can check a client's rate.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { X509Certificate } from 'node:crypto';
import type { LabClock } from '../clock.js';
import type { LabTimings } from '../iosxe/device.js';
import type { PanosFault } from '../faults.js';
import type { LabDeviceSpec } from '../fleet.js';
import { runningConfig, selectXpath, serialize, type LabCert } from './config.js';
import { DropConnection, Firewall } from './firewall.js';
import { selfSignedCertificate } from '../certificate.js';
import { devicesXml, routeTarget } from './panorama.js';
import { catalogue, trainIndex, TRAINS, trainOf } from './versions.js';
import { errorMsg, parseOpCommand, success, xmlOf } from './xml.js';

interface Endpoint { fw: Firewall; server: https.Server | null; sockets: Set<Socket>; spec: LabDeviceSpec }

/** One API request as a device received it. */
export interface ApiRequest { at: number; type: string; cmd: string; target: string | null; status: number }

const REQUEST_LOG_MAX = 50_000;
const INVALID_CREDENTIAL = '<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>';

export class PanosLab {
  readonly devices = new Map<string, Endpoint>();
  private readonly log = new Map<string, ApiRequest[]>();
  private tls: { key: string; cert: string; fingerprint256: string } | null = null;

  constructor(private readonly clock: LabClock, private readonly timings: LabTimings, private readonly creds: { username: string; password: string }, private readonly host: string) {}

  /** SHA-256 fingerprint of the lab's certificate (lowercase hex, no colons), for pinning. */
  get fingerprint(): string {
    return this.tls?.fingerprint256 ?? '';
  }

  firewall(hostname: string): Firewall {
    const e = this.devices.get(hostname);
    if (!e) throw new Error(`no PAN-OS lab device ${hostname}`);
    return e.fw;
  }

  port(hostname: string): number {
    return this.firewall(hostname).port;
  }

  /** The API requests a device (firewall or Panorama) received, oldest first (the last 50,000 or more). */
  requests(hostname: string): ApiRequest[] {
    return this.log.get(hostname) ?? [];
  }

  async start(specs: (LabDeviceSpec & { faults: PanosFault[] })[], ports: { next(bind: (port: number) => Promise<void>): Promise<number> }): Promise<void> {
    if (specs.length === 0) return;
    const pems = selfSignedCertificate({ commonName: 'upshift-lab', key: { type: 'ec' }, hash: 'sha256', days: 365, altNames: [this.host, 'localhost'] });
    const fingerprint256 = new X509Certificate(pems.cert).fingerprint256.replace(/:/g, '').toLowerCase();
    this.tls = { key: pems.key, cert: pems.cert, fingerprint256 };
    const certs = await this.deviceCerts(pems.cert, specs.some((s) => s.faults.includes('cert-weak')));
    for (const spec of specs) {
      const managedBy = spec.via && specs.some((s) => s.hostname === spec.via && s.kind === 'panorama') ? { hostname: spec.via, address: this.host } : null;
      const fw = new Firewall({ hostname: spec.hostname, version: spec.version, target: spec.target, faults: spec.faults, haRole: spec.haRole, panorama: spec.kind === 'panorama', managedBy }, this.clock, this.timings, this.creds.password);
      fw.host = this.host;
      fw.certs = spec.faults.includes('cert-weak') ? [certs.strong, certs.weak!] : [certs.strong];
      const e: Endpoint = { fw, server: null, sockets: new Set(), spec };
      fw.onReboot = () => void this.reboot(e);
      this.devices.set(spec.hostname, e);
      fw.port = await ports.next((port) => this.listen(e, port));
    }
    for (const e of this.devices.values()) if (e.spec.haPeer) e.fw.peer = this.devices.get(e.spec.haPeer)?.fw ?? null;
    for (const e of this.devices.values()) if (e.fw.faults.has('ha-peer-apart') && e.fw.peer) this.moveAhead(e.fw.peer, e.fw.version);
  }

  /** `ha-peer-apart`: the peer already runs a release of the next feature train. */
  private moveAhead(peer: Firewall, from: string): void {
    const train = TRAINS[trainIndex(from) + 1];
    const rel = catalogue().find((r) => trainOf(r.version) === train);
    if (!rel) return;
    peer.version = rel.version;
    peer.software.disk.set(rel.version, rel.sizeMb);
  }

  /** The shared certificates the firewalls' configurations carry: a sound one, and a 1024-bit RSA / SHA-1 one for `cert-weak`. */
  private async deviceCerts(strongPem: string, weak: boolean): Promise<{ strong: LabCert; weak?: LabCert }> {
    const strong = { name: 'mgmt-web-ui', pem: strongPem };
    if (!weak) return { strong };
    const w = selfSignedCertificate({ commonName: 'legacy-vpn', key: { type: 'rsa', bits: 1024 }, hash: 'sha1', days: 200 });
    return { strong, weak: { name: 'legacy-vpn-1024', pem: w.cert } };
  }

  private listen(e: Endpoint, port: number): Promise<void> {
    const server = https.createServer({ key: this.tls!.key, cert: this.tls!.cert }, (req, res) => void this.handle(e, req, res));
    server.on('connection', (s: Socket) => {
      s.setNoDelay(true);
      e.sockets.add(s);
      s.on('close', () => e.sockets.delete(s));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        e.server = server;
        resolve();
      });
    });
  }

  private async close(e: Endpoint): Promise<void> {
    const s = e.server;
    e.server = null;
    for (const sock of e.sockets) sock.destroy();
    e.sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async reboot(e: Endpoint): Promise<void> {
    await this.close(e);
    e.fw.later(this.clock.ms(this.timings.panosRebootMs), () => {
      e.fw.bootComplete();
      if (e.fw.lifecycle === 'up') void this.listen(e, e.fw.port).catch((err) => e.fw.log('boot-failed', `port ${e.fw.port}: ${(err as Error).message}`));
    });
  }

  private async params(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') {
      const body = await new Promise<string>((resolve) => {
        let data = '';
        req.on('data', (c) => (data += c));
        req.on('end', () => resolve(data));
      });
      for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    }
    return params;
  }

  private async handle(e: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://lab');
    const params = await this.params(req, url);
    const fw = e.fw;
    const entry: ApiRequest = { at: Date.now(), type: params.get('type') ?? '', cmd: params.get('cmd') ?? params.get('xpath') ?? '', target: params.get('target'), status: 0 };
    const log = this.log.get(fw.hostname) ?? this.log.set(fw.hostname, []).get(fw.hostname)!;
    log.push(entry);
    // A long run polls a lot: keep the most recent requests only.
    if (log.length > REQUEST_LOG_MAX + 10_000) log.splice(0, log.length - REQUEST_LOG_MAX);
    const reply = (status: number, body: string) => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' });
      res.end(body);
    };
    if (url.pathname !== '/api/' && url.pathname !== '/api') return reply(404, '<html><body>Not Found</body></html>');
    if (Date.now() < fw.warmupUntil) return reply(403, INVALID_CREDENTIAL);
    if (fw.faults.has('slow')) await this.clock.sleep(600);
    const type = params.get('type');
    if (type === 'keygen') {
      const ok = !fw.faults.has('auth') && params.get('user') === this.creds.username && params.get('password') === this.creds.password;
      fw.log(ok ? 'keygen' : 'keygen-failed', params.get('user') ?? '');
      return ok ? reply(200, success(`<key>${fw.key}</key>`)) : reply(403, INVALID_CREDENTIAL);
    }
    const auth = this.authorized(fw, params, req);
    if (auth !== 'ok') return reply(403, auth);
    let target = fw;
    const serial = params.get('target');
    if (fw.isPanorama && serial && type !== 'version') {
      const routed = routeTarget(this.managedBy(fw), serial);
      if ('error' in routed) return reply(200, routed.error);
      target = routed.fw;
    }
    // Just back from a restart, a management server may answer before it can serve requests (error 22).
    if (Date.now() < target.mpNotReadyUntil && type === 'op') {
      target.log('api-error', 'code 22 while the management server starts');
      return reply(200, '<response status="error" code="22"><msg><line>Session timed out</line></msg></response>');
    }
    let body: string;
    try {
      body = await this.answer(target, type, params);
    } catch (err) {
      // The restart took the connection down before any answer left.
      if (err instanceof DropConnection) return void req.socket.destroy();
      throw err;
    }
    reply(200, body);
  }

  /** 'ok', or the 403 body for a missing or wrong key (an X-PAN-KEY header and Basic auth are accepted too). */
  private authorized(fw: Firewall, params: URLSearchParams, req: IncomingMessage): string {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [user, ...rest] = Buffer.from(basic[1], 'base64').toString().split(':');
      return !fw.faults.has('auth') && user === this.creds.username && rest.join(':') === this.creds.password ? 'ok' : INVALID_CREDENTIAL;
    }
    const key = params.get('key') ?? (req.headers['x-pan-key'] as string | undefined);
    if (!key) return '<response status="error" code="403"><result><msg>Invalid credentials.</msg></result></response>';
    return key === fw.key ? 'ok' : errorMsg('Unauthorized request', 16, 'unauth');
  }

  private managedBy(panorama: Firewall): Firewall[] {
    return [...this.devices.values()].filter((d) => d.spec.via === panorama.hostname && !d.fw.isPanorama).map((d) => d.fw);
  }

  private async answer(fw: Firewall, type: string | null, params: URLSearchParams): Promise<string> {
    if (type === 'version') return success(xmlOf({ 'sw-version': fw.version, multi_vsys: fw.faults.has('multi-vsys') ? 'on' : 'off', model: fw.model, serial: fw.serial }));
    if (type === 'export' && params.get('category') === 'configuration') return runningConfig(fw, this.host);
    if (type === 'config' && (params.get('action') === 'get' || params.get('action') === 'show')) {
      const found = selectXpath(runningConfig(fw, this.host), params.get('xpath') ?? '');
      return found.length ? `<response status="success" code="19"><result total-count="${found.length}" count="${found.length}">${found.map(serialize).join('')}</result></response>` : '<response status="success" code="7"><result/></response>';
    }
    if (type !== 'op') return errorMsg(`type ${type ?? '(none)'} is not supported by the lab`, 400);
    let cmd;
    try {
      cmd = parseOpCommand(params.get('cmd') ?? '');
    } catch (err) {
      return errorMsg(`malformed command: ${(err as Error).message}`, 18);
    }
    const path = cmd.path.join(' ');
    fw.log('op', path);
    if (fw.isPanorama && (path === 'show devices connected' || path === 'show devices all')) return devicesXml(this.managedBy(fw), path.endsWith('all'), this.host);
    return fw.op(cmd);
  }

  async stop(): Promise<void> {
    for (const e of this.devices.values()) e.fw.dispose();
    await Promise.all([...this.devices.values()].map((e) => this.close(e)));
  }
}
