// Shared by the IOS-XE parsers: clean line splitting and the one error they
// raise, which names the command and the first line it could not place.
export { normalizeVersion } from '../../../common/versions.js';

export class ParseError extends Error {
  constructor(readonly command: string, readonly line: string, why = 'cannot read') {
    super(`${command}: ${why} line ${JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line)}`);
  }
}

const ECHO = /^[\w.:/-]+(?:\([\w.-]+\))?[#>]\s*\S.*$/;
const PROMPT = /^[\w.:/-]+(?:\([\w.-]+\))?[#>]\s*$/;

/**
 * Output lines without \r, without a leading echoed "host#command" line and a
 * trailing prompt (captured outputs often carry them).
 */
export function outputLines(text: string, command: string): string[] {
  const lines = text.replace(/\r/g, '').split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  if (lines.length > 0 && ECHO.test(lines[0]) && lines[0].includes(command.split(' ')[0])) lines.shift();
  while (lines.length > 0 && (lines.at(-1)!.trim() === '' || PROMPT.test(lines.at(-1)!.trim()))) lines.pop();
  return lines;
}

/** The first non-empty line, for "cannot read" errors on outputs with no recognisable line at all. */
export function firstLine(lines: string[]): string {
  return lines.find((l) => l.trim() !== '') ?? '(empty output)';
}

/** "1 year, 22 weeks, 6 days, 9 hours, 38 minutes" → seconds; null if any part is unknown. */
export function uptimeSeconds(text: string): number | null {
  const unit: Record<string, number> = { year: 31_536_000, week: 604_800, day: 86_400, hour: 3_600, minute: 60, second: 1 };
  let total = 0;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)\s+(year|week|day|hour|minute|second)s?$/.exec(part);
    if (!m) return null;
    total += Number(m[1]) * unit[m[2]];
  }
  return total;
}
