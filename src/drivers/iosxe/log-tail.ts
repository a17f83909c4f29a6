// End-anchored matching on a growing terminal text whose end may be any
// number of log messages: a line that ignores `terminal no monitor` logs
// without pause, so the messages after a prompt grow without bound while the
// read looks for that prompt (docs/devices/iosxe-sessions.md, section 3.2).
// A LogTail follows where the trailing messages begin as the text grows,
// looking at each line once; `onTail` scans only the last characters before
// them, so a long output is not rescanned at every chunk either.
import type { Matcher } from '../ssh/channel.js';
import { isLogLine } from './terminal-lines.js';

/** A message line, or the traceback line some messages continue on. */
const inMessages = (line: string): boolean => isLogLine(line) || line.startsWith('-Traceback=');

/** How many first characters identify the text a LogTail follows (a read that consumed it starts another). */
const HEAD = 32;

export class LogTail {
  private head = '';
  /** The characters just before `checked`: with `head`, whether a text still extends the one classified. */
  private mark = '';
  /** Complete lines are classified up to here. */
  private checked = 0;
  /** The line break before the first of the trailing complete message lines; null when the last complete line is none. */
  private run: number | null = null;

  /**
   * Where the messages that end the text begin: the index of the line break
   * before the first of them, or the text's length when it does not end in
   * messages (an unfinished last line that is not one yet included).
   */
  start(text: string): number {
    if (text.length < this.checked || !text.startsWith(this.head) || !text.startsWith(this.mark, this.checked - this.mark.length)) {
      this.checked = 0;
      this.run = null;
    }
    this.head = text.slice(0, HEAD);
    let pos = this.checked;
    for (let nl = text.indexOf('\n', pos); nl >= 0; nl = text.indexOf('\n', pos)) {
      // The text's first line has nothing before it to end: it starts no run.
      if (!inMessages(text.slice(pos, nl))) this.run = null;
      else if (this.run === null && pos > 0) this.run = pos - 1;
      pos = nl + 1;
    }
    this.checked = pos;
    this.mark = text.slice(Math.max(0, pos - HEAD), pos);
    const last = text.slice(pos);
    if (last !== '' && !(pos > 0 && inMessages(last))) return text.length;
    if (this.run !== null) return this.run;
    return last !== '' ? pos - 1 : text.length;
  }
}

/**
 * A matcher run on the last `size` characters before the messages that end
 * the text (from a line start). When messages end it, the pattern is tried on
 * the text before them, and a match spans to the end, so that the messages
 * are consumed with it. One per read: it follows that read's text.
 */
export function onTail(m: Matcher, size: number, opts: { from?: () => number } = {}): Matcher {
  const tail = new LogTail();
  return {
    exec(text: string) {
      const cut = tail.start(text);
      const windowFrom = cut <= size ? 0 : text.lastIndexOf('\n', cut - size) + 1;
      const from = Math.max(windowFrom, opts.from?.() ?? 0);
      const before = cut < text.length && from < cut;
      const r = m.exec(before ? text.slice(from, cut) : from > 0 ? text.slice(from) : text);
      if (!r) return null;
      r.index += from;
      if (before) r[0] = text.slice(r.index);
      r.input = text;
      return r;
    },
  };
}
