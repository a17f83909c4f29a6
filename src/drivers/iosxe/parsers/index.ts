// `upshift parse`: every parser by the command that produces its input.
import { parseDir } from './dir.js';
import { parseInstallSummary } from './install.js';
import { parseRedundancy } from './redundancy.js';
import { parseShowBoot } from './boot.js';
import { parseShowSwitch } from './switch.js';
import { parseShowVersion } from './version.js';
import { parseArp, parseBgpSummary, parseInterfaceBrief, parseOspfNeighbors, parseRouteSummary } from './tables.js';

export { ParseError } from './common.js';

const PARSERS: [RegExp, (text: string, command: string) => unknown][] = [
  [/^sh(ow?)? ver(sion)?$/, parseShowVersion],
  [/^dir(\s+\S+)?$/, (t, c) => parseDir(t, c)],
  [/^sh(ow?)? install sum(mary)?$/, parseInstallSummary],
  [/^sh(ow?)? red(undancy)?$/, parseRedundancy],
  [/^sh(ow?)? switch( detail)?$/, (t, c) => parseShowSwitch(t, c)],
  [/^sh(ow?)? boot$/, parseShowBoot],
  [/^sh(ow?)? ip route summary$/, parseRouteSummary],
  [/^sh(ow?)? ip arp$/, parseArp],
  [/^sh(ow?)? ip bgp summary$/, parseBgpSummary],
  [/^sh(ow?)? ip ospf neighbor$/, parseOspfNeighbors],
  [/^sh(ow?)? ip int(erface)? br(ief)?$/, parseInterfaceBrief],
];

export const PARSED_COMMANDS = ['show version', 'dir <filesystem>', 'show install summary', 'show redundancy', 'show switch', 'show boot', 'show ip route summary', 'show ip arp', 'show ip bgp summary', 'show ip ospf neighbor', 'show ip interface brief'];

/** Parses an IOS-XE output; null when upshift has no parser for the command. */
export function parseIosxe(command: string, text: string): unknown | null {
  const c = command.trim().replace(/\s+/g, ' ').toLowerCase();
  const entry = PARSERS.find(([re]) => re.test(c));
  return entry ? entry[1](text, command.trim()) : null;
}
