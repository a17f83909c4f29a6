// The shape of a command's answer in a CLI session: its echo, each output of
// commands typed ahead, the lines around an error; log messages and the
// timestamp header taken out (session-noise.ts), a message that may hide
// output marked (DOUBT) for the session to settle.
import { withoutLog, withoutTimestampHeader } from './session-noise.js';

/**
 * A command's output from everything the device printed for it, up to and
 * including the prompt that ended it (`atPrompt`): without log messages, the
 * echo, the timestamp header and that prompt; a message inside the output
 * stays, marked.
 */
export function commandOutput(answer: string, command: string, promptPrefix: string, atPrompt: boolean): string {
  let text = withoutLog(answer, promptPrefix, { commands: [command], mark: true });
  if (atPrompt) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
  return withoutTimestampHeader(stripEcho(text, command));
}

/** The answer to commands typed ahead, up to and including the last prompt, without log messages (those inside an output marked) and that prompt. */
export function typedAheadAnswer(answer: string, promptPrefix: string, commands: string[]): string {
  const text = withoutLog(answer, promptPrefix, { commands, mark: true });
  return text.slice(0, Math.max(0, text.lastIndexOf('\n')));
}

/** Each command's output from the answer to commands typed ahead; null if an echo is not where it should be. */
export function splitTypedAhead(text: string, prompt: string, commands: string[]): string[] | null {
  const out: string[] = [];
  let at = 0;
  // The last command may print nothing: its echo then ends the text without a line break.
  const searched = `${text}\n`;
  for (let i = 0; i < commands.length; i++) {
    const next = i + 1 < commands.length ? searched.indexOf(`\n${prompt}${commands[i + 1]}\n`, at) : text.length;
    if (next < 0) return null;
    out.push(withoutTimestampHeader(stripEcho(text.slice(at, next), commands[i])));
    at = next + 1;
  }
  return out;
}

/** A command's output without the echo of the command (its first line, after any blank ones). */
export function stripEcho(output: string, command: string): string {
  // A prompt printed again after a log message can leave a blank line before the echo.
  const start = /^(?:[ \t]*\n)*/.exec(output)![0].length;
  const nl = output.indexOf('\n', start);
  const first = nl < 0 ? output.slice(start) : output.slice(start, nl);
  // The echo may be scrolled ("$…tail") or cut, or follow the prompt; it is the first line that is not blank.
  if (first.trim() === '' || command.includes(first.replace(/^\$/, '').trim()) || first.includes(command.slice(-20))) return nl < 0 ? '' : output.slice(nl + 1);
  return start > 0 ? output.slice(start) : output;
}

/** The line at `at` with the two lines before it: an error in its context. */
export function context(text: string, at: number): string {
  const lines = text.split('\n');
  let pos = 0;
  for (let i = 0; i < lines.length; i++) {
    pos += lines[i].length + 1;
    if (pos > at) return lines.slice(Math.max(0, i - 2), i + 1).join('\n');
  }
  return text;
}
