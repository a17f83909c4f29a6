// One interactive CLI session on a simulated device: modes (> # (config)#),
// prompts, command dispatch with IOS abbreviations, `| include` style pipes,
// and the interactive questions ([confirm], [y/n], [yes/no]) as a real box asks them.
import type { Terminal } from './terminal.js';
import type { IosxeSimDevice } from './device.js';
import { COMMANDS, type CommandNode, type Handler } from './commands.js';

export type Mode = 'user' | 'enable' | 'config';

export class CliSession {
  mode: Mode;
  private ended = false;

  constructor(readonly device: IosxeSimDevice, readonly term: Terminal, privileged: boolean) {
    this.mode = privileged ? 'enable' : 'user';
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
  }

  async run(motd: string): Promise<void> {
    if (motd) await this.term.write(`\n${motd}\n`);
    while (!this.ended && !this.term.closed) {
      await this.term.write(`\n${this.prompt()}`);
      const line = await this.term.readLine();
      if (line === null) break;
      await this.execute(line);
    }
  }

  /** Runs one command line in the current mode. */
  async execute(line: string): Promise<void> {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('!')) return;
    this.state.log('command', `${this.prompt()}${trimmed}`);
    const [commandPart, ...pipes] = trimmed.split(/\s+\|\s+/);
    let filter: ((text: string) => string) | null = null;
    if (pipes.length > 0) {
      filter = pipeFilter(pipes.join(' | '));
      if (!filter) return this.invalid(line, line.indexOf('|'));
    }
    const tokens = tokenize(commandPart);
    let node: CommandNode | Handler = COMMANDS[this.mode];
    let i = 0;
    for (; i < tokens.length; i++) {
      if (typeof node === 'function') break;
      const t = tokens[i];
      const keys: string[] = Object.keys(node).filter((k) => k !== '');
      const exact: string | undefined = keys.find((k) => k.toLowerCase() === t.text.toLowerCase());
      const matches: string[] = exact ? [exact] : keys.filter((k) => k.toLowerCase().startsWith(t.text.toLowerCase()) && !k.startsWith('<'));
      const param: string | undefined = keys.find((k) => k.startsWith('<'));
      if (matches.length === 1) node = (node as CommandNode)[matches[0]];
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
    if (filter) {
      const captured: string[] = [];
      await (node as Handler)(this.withCapture(captured), args, commandPart);
      return this.term.page(filter(captured.join('')));
    }
    return (node as Handler)(this, args, commandPart);
  }

  /** Output through the pager (honours terminal length). */
  async out(text: string): Promise<void> {
    await this.term.page(text);
  }

  /** Output as it is produced (no pager): progress, install logs. */
  async write(text: string): Promise<void> {
    await this.term.write(text);
  }

  /** Asks a question and returns the line typed (null when the session dropped). */
  async ask(question: string, echo = true): Promise<string | null> {
    await this.term.write(question);
    return this.term.readLine(echo);
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
