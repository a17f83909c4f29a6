// PAN-OS devices of the lab: one HTTPS XML API server per firewall and per
// Panorama. A rebooting firewall's server is closed (connections refused);
// through Panorama it answers "<serial> not connected" meanwhile.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';
import type { LabClock } from '../clock.js';
import type { LabTimings } from '../iosxe/device.js';
import type { PanosFault } from '../faults.js';
import type { LabDeviceSpec } from '../fleet.js';
import { Firewall } from './firewall.js';
import { errorMsg, parseOpCommand, success, xmlOf } from './xml.js';

interface Endpoint { fw: Firewall; server: https.Server | null; sockets: Set<Socket>; spec: LabDeviceSpec }

export class PanosLab {
  readonly devices = new Map<string, Endpoint>();
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

  async start(specs: (LabDeviceSpec & { faults: PanosFault[] })[], ports: { next(bind: (port: number) => Promise<void>): Promise<number> }): Promise<void> {
    if (specs.length === 0) return;
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'upshift-lab' }], {
      keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notAfterDate: new Date(Date.now() + 365 * 86_400_000), extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: this.host }, { type: 2, value: 'localhost' }] }],
    });
    const fingerprint256 = new X509Certificate(pems.cert).fingerprint256.replace(/:/g, '').toLowerCase();
    this.tls = { key: pems.private, cert: pems.cert, fingerprint256 };
    for (const spec of specs) {
      const fw = new Firewall({ hostname: spec.hostname, version: spec.version, target: spec.target, faults: spec.faults, haRole: spec.haRole, panorama: spec.kind === 'panorama' }, this.clock, this.timings, this.creds.password);
      const e: Endpoint = { fw, server: null, sockets: new Set(), spec };
      fw.onReboot = () => void this.reboot(e);
      this.devices.set(spec.hostname, e);
      fw.port = await ports.next((port) => this.listen(e, port));
    }
    for (const e of this.devices.values()) if (e.spec.haPeer) e.fw.peer = this.devices.get(e.spec.haPeer)?.fw ?? null;
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
    setTimeout(() => {
      e.fw.bootComplete();
      if (e.fw.lifecycle === 'up') void this.listen(e, e.fw.port).catch((err) => e.fw.log('boot-failed', `port ${e.fw.port}: ${(err as Error).message}`));
    }, this.clock.ms(this.timings.panosRebootMs));
  }

  private async handle(e: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', 'https://lab');
    if (url.pathname !== '/api/' && url.pathname !== '/api') return reply(404, '<html><body>Not Found</body></html>');
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') {
      const body = await new Promise<string>((resolve) => {
        let data = '';
        req.on('data', (c) => (data += c));
        req.on('end', () => resolve(data));
      });
      for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    }
    const fw = e.fw;
    if (fw.faults.has('slow')) await this.clock.sleep(600);
    const type = params.get('type');
    if (type === 'keygen') {
      const ok = !fw.faults.has('auth') && params.get('user') === this.creds.username && params.get('password') === this.creds.password;
      fw.log(ok ? 'keygen' : 'keygen-failed', params.get('user') ?? '');
      return ok ? reply(200, success(`<key>${fw.key}</key>`)) : reply(403, '<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>');
    }
    const key = params.get('key') ?? (req.headers['x-pan-key'] as string | undefined);
    if (!key) return reply(403, '<response status="error" code="403"><result><msg>Invalid credentials.</msg></result></response>');
    if (key !== fw.key) return reply(403, errorMsg('Unauthorized request', 16, 'unauth'));
    let target = fw;
    const serial = params.get('target');
    if (fw.isPanorama && serial) {
      const managed = [...this.devices.values()].find((d) => d.fw.serial === serial && d.spec.via === fw.hostname);
      if (!managed || managed.fw.lifecycle !== 'up') return reply(200, errorMsg(`${serial} not connected`, 13));
      target = managed.fw;
    }
    if (type === 'version') return reply(200, success(xmlOf({ 'sw-version': target.version, multi_vsys: 'off', model: target.model, serial: target.serial })));
    if (type !== 'op') return reply(400, errorMsg(`type ${type ?? '(none)'} is not supported by the lab`, 400));
    let cmd;
    try {
      cmd = parseOpCommand(params.get('cmd') ?? '');
    } catch (err) {
      return reply(200, errorMsg(`malformed command: ${(err as Error).message}`, 18));
    }
    target.log('op', cmd.path.join(' '));
    if (target.isPanorama && cmd.path.join(' ').startsWith('show devices')) return reply(200, success(this.devicesXml(target)));
    return reply(200, target.op(cmd));
  }

  private devicesXml(panorama: Firewall): string {
    const managed = [...this.devices.values()].filter((d) => d.spec.via === panorama.hostname);
    return xmlOf({ devices: managed.map((d) => ({
      '@name': d.fw.serial, serial: d.fw.serial, connected: d.fw.lifecycle === 'up' ? 'yes' : 'no', hostname: d.fw.hostname, 'ip-address': this.host,
      model: d.fw.model, 'sw-version': d.fw.version, 'app-version': '8799-8509', 'multi-vsys': 'no',
      ha: d.fw.peer ? { state: d.fw.haState, peer: { serial: d.fw.peer.serial } } : undefined,
    })) });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.devices.values()].map((e) => this.close(e)));
  }
}
