// A webhook receiver on 127.0.0.1: records every POST body; can answer the
// first requests with an error, or slowly, to test retries and queueing.
// And a scrape of a metrics endpoint.
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  bodies: string[];
  /** Parsed bodies, in arrival order. */
  json(): Record<string, unknown>[];
  attempts: number;
  /** Answer this many next requests with HTTP 500. */
  failNext: number;
  /** Hold each answer this long. */
  delayMs: number;
  waitFor(test: (r: Receiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let server: Server;
  const r: Receiver = {
    url: '', bodies: [], attempts: 0, failNext: 0, delayMs: 0,
    json: () => r.bodies.map((b) => JSON.parse(b) as Record<string, unknown>),
    async waitFor(test, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (!test(r)) {
        if (Date.now() > end) throw new Error(`the receiver never got what was expected; it has ${r.bodies.length}: ${r.bodies.join('\n')}`);
        await new Promise((res) => setTimeout(res, 10));
      }
    },
    close: () => new Promise<void>((res) => {
      server.closeAllConnections();
      server.close(() => res());
    }),
  };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      r.attempts++;
      const fail = r.failNext > 0;
      if (fail) r.failNext--;
      setTimeout(() => {
        if (!fail) r.bodies.push(body);
        res.writeHead(fail ? 500 : 204).end();
      }, r.delayMs);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T0KEN-in-the-path`;
  return r;
}

/** GET a URL (a metrics endpoint): status, content type and text. */
export function scrape(url: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
    }).on('error', reject);
  });
}
