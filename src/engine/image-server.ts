// The built-in image server devices pull from: only the files of the Images
// sheet, under a random per-run token, streamed, many devices at once. The
// URL carries the device's name so progress can be told per device.
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface TransferEvent { device: string; file: string; sent: number; total: number; elapsedMs: number; done: boolean; ok: boolean }

export interface ImageServerOptions {
  /** file name → path on disk (only these are served). */
  files: Map<string, string>;
  /** Address to listen on; 0.0.0.0 when devices are elsewhere. */
  listen?: string;
  port?: number;
  onTransfer?: (e: TransferEvent) => void;
}

export class ImageServer {
  readonly token = randomBytes(12).toString('base64url');
  private server: http.Server | null = null;
  private readonly sockets = new Set<import('node:net').Socket>();
  readonly log: TransferEvent[] = [];

  constructor(private readonly opts: ImageServerOptions) {}

  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.listen ?? '0.0.0.0', () => resolve());
    });
    this.server = server;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** The URL a device uses, given the address it reaches upshift on. */
  url(address: string, device: string, file: string): string {
    const host = address.includes(':') ? `[${address}]` : address;
    return `http://${host}:${this.port}/${this.token}/${encodeURIComponent(device)}/${encodeURIComponent(file)}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    // Anyone on the network can reach this port: a malformed path is a 400, never an exception.
    let parts: string[];
    try {
      parts = (req.url ?? '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request\n');
      return;
    }
    const [token, device, file] = parts;
    const path = parts.length === 3 && token === this.token ? this.opts.files.get(file) : undefined;
    if (!path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    let total: number;
    try {
      total = statSync(path).size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const started = Date.now();
    let sent = 0;
    let lastReport = 0;
    const report = (done: boolean, ok: boolean) => {
      const e: TransferEvent = { device, file, sent, total, elapsedMs: Date.now() - started, done, ok };
      if (done) this.log.push(e);
      this.opts.onTransfer?.(e);
    };
    const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    stream.on('data', (chunk) => {
      sent += chunk.length;
      if (Date.now() - lastReport > 200) {
        lastReport = Date.now();
        report(false, true);
      }
    });
    stream.pipe(res);
    res.on('close', () => {
      stream.destroy();
      report(true, sent === total && res.writableFinished);
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
