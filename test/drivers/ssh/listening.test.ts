// The reachability probe used while a device reloads, against real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { waitListening } from '../../../src/drivers/ssh/listening.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A free port number (listened on, then released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Connections each server accepted (the probe's connects). */
const accepted = new Map<number, number>();

function listen(port: number): Promise<Server> {
  const s = createServer((c) => {
    accepted.set(port, (accepted.get(port) ?? 0) + 1);
    c.destroy();
  });
  servers.push(s);
  return new Promise((r) => s.listen(port, '127.0.0.1', () => r(s)));
}

describe('waitListening', () => {
  it('gives up after the interval while the port refuses', async () => {
    const port = await freePort();
    const t0 = Date.now();
    expect(await waitListening('127.0.0.1', port, 300, 50)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('answers once the port opens, with the first connect that succeeds (no more probing)', async () => {
    const port = await freePort();
    let opened = false;
    setTimeout(() => {
      opened = true;
      void listen(port);
    }, 150);
    expect(await waitListening('127.0.0.1', port, 5_000, 25)).toBe(true);
    // Not before the port opened; and it stopped at the first accepted connect.
    expect(opened).toBe(true);
    expect(accepted.get(port)).toBe(1);
  });
});
