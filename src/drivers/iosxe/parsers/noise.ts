// What a captured output carries besides the command's own lines: the echoed
// command (with or without the `host#` prompt, abbreviated or not), a login
// banner before it, the prompt after it, the exec timestamp header and
// asynchronous syslog messages. See docs/devices/iosxe-outputs.md.

/** `terminal exec prompt timestamp` prints these two lines before every output. */
const TIMESTAMP_HEADER = [
  /^Load for five secs: \d+%\/\d+%; one minute: \d+%; five minutes: \d+%\s*$/,
  /^(?:Time source is .*|No time source), [*.]?\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/,
];

// A syslog message on the terminal: an optional sequence number (`000123: `),
// `*` (clock not set) or `.` (clock not synchronised), a timestamp in one of the
// `service timestamps` forms (date with optional year, milliseconds and zone;
// time only; uptime such as `1w2d`), then `%FACILITY[-SUB]-SEVERITY-MNEMONIC:`.
const STAMP = String.raw`(?:[A-Z][a-z]{2}\s+\d{1,2}(?:\s+\d{4})?\s+\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:\s+[A-Za-z]{2,6}(?:[+-]\d{1,2})?)?|\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d+[ywdh]\d+[wdhms])`;
const SYSLOG = new RegExp(String.raw`^(?:\d{1,10}:\s*)?[*.]?(?:${STAMP}:\s*)?%[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*-[0-7]-[A-Z0-9_]+\s*:`);

// An exec prompt: a hostname, an optional mode in brackets, `#` or `>`. Some
// captures drop the hostname and keep only `#`.
const PROMPT = String.raw`(?:[A-Za-z0-9][\w.:/-]*(?:\([\w.-]+\))?)?[#>]`;
const BARE_PROMPT = new RegExp(`^${PROMPT}$`);
// Words an engineer types at the prompt. A line "Switch#  Role …" (a table
// header of show switch) must not pass for a prompt and a command.
const EXEC_WORD = /^(?:sh|sho|show|dir|more|term|termi|termin|termina|terminal|ping|copy|verify|install|reload|wr|write|exit|en|enable|conf|config|configure|clear|debug|undebug|traceroute|do)\b/i;
const PROMPTED = new RegExp(`^${PROMPT}\\s*(\\S.*)$`);

export function isNoise(line: string): boolean {
  const t = line.trim();
  return TIMESTAMP_HEADER.some((re) => re.test(t)) || SYSLOG.test(t);
}

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
