// What an IOS-XE prompt looks like: any prompt-shaped last line (while the
// real prompt is not known yet), and the device's own prompt once it is,
// also when log messages follow it (session-noise.ts).
import type { Matcher } from '../ssh/channel.js';
import { logTailStart, pastLogTail, withoutLog } from './session-noise.js';
import { mayHoldLog, PROMPT } from './terminal-lines.js';

const PROMPT_AT_END = new RegExp(`(?:^|\\n)(${PROMPT})[ \\t]*$`);

/** Any prompt-shaped last line, log messages after it allowed. */
export const PROMPTISH: Matcher & { test(text: string): boolean } = Object.assign(pastLogTail(PROMPT_AT_END), {
  test(text: string) {
    return PROMPTISH.exec(text) !== null;
  },
});

/** Prompt-shaped starts of lines anywhere in a text (not only at its end). */
const PROMPT_ANYWHERE = new RegExp(`(?:^|\\n)(${PROMPT})`, 'g');

/**
 * The device's own prompt: a prompt-shaped last line starting with its name
 * (config mode cuts long names to 20 characters). One shared regex and a
 * string check: a regex compiled per device cost more than all its matching.
 */
export class PromptMatcher implements Matcher {
  constructor(readonly prefix: string, private readonly exact: string | null = null) {}

  private atEnd(text: string): RegExpExecArray | null {
    const m = PROMPT_AT_END.exec(text);
    if (!m) return null;
    if (this.exact !== null) return m[1] === this.exact && m[0].startsWith('\n') ? m : null;
    return m[1].startsWith(this.prefix) ? m : null;
  }

  /** The prompt at the end of the text, or before the log messages that end it (the match then spans them). */
  exec(text: string): RegExpExecArray | null {
    const direct = this.atEnd(text);
    if (direct || !mayHoldLog(text)) return direct;
    const cut = logTailStart(text);
    if (cut === text.length) return null;
    const m = this.atEnd(text.slice(0, cut));
    if (!m) return null;
    m[0] = text.slice(m.index);
    m.input = text;
    return m;
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }

  /**
   * The answer to commands sent together that print nothing: the last
   * command's echo has come, and there are as many prompts after the first
   * command's echo as commands (the last at the end). Counted without log
   * messages, so that a prompt printed again after one is not taken for an
   * answer; an echo of type-ahead as it arrived (all echoes first) counts too.
   */
  answered(commands: string[]): Matcher {
    return {
      exec: (text) => {
        const last = this.exec(text);
        if (!last) return null;
        const before = `${withoutLog(text.slice(0, last.index), this.prefix, { commands })}\n`;
        if (echoEnd(before, commands.at(-1)!) < 0) return null;
        const from = echoEnd(before, commands[0]);
        if (from < 0) return null;
        let count = 1;
        PROMPT_ANYWHERE.lastIndex = 0;
        const after = before.slice(from - 1);
        for (let m = PROMPT_ANYWHERE.exec(after); m && count < commands.length; m = PROMPT_ANYWHERE.exec(after)) if (m[1].startsWith(this.prefix)) count++;
        return count >= commands.length ? last : null;
      },
    };
  }
}

/** Where the first echo of `command` ends (a line that is the command, or a prompt and the command), or -1. */
export function echoEnd(text: string, command: string): number {
  for (let at = text.indexOf(`${command}\n`); at >= 0; at = text.indexOf(`${command}\n`, at + 1)) {
    const prev = at === 0 ? '\n' : text[at - 1];
    if (prev === '\n' || prev === '#' || prev === '>') return at + command.length + 1;
  }
  return -1;
}

/**
 * The prompt that ends a command comes after the command's echo: a prompt
 * printed again after a log message that arrived before the echo is the
 * previous command's, not this one's answer.
 */
export function afterEcho(prompt: Matcher, command: string): Matcher {
  const echo = `${command.slice(-20)}\n`;
  let seen = false;
  let echoAt = -1;
  let searched = 0;
  return {
    exec(text: string) {
      // A read that consumed the text (a question answered) goes on with what came after: the echo is behind it.
      if (text.length < searched) [echoAt, searched] = [-1, 0];
      if (echoAt < 0) {
        echoAt = text.indexOf(echo, Math.max(0, searched - echo.length));
        searched = text.length;
        seen ||= echoAt >= 0;
      }
      if (!seen) return null;
      const r = prompt.exec(text);
      // A bare prompt before the echo, followed only by messages, is the one the command was typed at.
      return r && echoAt >= 0 && r.index < echoAt ? null : r;
    },
  };
}
