// A bare ssh2 client shell for lab tests: independent of upshift's drivers,
// so the lab is checked against a client that shares no code with them.
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

export class TestShell {
  out = '';
  private mark = 0;
  readonly closed: Promise<void>;
  private constructor(readonly client: Client, readonly channel: ClientChannel) {
    channel.on('data', (d: Buffer) => (this.out += d.toString('latin1')));
    // A reload or the lab's shutdown resets the connection: that is expected here.
    client.on('error', () => undefined);
    this.closed = new Promise((resolve) => client.on('close', () => resolve()));
  }

  static open(port: number, username: string, password: string, extra: Partial<ConnectConfig> = {}): Promise<TestShell> {
    return new Promise((resolve, reject) => {
      const c = new Client();
      c.on('error', reject);
      c.on('ready', () => c.shell({ term: 'vt100', rows: 24, cols: 80 }, (err, ch) => (err ? reject(err) : resolve(new TestShell(c, ch)))));
      c.connect({ host: '127.0.0.1', port, username, password, readyTimeout: 10_000, ...extra });
    });
  }

  /** Output since the last mark. */
  get recent(): string {
    return this.out.slice(this.mark);
  }

  /** Waits until the output since the last mark matches; moves the mark past it. */
  waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const start = Date.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        const text = this.out.slice(this.mark);
        const m = re.exec(text);
        if (m) {
          this.mark += m.index + m[0].length;
          return resolve(text.slice(0, m.index + m[0].length));
        }
        if (Date.now() - start > timeoutMs) return reject(new Error(`timed out waiting for ${re}; last output:\n${text.slice(-600)}`));
        setTimeout(check, 10);
      };
      check();
    });
  }

  send(text: string): void {
    this.channel.write(text);
  }

  /** Sends a line and returns everything up to the next prompt matching `prompt`. */
  async cmd(line: string, prompt: RegExp): Promise<string> {
    this.send(`${line}\n`);
    return this.waitFor(prompt);
  }

  end(): void {
    this.client.end();
  }
}

/** A prompt of this host at the end of the output: `host#` or `host>`. */
export const promptOf = (hostname: string, mode: '#' | '>' = '#') => new RegExp(`\\r\\n${hostname.replace(/[.-]/g, '\\$&')}${mode === '#' ? '#' : '>'}$`);

export async function enable(shell: TestShell, hostname: string, secret: string): Promise<void> {
  await shell.waitFor(promptOf(hostname, '>'));
  shell.send('enable\n');
  await shell.waitFor(/Password: $/);
  shell.send(`${secret}\n`);
  await shell.waitFor(promptOf(hostname));
  await shell.cmd('terminal length 0', promptOf(hostname));
}
