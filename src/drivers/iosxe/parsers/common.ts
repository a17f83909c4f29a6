// Shared by the IOS-XE parsers: the pre-cleaning every parser gets (echo,
// banner, prompt, timestamp header and syslog lines out), the count of lines a
// parser did not understand, and the one error they raise.
import { commandForm, type CommandId } from './commands.js';
import { dedent, isBarePrompt, normalise, promptedCommand, unpromptedCommand } from './capture-lines.js';
import { isNoiseLine } from '../terminal-lines.js';

export { normalizeVersion } from '../../../common/versions.js';

/** An output that is not the command's at all, or lacks what the command always prints. */
export class ParseError extends Error {
  constructor(readonly command: string, why: string, readonly line: string | null = null) {
    super(`${command}: ${why}${line === null ? '' : ` (first line: ${JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line)})`}`);
  }
}

// The lines a parser counted as unparsed, kept beside the result rather than in
// it: the JSON of `upshift parse` carries only their number unless --verbose.
const UNPARSED = new WeakMap<object, string[]>();

/** The lines a parser did not understand, in order (empty for a result not from a Reader). */
export function unparsedLinesOf(result: object): string[] {
  return UNPARSED.get(result) ?? [];
}

// Device answers that mean the command was refused, whatever the command.
const REFUSED = /^%\s*(?:Invalid input|Incomplete command|Ambiguous command|Unknown command|Unrecognized command|Invalid command|Error|Bad IP address|Permission denied|Authorization failed)/i;

/**
 * The cleaned lines of one command's output and the count of lines the parser
 * could not place. `id` is the command the parser reads; `command` is the form
 * the user gave (for messages, and `| include …` filters that cut lines).
 */
export class Reader {
  readonly lines: string[];
  /** An output modifier (`| include …`) in the command given or in the echo: lines the command always prints may be cut. */
  filtered: boolean;
  private readonly unknownLines: string[] = [];
  /** The echoed command when it is not the one this parser reads. */
  private otherCommand: string | null = null;

  constructor(text: string, readonly command: string, id: CommandId) {
    this.filtered = commandForm(command)?.filtered ?? false;
    let lines = dedent(normalise(text));
    lines = this.afterEcho(lines, id);
    lines = this.beforeNextPrompt(lines);
    this.lines = lines.filter((l) => !isNoiseLine(l));
    const refusal = this.lines.find((l) => REFUSED.test(l.trim()));
    if (refusal !== undefined) throw new ParseError(command, `the device refused the command: ${JSON.stringify(refusal.trim())}`);
    if (this.otherCommand !== null) throw new ParseError(command, `this is the output of another command (${JSON.stringify(this.otherCommand)})`);
    if (!this.filtered && !this.lines.some((l) => l.trim() !== '')) throw new ParseError(command, 'the output is empty');
  }

  /** Drops everything up to the echoed command; refuses the output of another command. */
  private afterEcho(lines: string[], id: CommandId): string[] {
    const firstAt = lines.findIndex((l) => l.trim() !== '');
    if (firstAt < 0) return lines;
    let echoAt = -1;
    let echoed = unpromptedCommand(lines[firstAt]);
    if (echoed !== null) echoAt = firstAt;
    // A login banner or commands such as `terminal length 0` may come first: look a little further for `host#show …`.
    for (let i = firstAt; i < Math.min(lines.length, firstAt + 60) && echoAt < 0; i++) {
      const c = promptedCommand(lines[i]);
      if (c !== null && /^(?:sh|sho|show|dir)\b/i.test(c)) [echoAt, echoed] = [i, c];
    }
    if (echoAt < 0 || echoed === null) return lines;
    const form = commandForm(echoed);
    if (form?.id !== id) this.otherCommand = echoed;
    else if (form.filtered) this.filtered = true;
    return lines.slice(echoAt + 1);
  }

  /** Cuts at the prompt that ends the output; what follows it is another command's and counts as unparsed. */
  private beforeNextPrompt(lines: string[]): string[] {
    const at = lines.findIndex((l) => isBarePrompt(l) || promptedCommand(l) !== null);
    if (at < 0) return lines;
    for (const l of lines.slice(at)) if (l.trim() !== '' && !isBarePrompt(l)) this.unknownLines.push(l.trim());
    return lines.slice(0, at);
  }

  /** Counts a line the parser does not understand (blank lines never count). */
  unknown(line: string): void {
    if (line.trim() !== '') this.unknownLines.push(line.trim());
  }

  /** The first non-blank line, for errors about an output that is not the command's. */
  get firstLine(): string | null {
    return this.lines.find((l) => l.trim() !== '')?.trim() ?? null;
  }

  /** Refuses an output that lacks what the command always prints (unless a filter cut it). */
  need(present: boolean, what: string): void {
    if (!present && !this.filtered) throw new ParseError(this.command, `not the output of this command: ${what}`, this.firstLine);
  }

  /** The result with its `unparsed` count; the lines themselves stay available to unparsedLinesOf. */
  done<T extends object>(result: T): T & { unparsed: number } {
    const out = { ...result, unparsed: this.unknownLines.length };
    UNPARSED.set(out, [...this.unknownLines]);
    return out;
  }
}

/** Key/value lines (`Model Number : C9300-48P`, `Hardware Mode = Duplex`): structure a parser knows even when it needs no value. */
export const KEY_VALUE = /^[A-Za-z][\w ./()&'-]*?\s*[:=](?:\s.*)?$/;

/** Ruler lines of dashes or equals signs. */
export const RULER = /^[-=\s]{3,}$/;

/** "1 year, 22 weeks, 6 days, 9 hours, 38 minutes" → seconds; null if any part is unknown. */
export function uptimeSeconds(text: string): number | null {
  const unit: Record<string, number> = { year: 31_536_000, week: 604_800, day: 86_400, hour: 3_600, minute: 60, second: 1 };
  let total = 0;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)\s+(year|week|day|hour|minute|second)s?$/.exec(part);
    if (!m) return null;
    total += Number(m[1]) * unit[m[2]];
  }
  return total;
}

/** A release number (`17.9.5`, `16.12.04`, `03.06.05E`, `15.2(7)E4`), not a build label (`BLD_…`, `V169_5_SR…`). */
export function isRelease(version: string): boolean {
  return /^\d+\.\d+(?:\.\d+|\(\d)/.test(version) && !version.includes(':');
}

/** Lines without \r, a leading echo and a trailing prompt, for the small outputs read inside the driver. */
export function outputLines(text: string): string[] {
  const lines = normalise(text);
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  if (lines.length > 0 && promptedCommand(lines[0]) !== null) lines.shift();
  while (lines.length > 0 && (lines.at(-1)!.trim() === '' || isBarePrompt(lines.at(-1)!))) lines.pop();
  return lines;
}
