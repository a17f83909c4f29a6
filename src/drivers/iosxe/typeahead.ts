// Commands typed ahead together: when their answer is complete, and which
// command a device that stopped answering was at. Pure functions over the
// text received; the session does the writing and reading.
import type { Matcher } from '../ssh/channel.js';
import { DeviceError } from '../errors.js';
import { withoutLog } from './session-noise.js';
import { onTail } from './log-tail.js';
import { mayHoldLog } from './terminal-lines.js';
import type { PromptMatcher } from './prompt.js';

/** How far back of the new text an echo split by messages is looked for (a few messages' worth). */
const ECHO_REACH = 4096;

/**
 * Complete when the last command's echo, after a prompt, is followed by a
 * prompt at the end. Called on every chunk: the echo is searched only in
 * what is new and the final prompt only in the last lines, so a long output
 * is not rescanned; with log messages about, the text is searched without them.
 */
export function typedAheadComplete(prompt: string, promptRe: PromptMatcher, lastCommand: string): Matcher {
  const lastEcho = `\n${prompt}${lastCommand}\n`;
  let echoAt = -1;
  let searched = 0;
  // The final prompt: in the last lines before the messages that end the text, and after the last echo.
  const end = onTail(promptRe, 512, { from: () => echoAt + 1 });
  return {
    exec: (text) => {
      if (echoAt < 0) {
        const from = Math.max(0, searched - lastEcho.length);
        echoAt = text.indexOf(lastEcho, from);
        // A message between the prompt and the echo splits the echo's line: look again without messages,
        // in the new text and a few lines before it (not the whole answer at every chunk: a long configuration).
        // (Or the echo was glued at the end of the message's line.)
        if (echoAt < 0) {
          const near = text.slice(text.lastIndexOf('\n', Math.max(0, from - ECHO_REACH)) + 1);
          if (mayHoldLog(near) && withoutLog(near, promptRe.prefix, { commands: [lastCommand] }).includes(lastEcho)) echoAt = Math.max(0, text.lastIndexOf(`${lastCommand}\n`) - 1);
        }
        searched = text.length;
        if (echoAt < 0) return null;
      }
      return end.exec(text);
    },
  };
}

/** The command a typed-ahead answer stopped at: the last one whose echo arrived (the first if none did). */
export function stoppedAt(text: string, prompt: string, commands: string[]): string {
  const clean = withoutLog(text, prompt.replace(/[>#]$/, ''), { commands });
  for (let i = commands.length - 1; i > 0; i--) if (clean.includes(`\n${prompt}${commands[i]}\n`)) return commands[i];
  return commands[0];
}

/** A typed-ahead read's timeout, naming the command the device stopped at rather than the whole list. */
export function timedOutAt(err: DeviceError, text: string, prompt: string, commands: string[]): DeviceError {
  const detail = err.detail.replace(`"${commands.join('", "')}"`, `"${stoppedAt(text, prompt, commands)}" (typed ahead with ${commands.length - 1} other read-only commands)`);
  return new DeviceError(err.device, err.step, 'timeout', detail, err.deviceSaid);
}
