// `upshift parse`: every parser by the command that produces its input.
import { commandForm, type CommandId } from './commands.js';
import { parseDir } from './dir.js';
import { parseInstallSummary } from './install.js';
import { parseInstallRollback } from './rollback.js';
import { parseRedundancy } from './redundancy.js';
import { parseShowBoot } from './boot.js';
import { parseShowSwitch } from './switch.js';
import { parseShowVersion } from './version.js';
import { parseArp, parseBgpSummary, parseInterfaceBrief, parseOspfNeighbors, parseRouteSummary } from './tables.js';

export { ParseError, unparsedLinesOf } from './common.js';
export { PARSED_COMMANDS } from './commands.js';

const PARSERS: Record<CommandId, (text: string, command: string) => object> = {
  'show version': parseShowVersion,
  dir: parseDir,
  'show install summary': parseInstallSummary,
  'show install rollback': parseInstallRollback,
  'show redundancy': parseRedundancy,
  'show switch': parseShowSwitch,
  'show boot': parseShowBoot,
  'show ip route summary': parseRouteSummary,
  'show ip arp': parseArp,
  'show ip bgp summary': parseBgpSummary,
  'show ip ospf neighbor': parseOspfNeighbors,
  'show ip interface brief': parseInterfaceBrief,
};

/** Parses an IOS-XE output; null when upshift has no parser for the command. */
export function parseIosxe(command: string, text: string): object | null {
  const form = commandForm(command);
  return form ? PARSERS[form.id](text, command.trim().replace(/\s+/g, ' ')) : null;
}
