// `upshift parse --platform iosxe --command "show …" [--verbose] [FILE]`:
// structured JSON from a saved device output (stdin when no file is given).
// --verbose adds the lines the parser did not understand (`unparsedLines`).
import { readFileSync } from 'node:fs';
import { parseIosxe, ParseError, PARSED_COMMANDS, unparsedLinesOf } from '../../drivers/iosxe/parsers/index.js';
import { UsageError } from '../errors.js';

export async function parseCommand(opts: { platform?: unknown; command?: unknown; verbose?: unknown }, args: string[]): Promise<number> {
  const platform = String(opts.platform ?? '').toLowerCase();
  const command = String(opts.command ?? '');
  if (platform !== 'iosxe') throw new UsageError(`parse: --platform "${platform}" has no parsers (known: iosxe)`);
  let text: string;
  try {
    text = args[0] ? readFileSync(args[0], 'utf8') : readFileSync(0, 'utf8');
  } catch (err) {
    throw new UsageError(`parse: cannot read ${args[0] ?? 'standard input'}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let result: object | null;
  try {
    result = parseIosxe(command, text);
  } catch (err) {
    if (err instanceof ParseError) throw new UsageError(`parse: ${err.message}`);
    throw err;
  }
  if (result === null) throw new UsageError(`parse: no parser for "${command}" (known: ${PARSED_COMMANDS.join(', ')})`);
  const shown = opts.verbose === true ? { ...result, unparsedLines: unparsedLinesOf(result) } : result;
  process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  return 0;
}
