// The shape of a command's answer in a CLI session: its echo, each output of
// commands typed ahead, the lines around an error.

/** Each command's output from the answer to commands typed ahead; null if an echo is not where it should be. */
export function splitTypedAhead(text: string, prompt: string, commands: string[]): string[] | null {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < commands.length; i++) {
    const next = i + 1 < commands.length ? text.indexOf(`\n${prompt}${commands[i + 1]}\n`, at) : text.length;
    if (next < 0) return null;
    out.push(stripEcho(text.slice(at, next), commands[i]));
    at = next + 1;
  }
  return out;
}

/** A command's output without the echo of the command (its first line). */
export function stripEcho(output: string, command: string): string {
  const nl = output.indexOf('\n');
  const first = nl < 0 ? output : output.slice(0, nl);
  // The echo may be scrolled ("$…tail") or cut; it is always the first line.
  if (first.trim() === '' || command.includes(first.replace(/^\$/, '').trim()) || first.includes(command.slice(-20))) return nl < 0 ? '' : output.slice(nl + 1);
  return output;
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
