// The shapes of the lines an IOS-XE terminal prints besides a command's own
// output: the exec prompt, asynchronous log messages (`terminal monitor`) and
// the exec timestamp header. The one place these patterns are written: the
// session layer (session-noise.ts, prompt.ts) and the parsers
// (parsers/capture-lines.ts) both build on them, so a live session and a
// saved output are read alike. docs/devices/iosxe-sessions.md, sections 3
// and 4, describes the forms and where they come from.

/**
 * A prompt's name: the hostname (at most 63 characters, as IOS allows) and the
 * configuration mode in brackets, without the `#` or `>` that ends it.
 */
export const PROMPT_NAME = String.raw`[A-Za-z0-9][\w.:/-]{0,62}(?:\([\w.-]+\))?`;

/** A prompt: `sw1#`, `sw1>`, `sw1(config-if)#`. */
export const PROMPT = `${PROMPT_NAME}[>#]`;

// The clock of `service timestamps log`: a date (`Mar  1 00:00:07.123`, with a
// year, milliseconds, a zone and its offset), a time only, or the uptime
// (`1w2d`, `2d03h`, `1d2h3m`).
const DATETIME = String.raw`[A-Z][a-z]{2}[ \t]+\d{1,2}(?:[ \t]+\d{4})?[ \t]+\d{1,2}:\d\d:\d\d(?:\.\d{1,6})?(?:[ \t]+[A-Za-z]{2,6}(?:[+-]\d{1,2})?)?`;
const TIME = String.raw`\d{1,2}:\d\d:\d\d(?:\.\d{1,6})?`;
const UPTIME = String.raw`\d+[ywdh]\d+[wdhms](?:\d+[hms])?`;

/**
 * A log message: `[000123: ][*|.][<clock>: ]%FACILITY[-SUBFACILITY]-SEVERITY-MNEMONIC: text`.
 * `*`: the clock was never set; `.`: it lost its NTP synchronisation.
 */
export const LOG_LINE = new RegExp(String.raw`^(?:\d{1,10}:[ \t]*)?[*.]?(?:(?:${DATETIME}|${TIME}|${UPTIME}):[ \t]*)?%[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*-[0-7]-[A-Za-z0-9_]+[ \t]*:`);

/**
 * A message that starts inside a line (right after another message that
 * ended without a line break, or text it interrupted). Only with a clock:
 * a bare `%X-5-Y:` inside a line is too common in other text to cut at.
 */
const LOG_INSIDE = new RegExp(String.raw`(?:\d{1,10}:[ \t]*)?[*.]?(?:${DATETIME}|${TIME}|${UPTIME}):[ \t]*%[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*-[0-7]-[A-Za-z0-9_]+[ \t]*:`, 'g');

/** Where a log message starts inside a line (after its first character, and after a message the line starts with), or -1. */
export function logInsideAt(line: string): number {
  if (!line.includes('%')) return -1;
  const head = LOG_LINE.exec(line);
  LOG_INSIDE.lastIndex = head ? head[0].length : 1;
  const m = LOG_INSIDE.exec(line);
  return m ? m.index : -1;
}

/** The text of a log line after its `…%FACILITY-SEVERITY-MNEMONIC:` header: the message, and whatever was printed after it on the line. */
export function afterLogHeader(line: string): string {
  const head = LOG_LINE.exec(line);
  return head ? line.slice(head[0].length).trim() : line;
}

/**
 * The words of a result or refusal (`FAILED:`, `SUCCESS: install_…`,
 * `%Error …`, `Invalid input detected`): after a message's header they may
 * belong to the device's own output glued after the message.
 */
// Not word-bounded: glued text starts right after the message's last character (`…SPA.binFAILED: …`).
export const RESULT_WORDS = /FAILED|SUCCESS|Error|Invalid input|[Aa]uthorization failed|Operation aborted/;

/** Whether a text may hold log messages at all (the cheap test before a line scan). */
export const mayHoldLog = (text: string): boolean => text.includes('%');

/** A log message line, as printed (no leading blanks). */
export const isLogLine = (line: string): boolean => line.includes('%') && LOG_LINE.test(line);

/** The first line of the `exec prompt timestamp` header. */
export const LOAD_LINE = /^Load for five secs: \d+%\/\d+%; one minute: \d+%; five minutes: \d+%\s*$/;
/** Its second line: the clock and its source (`No time source, *…` when the clock was never set). */
export const TIME_SOURCE_LINE = /^(?:Time source is .*|No time source, .*)$/;

/** A line of the timestamp header or a log message, blanks around it allowed (saved outputs are often indented). */
export function isNoiseLine(line: string): boolean {
  const t = line.trim();
  return LOAD_LINE.test(t) || TIME_SOURCE_LINE.test(t) || isLogLine(t);
}
