// Transport: an authenticated SSH connection (ssh2), its host key checked
// against known_hosts, optionally through a jump host, with TCP_NODELAY and
// keepalives. It moves bytes; it knows nothing of prompts.
import { Client, type AuthenticationType, type AuthHandlerMiddleware, type ClientChannel, type ConnectConfig } from 'ssh2';
import { readFileSync } from 'node:fs';
import { DeviceError } from '../errors.js';
import { fingerprint, hostId, keyType, type KnownHosts } from './known-hosts.js';

export interface SshEndpoint {
  /** Name used in messages (the workbook hostname). */
  label: string;
  host: string;
  port: number;
  username: string;
  password?: string;
  keyFile?: string;
  passphrase?: string;
}

export interface TransportOptions {
  endpoint: SshEndpoint;
  knownHosts: KnownHosts;
  acceptNewHostKeys: boolean;
  jump?: SshEndpoint;
  connectTimeoutMs?: number;
  keepaliveMs?: number;
  step?: string;
}

/**
 * The methods we hold credentials for, in order, skipping any the server did
 * not offer. ssh2's default first asks for `none`, a round trip no device needs.
 */
function authMethods(e: SshEndpoint): AuthHandlerMiddleware {
  const methods: AuthenticationType[] = [];
  if (e.keyFile) methods.push('publickey');
  if (e.password !== undefined) methods.push('password', 'keyboard-interactive');
  let next = 0;
  return (offered, _partial, done) => {
    while (next < methods.length) {
      const m = methods[next++];
      // `offered` is null before the server's first answer.
      if (!offered || offered.includes(m)) return done(m);
    }
    (done as unknown as (method: false) => void)(false); // ssh2: no method left, the login fails
  };
}

export class SshTransport {
  private closedReason: string | null = null;
  private readonly closeListeners: ((reason: string) => void)[] = [];

  private constructor(readonly client: Client, readonly endpoint: SshEndpoint, private readonly jump: SshTransport | null) {
    client.on('close', () => this.markClosed('the connection closed'));
    client.on('error', (err) => this.markClosed(err.message));
  }

  static async open(opts: TransportOptions): Promise<SshTransport> {
    const jump = opts.jump ? await SshTransport.open({ ...opts, endpoint: opts.jump, jump: undefined }) : null;
    let sock: ConnectConfig['sock'];
    if (jump) {
      try {
        sock = await new Promise<ClientChannel>((resolve, reject) => jump.client.forwardOut('127.0.0.1', 0, opts.endpoint.host, opts.endpoint.port, (err, stream) => (err ? reject(err) : resolve(stream))));
      } catch (err) {
        jump.close();
        throw new DeviceError(opts.endpoint.label, opts.step ?? 'connect', 'connect', `the jump host ${opts.jump!.label} could not reach ${hostId(opts.endpoint.host, opts.endpoint.port)} (${(err as Error).message})`);
      }
    }
    const client = new Client();
    const e = opts.endpoint;
    let hostKeyProblem: string | null = null;
    const config: ConnectConfig = {
      host: e.host, port: e.port, username: e.username, sock,
      readyTimeout: opts.connectTimeoutMs ?? 20_000,
      keepaliveInterval: opts.keepaliveMs ?? 15_000,
      keepaliveCountMax: 4,
      tryKeyboard: true,
      authHandler: authMethods(e),
      hostVerifier: (key: Buffer) => {
        const type = keyType(key);
        const b64 = key.toString('base64');
        const v = opts.knownHosts.check(e.host, e.port, type, b64);
        if (v.verdict === 'match') return true;
        if (v.verdict === 'mismatch') {
          hostKeyProblem = `the SSH host key of ${hostId(e.host, e.port)} has CHANGED (now ${type} ${fingerprint(b64)}; known: ${v.known.join(', ')}). Refusing to connect: check the device, then remove the old line if the change is expected`;
          return false;
        }
        if (v.verdict === 'revoked') {
          hostKeyProblem = `the SSH host key of ${hostId(e.host, e.port)} (${fingerprint(b64)}) is marked @revoked in ${opts.knownHosts.file}`;
          return false;
        }
        if (opts.acceptNewHostKeys) {
          opts.knownHosts.add(e.host, e.port, type, b64);
          return true;
        }
        hostKeyProblem = `the SSH host key of ${hostId(e.host, e.port)} (${type} ${fingerprint(b64)}) is not in ${opts.knownHosts.file}; run with --accept-new-host-keys to trust it on first use`;
        return false;
      },
    };
    if (e.password !== undefined) config.password = e.password;
    if (e.keyFile) {
      try {
        config.privateKey = readFileSync(e.keyFile);
      } catch (err) {
        throw new DeviceError(e.label, opts.step ?? 'connect', 'auth', `cannot read key_file ${e.keyFile} (${(err as NodeJS.ErrnoException).code})`, undefined, false);
      }
      config.passphrase = e.passphrase;
    }
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => e.password ?? '')));
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error & { level?: string; code?: string }) => {
        client.removeListener('ready', ready);
        reject(err);
      };
      const ready = () => {
        client.removeListener('error', fail);
        resolve();
      };
      client.once('ready', ready);
      client.once('error', fail);
      client.connect(config);
      // Before the handshake, not after: its packets are small and each waits for an answer.
      client.setNoDelay(true);
    }).catch((err: Error & { level?: string; code?: string }) => {
      // A refused login may be followed by a reset: keep listening so it is not unhandled.
      client.on('error', () => undefined);
      client.end();
      jump?.close();
      throw classify(e.label, opts.step ?? 'connect', err, hostKeyProblem, hostId(e.host, e.port));
    });
    return new SshTransport(client, e, jump);
  }

  /** A shell with a wide terminal, so long lines and digests do not wrap. */
  shell(): Promise<ClientChannel> {
    return new Promise((resolve, reject) => this.client.shell({ term: 'vt100', cols: 511, rows: 24, width: 0, height: 0 }, (err, ch) => (err ? reject(err) : resolve(ch))));
  }

  exec(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => this.client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
  }

  /** The local address of this connection: where the device can reach us (null through a jump host). */
  localAddress(): string | null {
    if (this.jump) return null;
    const sock = (this.client as unknown as { _sock?: { localAddress?: string } })._sock;
    return sock?.localAddress?.replace(/^::ffff:/, '') ?? null;
  }

  get closed(): string | null {
    return this.closedReason;
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  private markClosed(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const l of this.closeListeners) l(reason);
  }

  close(): void {
    this.client.end();
    this.jump?.close();
  }
}

function classify(device: string, step: string, err: Error & { level?: string; code?: string }, hostKeyProblem: string | null, where: string): DeviceError {
  if (hostKeyProblem) return new DeviceError(device, step, 'host-key', hostKeyProblem, undefined, false);
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    return new DeviceError(device, step, 'auth', `authentication to ${where} failed (check the username and password or key of its credentials entry)`, undefined, false);
  }
  if (/timed out while waiting for handshake/i.test(err.message)) return new DeviceError(device, step, 'timeout', `no SSH answer from ${where} in time`);
  const code = err.code ?? '';
  const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ETIMEDOUT' ? 'connection timed out' : code === 'EHOSTUNREACH' ? 'host unreachable' : code === 'ENOTFOUND' ? 'unknown host name' : err.message;
  return new DeviceError(device, step, 'connect', `cannot connect to ${where}: ${what}`, undefined, code !== 'ENOTFOUND');
}
