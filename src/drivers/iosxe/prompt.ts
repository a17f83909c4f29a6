// What an IOS-XE prompt looks like: any prompt-shaped last line (while the
// real prompt is not known yet), and the device's own prompt once it is.
import type { Matcher } from '../ssh/channel.js';

export const PROMPTISH = /(?:^|\n)([A-Za-z0-9][\w.:/-]{0,62}(?:\([\w.-]+\))?[>#])[ \t]*$/;

/** Prompt-shaped starts of lines anywhere in a text (not only at its end). */
const PROMPT_ANYWHERE = /(?:^|\n)([A-Za-z0-9][\w.:/-]{0,62}(?:\([\w.-]+\))?[>#])/g;

/**
 * The device's own prompt: a prompt-shaped last line starting with its name
 * (config mode cuts long names to 20 characters). One shared regex and a
 * string check: a regex compiled per device cost more than all its matching.
 */
export class PromptMatcher implements Matcher {
  constructor(private readonly prefix: string, private readonly exact: string | null = null) {}

  exec(text: string): RegExpExecArray | null {
    const m = PROMPTISH.exec(text);
    if (!m) return null;
    if (this.exact !== null) return m[1] === this.exact && m[0].startsWith('\n') ? m : null;
    return m[1].startsWith(this.prefix) ? m : null;
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }

  /** Two of the device's prompts, the second at the end: the answer to two commands sent together. */
  twice(): Matcher {
    return {
      exec: (text) => {
        const last = this.exec(text);
        if (!last) return null;
        PROMPT_ANYWHERE.lastIndex = 0;
        for (let m = PROMPT_ANYWHERE.exec(text); m && m.index < last.index; m = PROMPT_ANYWHERE.exec(text)) {
          if (!m[1].startsWith(this.prefix)) continue;
          const whole = Object.assign([text.slice(m.index), m[1]], { index: m.index, input: text }) as unknown as RegExpExecArray;
          return whole;
        }
        return null;
      },
    };
  }
}
