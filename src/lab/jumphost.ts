// A lab SSH jump host: accepts the lab credentials and forwards direct-tcpip
// channels (what `ssh -J` and ssh2's forwardOut use) to 127.0.0.1 ports.
import net from 'node:net';
import ssh2 from 'ssh2';
import type { Connection } from 'ssh2';
import { newHostKey, serverHostKey } from './iosxe/ssh.js';

const { Server, utils } = ssh2;

export class LabJumpHost {
  private server: InstanceType<typeof Server> | null = null;
  private readonly conns = new Set<Connection>();
  readonly forwarded: string[] = [];
  private readonly hostKey = newHostKey();
  port = 0;

  constructor(readonly hostname: string, private readonly host: string, private readonly creds: { username: string; password: string }) {}

  publicKey(): string {
    const k = utils.parseKey(this.hostKey);
    const key = (Array.isArray(k) ? k[0] : k) as Exclude<ReturnType<typeof utils.parseKey>, Error | unknown[]>;
    return `${key.type} ${key.getPublicSSH().toString('base64')}`;
  }

  listen(port: number): Promise<void> {
    const server = new Server({ hostKeys: [serverHostKey(this.hostKey)], ident: 'OpenSSH_9.2p1' }, (client) => {
      this.conns.add(client);
      client.on('close', () => this.conns.delete(client));
      client.on('error', () => this.conns.delete(client));
      client.on('authentication', (ctx) => {
        if (ctx.method === 'password' && ctx.username === this.creds.username && ctx.password === this.creds.password) return ctx.accept();
        if (ctx.method === 'keyboard-interactive' && ctx.username === this.creds.username) {
          return ctx.prompt([{ prompt: 'Password: ', echo: false }], (a) => (a[0] === this.creds.password ? ctx.accept() : ctx.reject()));
        }
        return ctx.reject(['password', 'keyboard-interactive']);
      });
      client.on('ready', () => {
        client.on('tcpip', (accept, reject, info) => {
          // Only loopback: the lab never forwards anywhere else.
          if (info.destIP !== '127.0.0.1' && info.destIP !== 'localhost') return reject();
          const sock = net.connect(info.destPort, '127.0.0.1');
          sock.once('connect', () => {
            this.forwarded.push(`${info.destIP}:${info.destPort}`);
            const ch = accept();
            sock.pipe(ch).pipe(sock);
            ch.on('close', () => sock.destroy());
            sock.on('close', () => ch.close());
          });
          sock.once('error', () => reject());
        });
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        this.server = server;
        this.port = port;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.end();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
