// Log messages and the timestamp header in a live session's text: look past
// messages at the end of the text (prompt and question matching) and take
// them, and the header, out of an answer. Pure functions over the shapes of
// terminal-lines.ts; docs/devices/iosxe-sessions.md describes what a real
// terminal does with them.
import type { Matcher } from '../ssh/channel.js';
import { afterLogHeader, isLogLine, LOAD_LINE, logInsideAt, mayHoldLog, PROMPT, RESULT_WORDS, TIME_SOURCE_LINE } from './terminal-lines.js';

/** A prompt at a line start: `host#`, `host>`, `host(config-if)#`, maybe followed by typed text. */
const PROMPT_START = new RegExp(`^(${PROMPT})`);

/**
 * Where the log lines at the end of a text begin: a prompt or a question
 * followed only by messages ("sw1#\n*Mar  1 …: %LINK-3-UPDOWN: …\n") ends at
 * the returned index. The text's length when it does not end in messages.
 */
export function logTailStart(text: string): number {
  let cut = text.length;
  let pos = text.endsWith('\n') ? text.length - 1 : text.length;
  for (;;) {
    const nl = text.lastIndexOf('\n', pos - 1);
    if (nl < 0) break;
    if (!isLogLine(text.slice(nl + 1, pos))) break;
    cut = nl;
    pos = nl;
  }
  return cut;
}

/**
 * A matcher for the end of the text that also matches when log messages
 * follow: the prompt is not printed again after one. The match then spans
 * to the end, so the messages are consumed with it.
 */
export function pastLogTail(m: Matcher): Matcher {
  return {
    exec(text: string) {
      const direct = m.exec(text);
      if (direct || !mayHoldLog(text)) return direct;
      const cut = logTailStart(text);
      if (cut === text.length) return null;
      const r = m.exec(text.slice(0, cut));
      if (!r) return null;
      r[0] = text.slice(r.index);
      r.input = text;
      return r;
    },
  };
}

/**
 * Marks, in a cleaned answer, a line that started with a log message: IOS
 * often ends a message without a line break, so output may be glued after
 * it, and where the message ends cannot be told (docs/devices/iosxe-sessions.md,
 * section 3). The marked line follows the mark as printed; `settled` decides.
 */
export const DOUBT = '\u0000';

export interface LogOptions {
  /** The commands whose echo may be glued at the end of a message (typed at a prompt the message followed). */
  commands?: string[];
  /** Keep a message that may hide output, marked with DOUBT, instead of dropping it. */
  mark?: boolean;
}

/** Lines with every message that starts inside a line cut off onto a line of its own: the text before it is kept. */
function splitInside(lines: string[]): string[] {
  const out: string[] = [];
  for (let line of lines) {
    for (let at = logInsideAt(line); at > 0; at = logInsideAt(line)) {
      out.push(line.slice(0, at));
      line = line.slice(at);
    }
    out.push(line);
  }
  return out;
}

/**
 * The echo line that a message's line ends with: `before` (a bare prompt, a
 * prompt and what was typed of a command, or nothing at the start of an
 * answer) completed by the end of the message line — the rest of a command,
 * or its start cut with `$` by the line editor. Null when it ends otherwise.
 */
function gluedEcho(before: string, prompt: string, logLine: string, commands: string[]): string | null {
  const typed = before.slice(prompt.length);
  for (const c of commands) {
    if (!c.startsWith(typed) || c === typed) continue;
    const rest = c.slice(typed.length);
    if (logLine.endsWith(rest)) return prompt + c;
    if (!logLine.endsWith('$')) continue;
    // An overlong line: the editor shows its start and a `$` (not less than a few characters, or any line might match).
    for (let k = rest.length - 1; k >= Math.min(8, rest.length); k--) if (logLine.endsWith(`${rest.slice(0, k)}$`)) return prompt + c;
  }
  return null;
}

/**
 * The text without log lines, put back as the device would have printed it
 * without them. A message inside a line is cut off at its clock, the text
 * before it kept. A message that interrupted a prompt line ("sw1#" + message
 * + "show version") is taken out and the line joined again, also when the
 * echo was glued at the end of the message's line; a prompt printed again
 * after it ("sw1#show ver" + message + "sw1#show version") replaces the
 * interrupted one; before the echo and after the last line it just goes.
 * Within an output it goes too, or with `mark` stays marked (DOUBT): text
 * glued after it would be output.
 */
export function withoutLog(text: string, promptPrefix = '', opts: LogOptions = {}): string {
  if (!mayHoldLog(text)) return text;
  const lines = splitInside(text.split('\n'));
  const commands = opts.commands ?? [];
  const out: string[] = [];
  const promptOf = (l: string) => {
    const m = PROMPT_START.exec(l);
    return m && m[1].startsWith(promptPrefix) ? m[1] : null;
  };
  // Whether the answer has begun: a message before anything but blank lines came before the echo.
  let begun = false;
  for (let i = 0; i < lines.length; i++) {
    if (!isLogLine(lines[i])) {
      out.push(lines[i]);
      begun ||= lines[i].trim() !== '';
      continue;
    }
    const first = i;
    let j = i;
    while (j + 1 < lines.length && isLogLine(lines[j + 1])) j++;
    i = j;
    const before = out.at(-1);
    const after = lines[j + 1];
    const prompt = before === undefined ? null : promptOf(before);
    // The echo glued at the end of the message: after a prompt, or at the start of an answer.
    const echoFrom = prompt !== null ? before! : !begun ? '' : null;
    const echo = echoFrom === null ? null : gluedEcho(echoFrom, prompt ?? '', lines[j], commands);
    if (echo !== null) {
      if (prompt !== null) out[out.length - 1] = echo;
      else out.push(echo);
      begun = true;
      continue;
    }
    const doubt = () => {
      if (opts.mark) for (let k = first; k <= j; k++) out.push(DOUBT + lines[k]);
    };
    // Before the echo, or at the very end after a prompt: the message just goes.
    if (before === undefined || !begun) continue;
    if (after === undefined) {
      // The end of an answer that dropped (a reload) may be glued after it.
      if (prompt === null) doubt();
      continue;
    }
    // Printed again after the message, the line the message interrupted: the prompt and what was typed.
    const again = promptOf(after);
    if (again !== null && before.trim() !== '' && !before.startsWith(again) && after.slice(again.length).startsWith(before)) {
      out.pop();
      continue;
    }
    if (prompt === null) {
      doubt();
      continue;
    }
    // Printed again after the message: the prompt with what was typed so far.
    if (after !== '' && after.startsWith(before)) out.pop();
    else if (before.trimEnd() === prompt) {
      // A bare prompt: the message came before anything was echoed.
      if (after !== '' && promptOf(after) !== null) out.pop();
      else if (commands.length === 0 || after === '' || commands.some((c) => c.startsWith(after))) {
        out[out.length - 1] = before + after;
        i++;
      }
    } else if (commands.includes(before.slice(prompt.length) + after)) {
      // Typed in part before the message, the rest of the echo on the line below it.
      out[out.length - 1] = before + after;
      i++;
    } else doubt();
  }
  return out.join('\n');
}

/** How many lines of a cleaned answer are marked as messages that may hide output. */
export function doubtfulLines(text: string): number {
  let n = 0;
  for (let at = text.indexOf(DOUBT); at >= 0; at = text.indexOf(DOUBT, at + 1)) n++;
  return n;
}

/**
 * What becomes of the marked lines: `drop` them (the message alone, as far as
 * anyone can tell); keep of them what holds a result word (`results`: the
 * outcome of an install or a copy must stay searchable for FAILED or
 * SUCCESS, even when it came glued after a message); or `keep` each as the
 * text after the message's header, which a parser then counts as a line it
 * does not know rather than reading less than was printed.
 */
export function settled(text: string, how: 'drop' | 'results' | 'keep'): string {
  if (!text.includes(DOUBT)) return text;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(DOUBT)) out.push(line);
    else if (how === 'keep' || (how === 'results' && RESULT_WORDS.test(afterLogHeader(line.slice(1))))) out.push(afterLogHeader(line.slice(1)));
  }
  return out.join('\n');
}

/** An output without the `exec prompt timestamp` header (load line, time line, blank line) it starts with. */
export function withoutTimestampHeader(output: string): string {
  // A message marked between the echo and the header stays before it.
  if (output.startsWith(DOUBT)) {
    const nl = output.indexOf('\n');
    return nl < 0 ? output : `${output.slice(0, nl + 1)}${withoutTimestampHeader(output.slice(nl + 1))}`;
  }
  if (!output.startsWith('Load for five secs') && !output.startsWith('\nLoad for five secs')) return output;
  const lines = output.split('\n');
  let i = lines[0] === '' ? 1 : 0;
  if (!LOAD_LINE.test(lines[i] ?? '')) return output;
  i++;
  if (TIME_SOURCE_LINE.test(lines[i] ?? '')) i++;
  if ((lines[i] ?? 'x').trim() === '') i++;
  return lines.slice(i).join('\n');
}
