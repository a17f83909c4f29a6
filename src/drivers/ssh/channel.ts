// Channel: turns the shell's byte stream into a conversation. It keeps the
// text received (ANSI codes, backspaces and \r removed), reads until one of
// several patterns appears at the end, answers dialogues declared as data,
// and writes a transcript with secrets masked (docs/security.md).
import type { ClientChannel } from 'ssh2';
import { DeviceError, mask, MASKED_FROM } from '../errors.js';
import type { Transcript } from '../contract.js';

/** One interactive question and its answer, as data (scrapli's send_interactive). */
export interface Dialogue {
  name: string;
  prompt: RegExp; // matched against the end of the output
  answer: string; // '' answers with Enter
  hidden?: boolean;
}

/** What readUntil looks for: a RegExp, or an object that answers like one. */
export interface Matcher {
  exec(text: string): RegExpExecArray | null;
}

export type { Transcript };

export const noTranscript: Transcript = { write: () => undefined };

export interface ReadResult {
  text: string;
  matched: RegExpExecArray;
}

export class ChannelClosed extends Error {}

// eslint-disable-next-line no-control-regex
const NOISE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHM]|\r|\0/g;

/** Applies backspaces (the --More-- eraser uses them) and drops ANSI codes, \r and NULs. */
export function cleanTerminalText(text: string): string {
  const noAnsi = text.replace(NOISE, '');
  if (!noAnsi.includes('\b')) return noAnsi;
  const out: string[] = [];
  for (const ch of noAnsi) {
    if (ch === '\b') {
      if (out.length > 0 && out[out.length - 1] !== '\n') out.pop();
    } else out.push(ch);
  }
  return out.join('');
}

export class Channel {
  /** Cleaned text of complete lines not yet consumed. */
  private settled = '';
  /** The last, incomplete line as received (a later backspace may still edit it). */
  private partial = '';
  private closeReason: string | null = null;
  private wake: (() => void) | null = null;
  lastDataAt = Date.now();
  /** Received text not yet in the transcript: it may end with the start of a secret. */
  private unwritten = '';
  /** Characters held back: a secret split across two chunks is masked once it is whole. */
  private readonly holdBack: number;

  constructor(private readonly stream: ClientChannel, private readonly transcript: Transcript, private readonly secrets: readonly string[]) {
    this.holdBack = Math.max(0, ...secrets.filter((x) => x.length >= MASKED_FROM).map((x) => x.length - 1));
    stream.on('data', (d: Buffer) => this.receive(d.toString('utf8')));
    stream.stderr?.on('data', (d: Buffer) => this.receive(d.toString('utf8')));
    stream.on('close', () => this.closed('the session closed'));
    stream.on('error', (e: Error) => this.closed(e.message));
  }

  get isClosed(): boolean {
    return this.closeReason !== null;
  }

  private partialClean: string | null = null;

  /** Text received and not yet consumed by a read. */
  peek(): string {
    this.partialClean ??= cleanTerminalText(this.partial);
    return this.settled + this.partialClean;
  }

  private receive(data: string): void {
    this.transcribe(data);
    // Backspaces and escape sequences never cross a newline: complete lines can be cleaned once.
    this.partial += data;
    this.partialClean = null;
    const cut = this.partial.lastIndexOf('\n');
    if (cut >= 0) {
      this.settled += cleanTerminalText(this.partial.slice(0, cut + 1));
      this.partial = this.partial.slice(cut + 1);
    }
    this.lastDataAt = Date.now();
    this.notify();
  }

  /**
   * Writes received text to the transcript, masked, keeping back its last `holdBack`
   * characters (and any secret they cut through): a secret that only its next chunk
   * completes is masked whole, never written in two unmasked halves.
   */
  private transcribe(data: string): void {
    if (this.unrecorded) {
      this.unrecorded.bytes += Buffer.byteLength(data);
      return;
    }
    this.unwritten += data;
    let cut = this.unwritten.length - this.holdBack;
    if (cut <= 0) return;
    // An occurrence that starts before the cut and ends after it stays whole on the kept side
    // (again until none does: moving the cut back may cut through an earlier one).
    for (let moved = true; moved && cut > 0;) {
      moved = false;
      for (const secret of this.secrets) {
        if (secret.length < MASKED_FROM) continue;
        const at = this.unwritten.lastIndexOf(secret, cut - 1);
        if (at >= 0 && at + secret.length > cut) {
          cut = at;
          moved = true;
        }
      }
    }
    if (cut <= 0) return;
    this.transcript.write('received', mask(this.unwritten.slice(0, cut), this.secrets));
    this.unwritten = this.unwritten.slice(cut);
  }

  /** What arrives while set is recorded by its size only (a configuration: the device's own secrets are in it). */
  private unrecorded: { label: string; bytes: number } | null = null;

  /** Whether what is received now is recorded by its size only (then no error may quote it either). */
  get recordingSizesOnly(): boolean {
    return this.unrecorded !== null;
  }

  /** From now until called with null, the transcript records what is received by its size only, under `label`. */
  recordSizesOnly(label: string | null): void {
    this.flushTranscript();
    this.unrecorded = label ? { label, bytes: 0 } : null;
  }

  /** Writes what was held back: nothing more will complete it (the session ended, or upshift is about to send). */
  private flushTranscript(): void {
    if (this.unrecorded && this.unrecorded.bytes > 0) {
      this.transcript.write('received', `(${this.unrecorded.label}: ${this.unrecorded.bytes} bytes, not recorded)\n`);
      this.unrecorded.bytes = 0;
    }
    if (this.unwritten === '') return;
    this.transcript.write('received', mask(this.unwritten, this.secrets));
    this.unwritten = '';
  }

  /** Keeps only `rest` (clean text) as unconsumed. */
  private keep(rest: string): void {
    const cut = rest.lastIndexOf('\n');
    this.settled = rest.slice(0, cut + 1);
    this.partial = rest.slice(cut + 1);
    this.partialClean = null;
  }

  private closed(reason: string): void {
    this.flushTranscript();
    if (this.closeReason === null) this.closeReason = reason;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  write(text: string, hidden = false): void {
    // upshift writes when the device waits (a prompt, a question, a pager): what it printed
    // so far is whole, and the transcript keeps what was received before what was sent.
    this.flushTranscript();
    this.transcript.write('sent', hidden ? '******\n' : mask(text, this.secrets));
    if (this.closeReason === null) this.stream.write(text);
  }

  /** Forgets what was received so far (before sending a new command). */
  discard(): void {
    this.settled = '';
    this.partial = '';
    this.partialClean = null;
  }

  /**
   * Waits until one pattern matches the end of the received text; consumes
   * up to the end of the match. `onIdle` is called when nothing arrived for
   * `idleMs`; it may throw (an unknown question) or return to keep waiting.
   */
  async readUntil(patterns: Matcher[], timeoutMs: number, opts: { idleMs?: number; onIdle?: (tail: string) => void; device?: string; step?: string; window?: number } = {}): Promise<ReadResult & { index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const buffer = this.peek();
      // With end-anchored, one-line patterns (prompts, questions) only the last lines can match:
      // scanning from a line start near the end keeps a long output from being rescanned at every chunk.
      const from = opts.window && buffer.length > opts.window ? buffer.lastIndexOf('\n', buffer.length - opts.window) + 1 : 0;
      const scanned = from > 0 ? buffer.slice(from) : buffer;
      for (let i = 0; i < patterns.length; i++) {
        const m = patterns[i].exec(scanned);
        if (m) {
          m.index += from;
          const end = m.index + m[0].length;
          this.keep(buffer.slice(end));
          return { text: buffer.slice(0, end), matched: m, index: i };
        }
      }
      if (this.closeReason !== null) throw new ChannelClosed(this.closeReason);
      const now = Date.now();
      if (now >= deadline) {
        throw new DeviceError(opts.device ?? 'device', opts.step ?? 'command', 'timeout', `no answer within ${Math.round(timeoutMs / 1000)} s`, mask(tailOf(buffer), this.secrets));
      }
      if (opts.idleMs && opts.onIdle && now - this.lastDataAt >= opts.idleMs) opts.onIdle(tailOf(buffer));
      const waitMs = Math.min(deadline - now, opts.idleMs ? Math.max(20, opts.idleMs - (now - this.lastDataAt)) : deadline - now, 1000);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.flushTranscript();
    this.stream.end();
  }
}

export function tailOf(text: string, lines = 4): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
