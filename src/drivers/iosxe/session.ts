// The IOS-XE platform layer over a channel: finds the real prompt (a banner
// may hold prompt-like lines), climbs to privileged mode, turns paging and
// log messages off, runs commands and answers declared dialogues. Log
// messages and timestamp headers never break prompt or question matching
// and never reach an output (session-noise.ts). An unknown question or a "% " error
// ends the operation with the device's own text, never a hang; a session
// that timed out or lost track of the device is closed, never reused.
import { DeviceError, mask } from '../errors.js';
import { Channel, ChannelClosed, noTranscript, type Matcher, tailOf } from '../ssh/channel.js';
import { DEFAULT_TIMEOUTS, MODES, transportOptions, type Mode, type RunOptions, type SessionOptions, type Timeouts } from './session-options.js';
import { SshTransport } from '../ssh/transport.js';
import type { DeviceTarget } from '../contract.js';
import { afterEcho, PROMPTISH, PromptMatcher } from './prompt.js';
import { MORE, refusalAt, unansweredQuestion } from './dialogues.js';
import { commandOutput, context, splitTypedAhead, typedAheadAnswer } from './output.js';
import { pastLogTail, settled, withoutLog } from './session-noise.js';
import { onTail } from './log-tail.js';
import { readClear } from './read-again.js';
import { timedOutAt, typedAheadComplete } from './typeahead.js';

export type { Mode, RunOptions, SessionOptions, Timeouts } from './session-options.js';

export class IosxeSession {
  mode: Mode = 'user';
  hostname = '';
  /** The prompt as the device last printed it ("sw1#"). */
  private prompt = '';
  /** Cleared when the device answered typed-ahead commands in a shape that could not be split. */
  private typeAhead = true;
  private promptRe: Matcher & { test(text: string): boolean } = PROMPTISH;
  /** Why the session was given up (a timeout, a question left unanswered): it is never used again. */
  private abandoned: string | null = null;
  readonly sent: string[] = [];
  pagingOff = false;
  /** The configurations as last read (pre-checks), and after how many commands: unchanged since, they serve the backup. */
  configRead: { running: string; startup: string; at: number; afterSent: number } | null = null;

  private constructor(readonly target: DeviceTarget, readonly transport: SshTransport, private readonly channel: Channel, private readonly timeouts: Timeouts, private readonly secrets: string[]) {}

  static async open(target: DeviceTarget, opts: SessionOptions, step = 'connect'): Promise<IosxeSession> {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    const auth = target.ssh;
    if (!auth) throw new DeviceError(target.hostname, step, 'auth', 'no SSH credentials for this device', undefined, false);
    const transport = await SshTransport.open(transportOptions(target, auth, opts, timeouts.connect, step));
    const secrets = [auth.password, auth.enable, auth.passphrase].filter((s): s is string => !!s);
    let session: IosxeSession | null = null;
    let channel: Channel | null = null;
    try {
      channel = new Channel(await transport.shell(), opts.transcript ?? noTranscript, secrets);
      session = new IosxeSession(target, transport, channel, timeouts, secrets);
      await session.findPrompt(step);
      if (session.mode === 'user') await session.enable(step);
      await session.terminalSettings(step);
      return session;
    } catch (err) {
      transport.close();
      // What the device said last (`% Authorization failed.` from AAA) is why: quoted, masked.
      if (err instanceof ChannelClosed) throw new DeviceError(target.hostname, step, 'closed', `the session closed during login (${err.message})`, mask(tailOf(channel?.peek() ?? ''), secrets) || undefined);
      throw err;
    }
  }

  /** A device's text with this session's secrets masked: for errors that quote the device. */
  masked(text: string): string {
    return mask(text, this.secrets);
  }

  get localAddress(): string | null {
    return this.transport.localAddress();
  }

  /** The prompt is the line the device prints again when asked: banner lines are not. */
  private async findPrompt(step: string): Promise<void> {
    let r = await this.channel.readUntil([PROMPTISH], this.timeouts.connect, { device: this.target.hostname, step });
    let candidate = r.matched[1];
    // The workbook's own hostname as the prompt needs no confirming round trip; any other
    // name may be a banner line that only looks like a prompt, so the device is asked again.
    if (candidate.replace(/[>#]$/, '').toLowerCase() === this.target.hostname.toLowerCase()) return this.learnPrompt(candidate);
    for (let attempt = 0; attempt < 6; attempt++) {
      this.channel.write('\n');
      r = await this.channel.readUntil([new PromptMatcher(candidate, candidate), PROMPTISH], this.timeouts.command, { device: this.target.hostname, step });
      if (r.index === 0) return this.learnPrompt(candidate);
      candidate = r.matched[1];
    }
    throw new DeviceError(this.target.hostname, step, 'unknown-prompt', 'could not settle on a CLI prompt', this.masked(tailOf(this.channel.peek())));
  }

  private learnPrompt(prompt: string): void {
    this.hostname = prompt.replace(/(\([\w.-]+\))?[>#]$/, '');
    // Config-mode prompts shorten long hostnames to 20 characters.
    this.promptRe = new PromptMatcher(this.hostname.slice(0, 20));
    this.setMode(prompt);
  }

  private setMode(prompt: string): void {
    this.prompt = prompt;
    this.mode = (Object.keys(MODES) as Mode[]).find((m) => MODES[m].suffix.test(prompt)) ?? this.mode;
  }

  private async enable(step: string): Promise<void> {
    const secret = this.target.ssh?.enable;
    if (secret === undefined) throw new DeviceError(this.target.hostname, step, 'auth', 'the device logs in at user level (>) and the credentials entry has no enable secret', undefined, false);
    const out = await this.run(MODES.enable.command!, { step, allowErrors: true, dialogues: [{ name: 'enable secret', prompt: /Password:\s*$/, answer: secret, hidden: true }] });
    if (this.mode !== 'enable') {
      // A wrong secret: the device asks again; leave the question without answering.
      const said = out.split('\n').map((l) => l.trim()).filter((l) => l && !/^Password:/.test(l)).join('\n');
      throw new DeviceError(this.target.hostname, step, 'auth', 'the enable secret was refused', this.masked(said) || undefined, false);
    }
  }

  /**
   * Paging off, a wide terminal, and no log messages on this line (a vty
   * with `terminal monitor` from login would print them at any moment; a
   * line that ignores this is tolerated). None prints anything or asks, so
   * they are sent together and read back as three prompts.
   */
  private async terminalSettings(step: string): Promise<void> {
    const commands = ['terminal length 0', 'terminal width 511', 'terminal no monitor'];
    this.channel.discard();
    this.channel.write(commands.map((c) => `${c}\n`).join(''));
    this.sent.push(...commands);
    const prompt = this.promptRe instanceof PromptMatcher ? this.promptRe.answered(commands) : this.promptRe;
    const r = await this.read([prompt, pastLogTail(MORE)], commands.join('", "'), step, this.timeouts.command);
    if (r.index === 1) {
      // Paging is still on and something paged: finish it, then carry on with paging on.
      this.channel.write(' ');
      await this.read([this.promptRe], commands.join('", "'), step, this.timeouts.command);
      return;
    }
    // Judged on "terminal length 0" alone where the answer splits per command.
    const parts = splitTypedAhead(typedAheadAnswer(r.text, this.hostname.slice(0, 20), commands), this.prompt, commands);
    this.pagingOff = !/%|authorization failed/i.test(parts ? settled(parts[0], 'results') : withoutLog(r.text));
  }

  /**
   * Reads until a pattern matches. A timeout or an unknown question leaves
   * the device somewhere upshift cannot follow (output still to come, a
   * question waiting): the session is closed, so that no later read takes
   * that output for its own, and the error says which command and what the
   * device printed last.
   */
  private async read(patterns: Matcher[], what: string, step: string, timeoutMs: number, opts: { onIdle?: (tail: string) => void; sofar?: string } = {}) {
    try {
      return await this.channel.readUntil(patterns, timeoutMs, { device: this.target.hostname, step, idleMs: opts.onIdle ? this.timeouts.idle : undefined, onIdle: opts.onIdle });
    } catch (err) {
      if (err instanceof ChannelClosed) throw err;
      if (err instanceof DeviceError && (err.kind === 'timeout' || err.kind === 'unknown-prompt')) {
        const said = this.quoted(withoutLog((opts.sofar ?? '') + this.channel.peek(), this.hostname.slice(0, 20)));
        this.abandon(err.kind === 'timeout' ? 'a command timed out' : 'a question was left unanswered');
        if (err.kind === 'timeout') {
          throw new DeviceError(this.target.hostname, step, 'timeout', `"${what}" did not return to the prompt within ${Math.round(timeoutMs / 1000)} s; the session was closed (a new one is opened for the next command)`, said);
        }
        throw new DeviceError(err.device, err.step, err.kind, `${err.detail}; the session was closed`, err.deviceSaid, false);
      }
      throw err;
    }
  }

  /**
   * Runs one command and returns its output without the echo, the prompt, log
   * messages and the timestamp header. A message that may have output glued
   * after it goes, unless what follows its header holds a result word
   * (FAILED, SUCCESS, Error…): an install's outcome stays searchable.
   */
  async run(command: string, opts: RunOptions = {}): Promise<string> {
    const text = settled(await this.answer(command, opts), 'results');
    if (!opts.allowErrors) this.failIfRefused(command, text, opts.step ?? 'command');
    return text;
  }

  /** One command's output, messages inside it marked (session-noise.ts). */
  private async answer(command: string, opts: RunOptions): Promise<string> {
    const step = opts.step ?? 'command';
    if (this.abandoned) throw new DeviceError(this.target.hostname, step, 'closed', `the session was closed earlier (${this.abandoned}); "${command}" was not sent`);
    const timeoutMs = typeof opts.timeout === 'number' ? opts.timeout : this.timeouts[opts.timeout ?? 'command'];
    const dialogues = opts.dialogues ?? [];
    const enableAsked = command === 'enable';
    this.channel.discard();
    this.channel.write(`${command}\n`);
    this.sent.push(command);
    let answer = '';
    let answeredEnable = false;
    // End-anchored, one-line patterns: only the last lines can match, so a long output is not rescanned.
    const patterns = [afterEcho(onTail(this.promptRe, 2048), command), ...[MORE, ...dialogues.map((d) => d.prompt)].map((p) => onTail(pastLogTail(p), 2048))];
    const prefix = this.hostname.slice(0, 20);
    for (;;) {
      let r;
      try {
        r = await this.read(patterns, command, step, timeoutMs, {
          sofar: answer,
          onIdle: (tail) => {
            const asked = unansweredQuestion(tail, this.promptRe);
            if (asked !== null) throw new DeviceError(this.target.hostname, step, 'unknown-prompt', `"${command}" asked a question upshift has no answer for`, mask(asked, this.secrets), false);
          },
        });
      } catch (err) {
        if (err instanceof ChannelClosed) {
          if (opts.expectClose) return commandOutput(answer + this.channel.peek(), command, prefix, false);
          throw new DeviceError(this.target.hostname, step, 'closed', `the session closed during "${command}" (${err.message})`, this.quoted(answer + this.channel.peek()));
        }
        throw err;
      }
      if (r.index === 0) {
        answer += r.text;
        this.setMode(r.matched[1]);
        // A reload often comes seconds after the prompt: wait for the drop (not after a refusal, judged without messages).
        if (opts.expectClose && !opts.noDropIf?.test(settled(commandOutput(answer, command, prefix, true), 'results'))) await this.waitForClose(this.timeouts.drop);
        break;
      }
      if (r.index === 1) {
        answer += r.text.slice(0, r.matched.index) + r.matched[0].replace(/-+ ?More ?-+[ \t]*/, '');
        this.channel.write(' ');
        continue;
      }
      const d = dialogues[r.index - 2];
      answer += r.text;
      if (enableAsked && answeredEnable) {
        // Asked for the secret a second time: it was wrong. Do not loop.
        this.channel.write('\x03');
        this.channel.write('\n');
        this.mode = 'user';
        return commandOutput(answer, command, prefix, false);
      }
      answeredEnable = enableAsked;
      this.channel.write(`${d.answer}\n`, d.hidden);
      this.sent.push(d.hidden ? `(${d.name}: ******)` : `(${d.name}: ${d.answer || 'Enter'})`);
    }
    return commandOutput(answer, command, prefix, true);
  }

  /** Throws the device's "% …" error (or "Invalid input") found in a command's output. */
  failIfRefused(command: string, text: string, step: string): void {
    const err = refusalAt(text);
    if (err) throw new DeviceError(this.target.hostname, step, 'command', `"${command}" was refused`, mask(context(text, err.index), this.secrets), false);
  }

  /**
   * Read-only show commands typed ahead together and read back at once: one
   * round trip instead of one each, which over a WAN link is most of a
   * device's time. Only with paging off (a pager would take the typed-ahead
   * lines as keystrokes) and at the privileged prompt. The answer is split
   * at each echoed prompt and command. A device that echoes type-ahead
   * otherwise goes quiet at a prompt instead: then the commands are run
   * again one at a time, and so is the rest of the session. An output with a
   * log message that may hide output is read again (read-again.ts).
   * Outputs as `run(…, { allowErrors: true })` gives them.
   */
  runReadOnly(commands: string[], step: string, timeout: 'command' | 'operation' = 'command'): Promise<string[]> {
    return readClear(commands, (some) => this.readTogether(some, step, timeout));
  }

  /**
   * The whole running and startup configurations: as runReadOnly, but the
   * transcript records their answer by its size only — they hold the device's
   * own secrets (type 7 passwords, SNMP communities, TACACS and RADIUS keys),
   * which the session pane and the transcripts folder must not show.
   */
  async readConfigurations(step: string, timeout: 'command' | 'operation' = 'command'): Promise<[string, string]> {
    this.channel.recordSizesOnly('running and startup configuration');
    try {
      const [running, startup] = await this.runReadOnly(['show running-config', 'show startup-config'], step, timeout);
      return [running, startup];
    } finally {
      this.channel.recordSizesOnly(null);
    }
  }

  /** Read-only commands typed ahead (or one at a time), their outputs with messages marked. */
  private async readTogether(commands: string[], step: string, timeout: 'command' | 'operation'): Promise<string[]> {
    const one = async () => {
      const out: string[] = [];
      for (const c of commands) out.push(await this.answer(c, { step, allowErrors: true, timeout }));
      return out;
    };
    const promptRe = this.promptRe;
    if (commands.length < 2 || !this.typeAhead || !this.pagingOff || this.mode !== 'enable' || !(promptRe instanceof PromptMatcher) || this.abandoned) return one();
    const prompt = this.prompt;
    const quietAtPrompt = new Error('quiet at a prompt');
    this.channel.discard();
    this.channel.write(commands.map((c) => `${c}\n`).join(''));
    this.sent.push(...commands);
    let parts: string[] | null = null;
    try {
      const r = await this.read([typedAheadComplete(prompt, promptRe, commands.at(-1)!)], commands.join('", "'), step, this.timeouts[timeout], {
        onIdle: (tail) => {
          if (promptRe.test(tail)) throw quietAtPrompt;
        },
      });
      parts = splitTypedAhead(typedAheadAnswer(r.text, promptRe.prefix, commands), prompt, commands);
    } catch (err) {
      if (err instanceof ChannelClosed) throw new DeviceError(this.target.hostname, step, 'closed', `the session closed during "${commands.join('", "')}" (${err.message})`, this.quoted(this.channel.peek()));
      if (err instanceof DeviceError && err.kind === 'timeout') throw timedOutAt(err, this.channel.peek(), prompt, commands);
      if (err !== quietAtPrompt) throw err;
    }
    if (parts) return parts;
    this.typeAhead = false;
    return one();
  }

  /**
   * What an error quotes of the device's last lines, masked; nothing while a configuration is
   * read (its last lines are `line vty` passwords and the like, which no message may carry).
   */
  private quoted(text: string): string | undefined {
    if (this.channel.recordingSizesOnly) return '(the configuration being read is not quoted)';
    return tailOf(mask(text, this.secrets)) || undefined;
  }

  /** Resolves true once the device drops the session, false if it is still open after `ms`. */
  async waitForClose(ms: number): Promise<boolean> {
    try {
      await this.channel.readUntil([/(?!)/], ms);
    } catch (err) {
      if (err instanceof ChannelClosed) return true;
      if (err instanceof DeviceError && err.kind === 'timeout') return false;
      throw err;
    }
    return false;
  }

  get isClosed(): boolean {
    return this.abandoned !== null || this.channel.isClosed || this.transport.closed !== null;
  }

  /** Gives the session up: closed, and refused for any further command. */
  private abandon(why: string): void {
    this.abandoned ??= why;
    this.close();
  }

  close(): void {
    this.channel.close();
    this.transport.close();
  }
}
