// The channel's transcript over a real ssh2 pair on 127.0.0.1: a secret the
// device prints in clear, split across two SSH data chunks, is masked whole;
// what was held back is written before what upshift sends and when the session ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Server, type ClientChannel, type ServerChannel } from 'ssh2';
import { Channel, type Transcript } from '../../../src/drivers/ssh/channel.js';
import { newHostKey } from '../../../src/lab/iosxe/ssh.js';

const SECRET = 'S3cr3t-Pa55w0rd';
let server: Server;
let port: number;
/** The shell of the connection under test, server side: the test writes the device's output. */
let device: Promise<ServerChannel>;

beforeAll(async () => {
  let gotShell: (s: ServerChannel) => void;
  device = new Promise((r) => (gotShell = r));
  server = new Server({ hostKeys: [newHostKey()] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('error', () => undefined);
    client.on('session', (accept) => {
      const session = accept();
      session.on('pty', (ok) => ok?.());
      session.on('shell', (ok) => gotShell(ok()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Channel transcript masking', () => {
  it('masks a secret split across two chunks, keeps the order of received and sent, and writes the rest when the session ends', async () => {
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      client.connect({ host: '127.0.0.1', port, username: 'netops', password: 'x', hostVerifier: () => true });
    });
    const stream = await new Promise<ClientChannel>((resolve, reject) => client.shell((err, s) => (err ? reject(err) : resolve(s))));
    const log: [string, string][] = [];
    const transcript: Transcript = { write: (dir, text) => void log.push([dir, text]) };
    // A two-character secret is never masked (docs/security.md): it must not hold anything back either.
    const channel = new Channel(stream, transcript, [SECRET, 'ab']);
    const dev = await device;
    const received = () => log.filter(([d]) => d === 'received').map(([, t]) => t).join('');

    // The device prints the secret in clear, and the first SSH chunk ends inside it.
    dev.write(`username netops password 0 ${SECRET.slice(0, 6)}`);
    await until('the first chunk arrived', () => channel.peek().endsWith(SECRET.slice(0, 6)));
    expect(received()).not.toContain(SECRET.slice(0, 3));
    expect(`username netops password 0 ${SECRET.slice(0, 6)}`.startsWith(received())).toBe(true);
    dev.write(`${SECRET.slice(6)}\nenable password ${SECRET}\nrouter#`);
    await until('the second chunk arrived', () => channel.peek().endsWith('router#'));
    expect(channel.peek()).toContain(SECRET);
    // Sending writes what was held back first, so the transcript keeps the device's order.
    channel.write('show clock\n');
    expect(log.at(-1)).toEqual(['sent', 'show clock\n']);
    expect(received()).toBe('username netops password 0 ******\nenable password ******\nrouter#');

    dev.write(`*12:00:00.000 UTC Thu Dec 3 2026\nrouter#${SECRET.slice(0, 4)}`);
    await until('the clock arrived', () => channel.peek().endsWith(SECRET.slice(0, 4)));
    dev.end();
    await until('the session closed', () => channel.isClosed);
    client.end();
    const after = log.slice(log.findIndex(([d]) => d === 'sent') + 1).map(([, t]) => t).join('');
    expect(after).toBe(`*12:00:00.000 UTC Thu Dec 3 2026\nrouter#${SECRET.slice(0, 4)}`);
    expect(log.map(([, t]) => t).join('')).not.toContain(SECRET);
  });
});
