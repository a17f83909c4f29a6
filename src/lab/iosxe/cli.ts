// One interactive CLI session on a simulated device: modes (> # (config)#),
// prompts, command dispatch with IOS abbreviations, `| include` style pipes,
// and the interactive questions ([confirm], [y/n], [yes/no]) as a real box asks them.
import type { Terminal } from './terminal.js';
import type { IosxeSimDevice } from './device.js';
import { COMMANDS, type CommandNode, type Handler } from './commands.js';
import { MonitorFeed } from './syslog.js';
import { timestampHeader } from './render-system.js';

export type Mode = 'user' | 'enable' | 'config';

export class CliSession {
  mode: Mode;
  private ended = false;
  /** `terminal monitor`: log messages on this line. */
  readonly monitor: MonitorFeed;
  /** `exec prompt timestamp`: show outputs start with the load and time header. */
  execTimestamp: boolean;

  constructor(readonly device: IosxeSimDevice, readonly term: Terminal, privileged: boolean) {
    this.mode = privileged ? 'enable' : 'user';
    const f = device.state.faults;
    this.monitor = new MonitorFeed(device.state, term, device.clock, f.has('syslog') || f.has('syslog-sticky'));
    this.execTimestamp = f.has('timestamps');
  }

  get state() {
    return this.device.state;
  }

  prompt(): string {
    const h = this.state.hostname;
    return this.mode === 'user' ? `${h}>` : this.mode === 'config' ? `${h}(config)#` : `${h}#`;
  }

  end(): void {
    this.ended = true;
    this.monitor.stop();
  }

  async run(motd: string): Promise<void> {
    try {
      const told = this.state.faults.has('motd-secret') && this.state.enableSecret ? `*  Lab box: the enable secret is ${this.state.enableSecret}\n` : '';
      if (motd || told) await this.term.write(`\n${motd}\n${told}`);
      if (this.state.faults.has('exec-refused')) {
        // AAA exec authorization refused after the banner: IOS says so and closes the connection.
        await this.term.write('% Authorization failed.\n');
        this.end();
        await this.term.flush();
        this.term.close();
        this.device.closeSession(this);
        return;
      }
      while (!this.ended && !this.term.closed) {
        const prompt = this.prompt();
        const written = this.term.write(`\n${prompt}`);
        this.monitor.afterPrompt();
        await written;
        const line = await this.term.readLine(true, prompt);
        if (line === null) break;
        await this.execute(line);
      }
    } finally {
      this.monitor.stop();
    }
  }

  /** Runs one command line in the current mode. */
  async execute(line: string): Promise<void> {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('!')) return;
    this.state.log('command', `${this.prompt()}${trimmed}`);
    const cut = this.device.chaos?.nextCommand(trimmed) ?? null;
    if (cut === null) return this.dispatch(line, trimmed);
    // Chaos: the session drops part way through this command's output (at its end if it prints less).
    this.term.cutAfter(cut, () => {
      this.state.log('chaos', `session-drop: after ${cut} characters of "${trimmed}"`);
      this.device.closeSession(this);
    });
    try {
      await this.dispatch(line, trimmed);
    } finally {
      this.term.cutNow();
    }
  }

  private async dispatch(line: string, trimmed: string): Promise<void> {
    const [commandPart, ...pipes] = trimmed.split(/\s+\|\s+/);
    let filter: ((text: string) => string) | null = null;
    if (pipes.length > 0) {
      filter = pipeFilter(pipes.join(' | '));
      if (!filter) return this.invalid(line, line.indexOf('|'));
    }
    const tokens = tokenize(commandPart);
    await this.hangIfAsked(tokens.map((t) => t.text));
    let node: CommandNode | Handler = COMMANDS[this.mode];
    let i = 0;
    const path: string[] = [];
    for (; i < tokens.length; i++) {
      if (typeof node === 'function') break;
      const t = tokens[i];
      const keys: string[] = Object.keys(node).filter((k) => k !== '');
      const exact: string | undefined = keys.find((k) => k.toLowerCase() === t.text.toLowerCase());
      const matches: string[] = exact ? [exact] : keys.filter((k) => k.toLowerCase().startsWith(t.text.toLowerCase()) && !k.startsWith('<'));
      const param: string | undefined = keys.find((k) => k.startsWith('<'));
      if (matches.length === 1) {
        path.push(matches[0]);
        node = (node as CommandNode)[matches[0]];
      }
      else if (matches.length > 1) return this.write(`% Ambiguous command:  "${commandPart}"\n`);
      else if (param) {
        node = (node as CommandNode)[param]; // the handler receives this token and the rest
        break;
      } else return this.invalid(line, t.start);
    }
    if (typeof node !== 'function') {
      const fallback = node[''];
      if (typeof fallback !== 'function') return this.write('% Incomplete command.\n\n');
      node = fallback;
    }
    const args = tokens.slice(i).map((t) => t.text);
    // The exec prints the header before the command runs: a pipe does not filter it.
    if (this.execTimestamp && path[0] === 'show') await this.term.write(timestampHeader(this.state));
    if (filter) {
      const captured: string[] = [];
      await (node as Handler)(this.withCapture(captured), args, commandPart);
      return this.term.page(this.monitor.output(filter(captured.join(''))));
    }
    return (node as Handler)(this, args, commandPart);
  }

  /** Output through the pager (honours terminal length). */
  async out(text: string): Promise<void> {
    await this.term.page(this.monitor.output(text));
  }

  /**
   * A command the device was told to hang on (the `hung` fault): it echoes,
   * then nothing comes back for a long while; its output is late, if the
   * line is still there to print it.
   */
  private async hangIfAsked(words: string[]): Promise<void> {
    const hang = this.state.hangOn;
    const at = hang.findIndex((c) => {
      const full = c.split(' ');
      return full.length === words.length && full.every((w, j) => w.startsWith(words[j].toLowerCase()));
    });
    if (at < 0) return;
    hang.splice(at, 1);
    this.state.log('hung', words.join(' '));
    const until = Date.now() + this.device.clock.ms(this.device.timings.hungMs);
    while (Date.now() < until && !this.term.closed) await new Promise((r) => setTimeout(r, Math.min(50, until - Date.now())));
  }

  /** Output as it is produced (no pager): progress, install logs. */
  async write(text: string): Promise<void> {
    await this.term.write(text);
  }

  /** Asks a question and returns the line typed (null when the session dropped); `logged` arrives while it waits. */
  async ask(question: string, echo = true, logged?: string): Promise<string | null> {
    await this.term.write(question);
    const answer = this.term.readLine(echo);
    if (logged) this.monitor.emit(logged);
    return answer;
  }

  /** `[confirm]`: Enter or y confirms, anything else refuses. */
  async confirm(question: string): Promise<boolean> {
    const answer = await this.ask(question);
    if (answer === null) return false;
    const a = answer.trim().toLowerCase();
    return a === '' || a === 'y' || a === 'yes';
  }

  async invalid(line: string, offset: number): Promise<void> {
    await this.term.write(`${' '.repeat(this.prompt().length + Math.max(0, offset))}^\n% Invalid input detected at '^' marker.\n\n`);
  }

  private withCapture(captured: string[]): CliSession {
    const proxy = Object.create(this) as CliSession;
    proxy.out = async (text: string) => void captured.push(text.endsWith('\n') ? text : `${text}\n`);
    return proxy;
  }
}

interface Token { text: string; start: number }

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ text: m[0], start: m.index });
  return out;
}

function pipeFilter(spec: string): ((text: string) => string) | null {
  const m = /^(include|exclude|begin|section|count|i|in|inc|e|ex|b|be|beg|s|sec)\s+(.+)$/i.exec(spec.trim());
  if (!m) return null;
  const verb = m[1].toLowerCase()[0] === 'i' ? 'include' : m[1].toLowerCase()[0] === 'e' ? 'exclude' : m[1].toLowerCase()[0] === 'b' ? 'begin' : m[1].toLowerCase()[0] === 's' ? 'section' : 'count';
  let re: RegExp;
  try {
    re = new RegExp(m[2]);
  } catch {
    return null;
  }
  return (text) => {
    const lines = text.replace(/\n$/, '').split('\n');
    if (verb === 'include') return lines.filter((l) => re.test(l)).join('\n') + '\n';
    if (verb === 'exclude') return lines.filter((l) => !re.test(l)).join('\n') + '\n';
    if (verb === 'count') return `Number of lines which match regexp = ${lines.filter((l) => re.test(l)).length}\n`;
    const at = lines.findIndex((l) => re.test(l));
    return at < 0 ? '' : lines.slice(at).join('\n') + '\n';
  };
}
