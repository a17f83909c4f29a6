// The terminal side of an SSH shell: echo and line editing as IOS does them,
// type-ahead kept until read, single-key answers for --More--, CRLF output,
// the "slow" fault that trickles output in small pieces, and log messages
// printed at any moment (`terminal monitor`).
import type { LabClock } from '../clock.js';

export interface Channel {
  write(data: string): unknown;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

type Waiter = { kind: 'line'; echo: boolean; resolve: (line: string | null) => void } | { kind: 'key'; resolve: (key: string | null) => void };

const MORE = ' --More-- ';
const ERASE_MORE = '\b'.repeat(MORE.length) + ' '.repeat(MORE.length) + '\b'.repeat(MORE.length);

export class Terminal {
  length = 24;
  width = 80;
  closed = false;
  private pending = '';
  private line = '';
  private skipLf = false;
  private waiter: Waiter | null = null;
  private writing: Promise<void> = Promise.resolve();

  /** Characters already echoed when they arrived (the echo-ahead fault): not echoed again when read. */
  private preEchoed = 0;
  /** The cursor is at the start of a line (the last character written was a newline). */
  private atLineStart = true;
  /** The command prompt being read at (null while a question waits for its answer). */
  private promptText: string | null = null;
  /** The last thing written was a log message without a line break after it. */
  private afterMessage = false;

  /**
   * `latencyMs`: a WAN link's one-way delay (real time, not scaled by the lab's
   * speed), both ways: what the device sends and what it receives arrive that
   * much later, so every exchange costs a round trip as it would in the field.
   */
  constructor(private readonly channel: Channel, private readonly clock: LabClock, private readonly slow = false, private readonly echoOnArrival = false, private readonly latencyMs = 0) {
    channel.on('data', (data) => {
      const text = data.toString('latin1');
      if (latencyMs > 0) setTimeout(() => this.feed(text), latencyMs);
      else this.feed(text);
    });
    channel.on('close', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const w = this.waiter;
    this.waiter = null;
    w?.resolve(null);
  }

  /** Resolves when everything written so far has gone out. */
  flush(): Promise<void> {
    return this.writing;
  }

  /** A line typed by the user (null when the session closed); `prompt` when it is a command line. */
  readLine(echo = true, prompt: string | null = null): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    this.promptText = prompt;
    return new Promise((resolve) => {
      this.waiter = { kind: 'line', echo, resolve };
      this.drain();
    });
  }

  /**
   * A log message, printed now wherever the cursor is: after a line break if
   * the cursor is not at a line start. At a command prompt the prompt is not
   * printed again unless `reprint` (what `logging synchronous` does), and then
   * with what was typed so far; at a question the cursor stays after the
   * message, so the answer's echo lands on its line. `glued`: the message ends
   * without a line break anywhere, so what the device prints next (an output
   * line, the echo of what is typed) continues on its line, and a message
   * right after it starts mid-line — the forms of Cisco's VG4x0 install
   * transcripts (docs/devices/iosxe-sessions.md, section 3.1).
   */
  logMessage(message: string, reprint: boolean, glued = false): void {
    if (this.closed) return;
    const atQuestion = this.waiter?.kind === 'line' && this.promptText === null;
    const w = this.waiter;
    const reprinting = reprint && !atQuestion && w?.kind === 'line' && this.promptText !== null;
    let out = `${this.atLineStart || (glued && this.afterMessage) ? '' : '\n'}${message}`;
    if (!atQuestion && (!glued || reprinting)) {
      out += '\n';
      if (reprinting) out += `${this.promptText}${w?.kind === 'line' && w.echo ? this.line : ''}`;
    }
    void this.write(out);
    this.afterMessage = !out.endsWith('\n');
  }

  readKey(): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = { kind: 'key', resolve };
      this.drain();
    });
  }

  private outbox = '';
  private flushing: Promise<void> | null = null;

  /**
   * Writes text with \n turned into \r\n. What is written in the same tick
   * leaves as one packet (echo, output and prompt together), as on a real line.
   */
  write(text: string): Promise<void> {
    if (this.severed) return this.writing;
    let data = text.replace(/\r?\n/g, '\r\n');
    if (this.cut) {
      if (data.length < this.cut.left) this.cut.left -= data.length;
      else {
        data = data.slice(0, this.cut.left);
        this.sever();
      }
    }
    if (data) this.atLineStart = data.endsWith('\n');
    this.afterMessage = false;
    if (!this.slow) {
      this.outbox += data;
      this.flushing ??= new Promise<void>((resolve) => setImmediate(() => {
        const out = this.outbox;
        this.outbox = '';
        this.flushing = null;
        const send = () => void (!this.closed && out && this.channel.write(out));
        if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
        else send();
        resolve();
      }));
      const flushed = this.flushing;
      this.writing = this.writing.then(() => flushed);
      return this.writing;
    }
    this.writing = this.writing.then(async () => {
      if (this.closed) return;
      for (let i = 0; i < data.length && !this.closed; i += 48) {
        this.channel.write(data.slice(i, i + 48));
        await this.clock.sleep(15);
      }
    });
    return this.writing;
  }

  /** The line drops (chaos) after `chars` more characters of output; `onCut` once what came before has gone out. */
  cutAfter(chars: number, onCut: () => void): void {
    this.cut = { left: chars, onCut };
  }

  /** Whether a cut is armed and has not happened yet. */
  get cutPending(): boolean {
    return this.cut !== null;
  }

  /** Drops the line now (an armed cut whose command ended before reaching it). */
  cutNow(): void {
    if (this.cut) this.sever();
  }

  private cut: { left: number; onCut: () => void } | null = null;
  /** Cut: nothing more is written; the terminal closes once the last write has gone out. */
  private severed = false;

  private sever(): void {
    const onCut = this.cut!.onCut;
    this.cut = null;
    this.severed = true;
    // Only after the flush that carries the text before the cut (a closed terminal sends nothing).
    setImmediate(() => void this.writing.then(() => {
      this.close();
      onCut();
    }));
  }

  /** Output through the pager: a page at a time with --More-- unless the length is 0. */
  async page(text: string): Promise<void> {
    const lines = text.replace(/\n$/, '').split('\n');
    if (this.length === 0 || lines.length < this.length) {
      // Not awaited: the prompt that follows leaves in the same packet, as on a real box.
      void this.write(`${lines.join('\n')}\n`);
      return;
    }
    let i = 0;
    let chunk = this.length - 1;
    while (i < lines.length && !this.closed) {
      await this.write(`${lines.slice(i, i + chunk).join('\n')}\n`);
      i += chunk;
      if (i >= lines.length) break;
      await this.write(MORE);
      const key = await this.readKey();
      await this.write(ERASE_MORE);
      if (key === null || !(key === ' ' || key === '\r' || key === '\n')) return;
      chunk = key === ' ' ? this.length - 1 : 1;
    }
  }

  private feed(data: string): void {
    if (this.closed || this.severed) return;
    // Some terminals echo type-ahead at once; never a hidden answer (a password).
    if (this.echoOnArrival && !(this.waiter?.kind === 'line' && !this.waiter.echo) && this.waiter?.kind !== 'key') {
      void this.write(data.replace(/\r\n?/g, '\n'));
      this.preEchoed += data.length;
    }
    this.pending += data;
    this.drain();
  }

  private drain(): void {
    // Echo what arrived together in one write (one SSH packet), as a real line does.
    let echo = '';
    const flushEcho = () => {
      if (echo) void this.write(echo);
      echo = '';
    };
    while (this.waiter && this.pending.length > 0) {
      const ch = this.pending[0];
      this.pending = this.pending.slice(1);
      const echoed = this.preEchoed > 0;
      if (echoed) this.preEchoed--;
      const w = this.waiter;
      if (w.kind === 'key') {
        if (ch === '\n' && this.skipLf) {
          this.skipLf = false;
          continue;
        }
        this.skipLf = ch === '\r';
        this.waiter = null;
        w.resolve(ch);
        continue;
      }
      if (ch === '\n' && this.skipLf) {
        this.skipLf = false;
        continue;
      }
      this.skipLf = false;
      if (ch === '\r' || ch === '\n') {
        this.skipLf = ch === '\r';
        const line = this.line;
        this.line = '';
        this.waiter = null;
        if (!echoed) echo += '\n';
        flushEcho();
        w.resolve(line);
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          if (w.echo) echo += '\b \b';
        }
      } else if (ch === '\x03' || ch === '\x1a') {
        this.line = '';
        this.waiter = null;
        echo += '\n';
        flushEcho();
        w.resolve('');
      } else if (ch >= ' ' || ch === '\t') {
        this.line += ch === '\t' ? ' ' : ch;
        if (w.echo && !echoed) echo += ch;
      }
    }
    flushEcho();
  }
}
