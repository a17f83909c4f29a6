// upshift's image server answers what a device asks for and nothing else; a
// stranger's malformed request gets an HTTP error, never ends the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ImageServer } from '../../src/engine/image-server.js';
import { tempDir } from '../helpers/workbooks.js';

let server: ImageServer;
let body: Buffer;
beforeAll(async () => {
  const dir = tempDir();
  body = Buffer.alloc(300_000, 7);
  writeFileSync(join(dir, 'cat9k_iosxe.17.09.05.SPA.bin'), body);
  server = new ImageServer({ files: new Map([['cat9k_iosxe.17.09.05.SPA.bin', join(dir, 'cat9k_iosxe.17.09.05.SPA.bin')]]), listen: '127.0.0.1' });
  await server.start();
});
afterAll(async () => server?.stop());

/** A raw request (the path exactly as written, not normalised by a URL class). */
function get(path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('image server', () => {
  it('serves a listed image under its token, byte for byte', async () => {
    const url = new URL(server.url('127.0.0.1', 'sw1', 'cat9k_iosxe.17.09.05.SPA.bin'));
    const r = await get(url.pathname);
    expect(r.status).toBe(200);
    expect(createHash('md5').update(r.body).digest('hex')).toBe(createHash('md5').update(body).digest('hex'));
  });

  it('answers 400 to a malformed path and 404 to a wrong token, and keeps serving', async () => {
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/%')).status).toBe(400);
    expect((await get('/wrong-token/sw1/cat9k_iosxe.17.09.05.SPA.bin')).status).toBe(404);
    const url = new URL(server.url('127.0.0.1', 'sw1', 'cat9k_iosxe.17.09.05.SPA.bin'));
    expect((await get(url.pathname)).status).toBe(200);
  });
});
