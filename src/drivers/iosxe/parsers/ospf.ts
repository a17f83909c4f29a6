// show ip ospf [process] neighbor [interface]. The state carries the role
// after a slash, "-" when there is none (`FULL/  -`, printed with spaces).
import { Reader } from './common.js';

export interface OspfNeighbors { neighbors: { routerId: string; state: string; address: string; interface: string }[]; unparsed: number }

const HEADER = /^Neighbor ID\s+Pri\s+State\s+Dead Time\s+Address\s+Interface/i;
const IP = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const ROW = new RegExp(String.raw`^(${IP})\s+(\d+)\s+([A-Z0-9]+\/\s*(?:-|[A-Z]+))\s+(\d+:\d+:\d+|-|\S+)\s+(${IP})\s+(\S+)(?:\s+.*)?$`);

export function parseOspfNeighbors(text: string, command = 'show ip ospf neighbor'): OspfNeighbors {
  const r = new Reader(text, command, 'show ip ospf neighbor');
  const out: Omit<OspfNeighbors, 'unparsed'> = { neighbors: [] };
  let understood = false;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '') continue;
    if (HEADER.test(line) || /^OSPF Router with ID/i.test(line)) understood = true;
    // The device's way of saying there is no OSPF (for this process): no neighbours.
    else if (/^%\s*OSPF:?\s*No router process/i.test(line)) understood = true;
    else if ((m = ROW.exec(line))) out.neighbors.push({ routerId: m[1], state: m[3].replace(/\s+/g, ' '), address: m[5], interface: m[6] });
    else r.unknown(line);
  }
  r.need(understood || out.neighbors.length > 0, 'no "Neighbor ID Pri State Dead Time Address Interface" header');
  return r.done(out);
}
