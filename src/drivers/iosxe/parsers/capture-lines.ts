// The lines of a captured output that are not the command's own: the echoed
// command (with or without the `host#` prompt, abbreviated or not), a login
// banner before it, the prompt after it, the exec timestamp header and
// asynchronous log messages (shapes from ../terminal-lines.ts), and the
// terminal artefacts around them. See docs/devices/iosxe-outputs.md.
import { PROMPT_NAME } from '../terminal-lines.js';

// An exec prompt; some captures drop the hostname and keep only `#`.
const PROMPT = `(?:${PROMPT_NAME})?[#>]`;
const BARE_PROMPT = new RegExp(`^${PROMPT}$`);
// Words an engineer types at the prompt. A line "Switch#  Role …" (a table
// header of show switch) must not pass for a prompt and a command.
const EXEC_WORD = /^(?:sh|sho|show|dir|more|term|termi|termin|termina|terminal|ping|copy|verify|install|reload|wr|write|exit|en|enable|conf|config|configure|clear|debug|undebug|traceroute|do)\b/i;
const PROMPTED = new RegExp(`^${PROMPT}\\s*(\\S.*)$`);

/** The command typed on a prompted line (`sw1#show ver` → `show ver`), or null. */
export function promptedCommand(line: string): string | null {
  const m = PROMPTED.exec(line.trim());
  // From configuration mode the command is typed after `do`.
  return m && EXEC_WORD.test(m[1]) ? m[1].trim().replace(/^do\s+/i, '') : null;
}

/** A line that is only a prompt (`sw1#`, `sw1(config)#`, `#`). */
export function isBarePrompt(line: string): boolean {
  return BARE_PROMPT.test(line.trim());
}

/** A first line that is the echo of a command typed without a prompt (`show ver`, `dir flash:`). */
export function unpromptedCommand(line: string): string | null {
  const t = line.trim();
  return /^(?:sh|sho|show|dir)(?:\s+\S+)*$/i.test(t) && /^(?:sh\w*\s+\S|dir\b)/i.test(t) ? t : null;
}

/** Removes terminal artefacts: carriage returns, ANSI colour codes, the pager's `--More--` and its backspaces. */
export function normalise(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*--More--\s*/, '').replace(/[\x08]+\s*[\x08]*/g, '').replace(/\s+$/, ''));
}

/** Removes the indentation every non-blank line shares (outputs pasted from indented documents). */
export function dedent(lines: string[]): string[] {
  let min = Infinity;
  for (const l of lines) if (l.trim() !== '') min = Math.min(min, /^[ \t]*/.exec(l)![0].length);
  return min > 0 && min < Infinity ? lines.map((l) => l.slice(Math.min(min, /^[ \t]*/.exec(l)![0].length))) : lines;
}
