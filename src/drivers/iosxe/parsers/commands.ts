// Which parsed command a command line is, in any of the forms an engineer
// types: abbreviated words (`sh ip int br`), a VRF, an OSPF process or an
// interface, any file system for `dir`, and an output filter (`| include …`).

export type CommandId =
  | 'show version' | 'dir' | 'show install summary' | 'show install rollback' | 'show redundancy' | 'show switch' | 'show boot'
  | 'show ip route summary' | 'show ip arp' | 'show ip bgp summary' | 'show ip ospf neighbor' | 'show ip interface brief';

/** A keyword and every abbreviation of it from `min` characters on (IOS accepts any unambiguous prefix). */
function kw(word: string, min = 2): string {
  const tails: string[] = [];
  for (let n = word.length; n >= min; n--) tails.push(word.slice(0, n));
  return `(?:${tails.join('|')})`;
}

const SHOW = kw('show');
const ARG = String.raw`\S+`;

const FORMS: [CommandId, RegExp][] = [
  ['show version', new RegExp(`^${SHOW} ${kw('version', 3)}$`)],
  // dir, dir bootflash:, dir /all flash-2:, dir /recursive bootflash:core
  ['dir', new RegExp(String.raw`^dir(?: /[a-z]+)*(?: ${ARG})?$`)],
  ['show install summary', new RegExp(`^${SHOW} ${kw('install', 3)} ${kw('summary')}$`)],
  ['show install rollback', new RegExp(`^${SHOW} ${kw('install', 3)} ${kw('rollback', 2)}$`)],
  ['show redundancy', new RegExp(`^${SHOW} ${kw('redundancy', 3)}$`)],
  ['show switch', new RegExp(`^${SHOW} ${kw('switch', 3)}(?: ${kw('detail', 3)})?$`)],
  ['show boot', new RegExp(`^${SHOW} (?:boot|bootvar)(?: ${kw('system', 3)})?$`)],
  ['show ip route summary', new RegExp(`^${SHOW} ip ${kw('route')}(?: vrf ${ARG})? ${kw('summary')}$`)],
  // show ip arp, show arp, with a VRF, an address, an interface or a MAC; not the summary or statistics forms
  ['show ip arp', new RegExp(`^${SHOW} (?:ip )?arp(?: vrf ${ARG})?(?: (?!${kw('summary')}$|${kw('statistics', 3)}$|${kw('detail', 3)}$|inspection)${ARG})?$`)],
  // show ip bgp summary, show bgp all summary, show ip bgp vpnv4 vrf X summary, show bgp ipv4 unicast summary
  ['show ip bgp summary', new RegExp(`^${SHOW} (?:ip )?bgp(?: ${ARG}){0,4} ${kw('summary')}$`)],
  // show ip ospf neighbor, show ip ospf 10 neighbor, show ip ospf neighbor Gi4 (not the detail form)
  ['show ip ospf neighbor', new RegExp(`^${SHOW} ip ${kw('ospf')}(?: \\d+)? ${kw('neighbor')}(?: (?!${kw('detail', 3)}$|${kw('summary')}$)${ARG})?$`)],
  ['show ip interface brief', new RegExp(`^${SHOW} ip ${kw('interface', 3)} ${kw('brief')}(?: ${ARG}){0,2}$`)],
];

export interface CommandForm { id: CommandId; filtered: boolean }

/** The parsed command a command line is, or null; `filtered` when an output modifier (`| …`) cuts lines. */
export function commandForm(line: string): CommandForm | null {
  const bar = line.indexOf('|');
  const filtered = bar >= 0;
  const base = (filtered ? line.slice(0, bar) : line).trim().replace(/\s+/g, ' ').toLowerCase();
  const hit = FORMS.find(([, re]) => re.test(base));
  return hit ? { id: hit[0], filtered } : null;
}

/** The forms accepted, for the "no parser for" message. */
export const PARSED_COMMANDS = [
  'show version', 'dir [<filesystem>:]', 'show install summary', 'show install rollback', 'show redundancy', 'show switch [detail]', 'show boot',
  'show ip route [vrf <name>] summary', 'show ip arp [vrf <name>] [<address>|<interface>]', 'show ip bgp [<family>] [vrf <name>] summary',
  'show ip ospf [<process>] neighbor [<interface>]', 'show ip interface brief',
];
