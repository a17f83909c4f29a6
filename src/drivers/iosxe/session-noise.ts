// Log messages and the timestamp header in a live session's text: look past
// messages at the end of the text (prompt and question matching) and take
// them, and the header, out of an answer. Pure functions over the shapes of
// terminal-lines.ts; docs/devices/iosxe-sessions.md describes what a real
// terminal does with them.
import type { Matcher } from '../ssh/channel.js';
import { isLogLine, LOAD_LINE, mayHoldLog, PROMPT, TIME_SOURCE_LINE } from './terminal-lines.js';

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
 * The text without log lines, put back as the device would have printed it
 * without them. A message that interrupted a prompt line ("sw1#" + message +
 * "show version") is taken out and the line joined again; a prompt printed
 * again after it ("sw1#show ver" + message + "sw1#show version") replaces
 * the interrupted one; between output lines it simply goes.
 */
export function withoutLog(text: string, promptPrefix = ''): string {
  if (!mayHoldLog(text)) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  const promptOf = (l: string) => {
    const m = PROMPT_START.exec(l);
    return m && m[1].startsWith(promptPrefix) ? m[1] : null;
  };
  for (let i = 0; i < lines.length; i++) {
    if (!isLogLine(lines[i])) {
      out.push(lines[i]);
      continue;
    }
    let j = i;
    while (j + 1 < lines.length && isLogLine(lines[j + 1])) j++;
    i = j;
    const before = out.at(-1);
    const after = lines[j + 1];
    // At the very end without a line break (at a question), or between output lines: the message just goes.
    if (after === undefined || before === undefined) continue;
    // Printed again after the message, the line the message interrupted: the prompt and what was typed.
    const again = promptOf(after);
    if (again !== null && before.trim() !== '' && !before.startsWith(again) && after.slice(again.length).startsWith(before)) {
      out.pop();
      continue;
    }
    const prompt = promptOf(before);
    if (prompt === null) continue;
    // Printed again after the message: the prompt with what was typed so far.
    if (after !== '' && after.startsWith(before)) out.pop();
    else if (before.trimEnd() === prompt) {
      // A bare prompt: the message came before anything was echoed.
      if (after !== '' && promptOf(after) !== null) out.pop();
      else {
        out[out.length - 1] = before + after;
        i++;
      }
    }
  }
  return out.join('\n');
}

/** An output without the `exec prompt timestamp` header (load line, time line, blank line) it starts with. */
export function withoutTimestampHeader(output: string): string {
  if (!output.startsWith('Load for five secs') && !output.startsWith('\nLoad for five secs')) return output;
  const lines = output.split('\n');
  let i = lines[0] === '' ? 1 : 0;
  if (!LOAD_LINE.test(lines[i] ?? '')) return output;
  i++;
  if (TIME_SOURCE_LINE.test(lines[i] ?? '')) i++;
  if ((lines[i] ?? 'x').trim() === '') i++;
  return lines.slice(i).join('\n');
}

/** A matcher run on the last `size` characters only (from a line start): an end-anchored pattern need not rescan a long output at every chunk. */
export function onTail(m: Matcher, size: number): Matcher {
  return {
    exec(text: string) {
      if (text.length <= size) return m.exec(text);
      const from = text.lastIndexOf('\n', text.length - size) + 1;
      const r = m.exec(text.slice(from));
      if (r) {
        r.index += from;
        r.input = text;
      }
      return r;
    },
  };
}
