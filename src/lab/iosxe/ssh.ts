// The SSH side of a simulated IOS-XE device: one ssh2 Server per device on
// 127.0.0.1, stopped while the device reloads (connections refused) and
// started again when it is back.
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel } from 'ssh2';
import { createPrivateKey, sign, timingSafeEqual } from 'node:crypto';
import type { IosxeSimDevice, DeviceServer } from './device.js';
import { CliSession } from './cli.js';
import { Terminal } from './terminal.js';
import { scpSink } from './copy.js';

const { Server, utils } = ssh2;

export interface SshOptions {
  host: string;
  banner: string;
  motd: string;
  /** OpenSSH public keys ("ssh-ed25519 AAAA…") allowed to log in as the device's user. */
  authorizedKeys: string[];
  /** One-way delay of the CLI's traffic (a WAN link), real milliseconds. */
  latencyMs?: number;
}

/**
 * An ed25519 host key. ssh2 1.17 strips leading zero bytes of the public key
 * while generating, so about 1 key in 256 cannot be parsed back (docs/devices/
 * iosxe-sessions.md, section 9): such keys are thrown away and drawn again.
 */
export function newHostKey(): string {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair.private;
  }
}

/**
 * A host key for ssh2's Server that signs with a parsed key object. ssh2 signs
 * each handshake with the key's PEM text, parsing it every time (0.56 ms vs
 * 0.05 ms here): for a thousand simulated devices that is most of the lab's
 * handshake cost, which real devices would not share with upshift's CPU.
 */
export function serverHostKey(pem: string): { key: ParsedKey } {
  const parsed = utils.parseKey(pem);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  const keyObject = createPrivateKey(key.getPrivatePEM());
  // ed25519 signs without a separate hash algorithm.
  Object.assign(key, { sign: (data: Buffer) => sign(null, data, keyObject) });
  return { key };
}

export class DeviceSsh implements DeviceServer {
  private server: InstanceType<typeof Server> | null = null;
  private readonly conns = new Set<Connection>();
  private readonly open = new Map<CliSession, Connection>();

  constructor(private readonly dev: IosxeSimDevice, private hostKey: string, private readonly opts: SshOptions) {}

  /** "ssh-ed25519 AAAA…" as it would appear in known_hosts. */
  publicKey(): string {
    const parsed = utils.parseKey(this.hostKey);
    if (parsed instanceof Error) throw parsed;
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    return `${key.type} ${key.getPublicSSH().toString('base64')}`;
  }

  renewHostKey(): void {
    this.hostKey = newHostKey();
    this.dev.state.log('host-key', 'new host key');
  }

  async listen(port = this.dev.port): Promise<void> {
    const server = new Server({ hostKeys: [serverHostKey(this.hostKey)], banner: this.opts.banner, ident: 'Cisco-1.25' }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.dev.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Drops every connection at once, as a reloading box does (no goodbye). */
  dropAll(): void {
    // The terminals stop first: nothing more is written to a connection that is gone.
    for (const cli of this.open.keys()) cli.term.close();
    for (const c of this.conns) destroy(c);
    this.conns.clear();
    this.open.clear();
  }

  sessions(): CliSession[] {
    return [...this.open.keys()];
  }

  drop(session: CliSession): void {
    const c = this.open.get(session);
    this.open.delete(session);
    if (c) {
      this.conns.delete(c);
      c.end();
    }
  }

  private accept(client: Connection): void {
    const d = this.dev.state;
    (client as unknown as { setNoDelay(v: boolean): void }).setNoDelay(true);
    this.conns.add(client);
    client.on('close', () => this.conns.delete(client));
    client.on('error', () => this.conns.delete(client));
    client.on('authentication', (ctx) => {
      const methods: ('password' | 'keyboard-interactive' | 'publickey')[] = d.faults.has('kbd-auth') ? ['keyboard-interactive'] : ['publickey', 'keyboard-interactive', 'password'];
      if (d.faults.has('auth') || ctx.username !== d.username) {
        if (ctx.method !== 'none') d.log('login-failed', `${ctx.username} (${ctx.method})`);
        return ctx.reject(methods);
      }
      if (!(methods as string[]).includes(ctx.method)) return ctx.reject(methods);
      // Chaos: the first login after a boot is refused (as while the AAA server is not reachable yet).
      if ((ctx.method !== 'publickey' || ctx.signature) && this.dev.chaos?.refuseLogin()) {
        d.log('login-failed', `${ctx.username} (${ctx.method})`);
        d.log('chaos', 'login-refused: the first login after the boot');
        return ctx.reject(methods);
      }
      if (ctx.method === 'password') return same(ctx.password, d.password) ? ctx.accept() : (d.log('login-failed', ctx.username), ctx.reject(methods));
      if (ctx.method === 'keyboard-interactive') {
        return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => (same(answers[0] ?? '', d.password) ? ctx.accept() : (d.log('login-failed', ctx.username), ctx.reject(methods))));
      }
      if (ctx.method === 'publickey') {
        const allowed = this.opts.authorizedKeys.map((k) => utils.parseKey(k)).find((k) => !(k instanceof Error) && !Array.isArray(k) && k.getPublicSSH().equals(ctx.key.data));
        if (!allowed || allowed instanceof Error || Array.isArray(allowed)) return ctx.reject(methods);
        if (!ctx.signature) return ctx.accept(); // the client only asks whether the key would do
        return allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(methods);
      }
      return ctx.reject(methods);
    });
    client.on('ready', () => {
      d.log('login', d.username);
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('pty', (ok) => ok?.());
        session.on('window-change', (ok) => ok?.());
        session.on('env', (ok) => ok?.());
        session.on('shell', (ok) => {
          const channel = ok();
          const term = new Terminal(channel, this.dev.clock, d.faults.has('slow'), d.faults.has('echo-ahead'), this.opts.latencyMs ?? 0);
          const cli = new CliSession(this.dev, term, d.enableSecret === null);
          this.open.set(cli, client);
          void cli.run(this.opts.motd).finally(() => {
            this.open.delete(cli);
            if (!term.closed) {
              channel.exit(0);
              channel.end();
            }
          });
        });
        session.on('exec', (ok, reject, info) => {
          const scp = /^scp\s+(?:-\S+\s+)*-t\s+(?:-\S+\s+)*(\S+)$/.exec(info.command.trim());
          if (scp) {
            if (!d.scpServer) return reject();
            return scpSink(this.dev, scp[1], ok() as unknown as Parameters<typeof scpSink>[2]);
          }
          const channel: ServerChannel = ok();
          const term = new Terminal(channel, this.dev.clock, d.faults.has('slow'), false, this.opts.latencyMs ?? 0);
          term.length = 0;
          const cli = new CliSession(this.dev, term, true);
          cli.monitor.set(false); // one command's output, not a monitoring line
          void cli.execute(info.command).then(() => term.flush()).finally(() => {
            channel.exit(0);
            channel.end();
          });
        });
      });
    });
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function destroy(c: Connection): void {
  const sock = (c as unknown as { _sock?: { destroy(): void } })._sock;
  if (sock) sock.destroy();
  else c.end();
}
