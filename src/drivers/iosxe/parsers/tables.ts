// The routing and neighbour tables the post-check compares: route summary,
// ARP, BGP summary, OSPF neighbours, interfaces. Every table row must match;
// a row that does not is an error, never a skipped line.
import { ParseError, firstLine, outputLines } from './common.js';

export interface RouteSummary { total: number | null; bySource: Record<string, number> }
export interface ArpTable { entries: { address: string; mac: string; interface: string | null }[] }
export interface BgpSummary { neighbors: { address: string; asn: string; state: string; prefixesReceived: number | null; addressFamily: string | null }[] }
export interface OspfNeighbors { neighbors: { routerId: string; state: string; address: string; interface: string }[] }
export interface InterfaceBrief { interfaces: { name: string; address: string | null; status: string; protocol: string }[] }

export function parseRouteSummary(text: string): RouteSummary {
  const CMD = 'show ip route summary';
  const lines = outputLines(text, CMD);
  const out: RouteSummary = { total: null, bySource: {} };
  let header = false;
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '' || /^IP routing table (name|maximum-paths)/.test(line)) continue;
    if (/^Route Source\s+Networks\s+Subnets/.test(line)) {
      header = true;
      continue;
    }
    if (/^\s+\S.*:\s*\d+/.test(line)) continue; // "  Intra-area: 0 Inter-area: 0 …" detail lines
    const m = /^(\S+(?: \S+)?)\s+(\d+)(?:\s+(\d+))?(?:\s+\d+)*\s*$/.exec(line);
    if (!m || !header) throw new ParseError(CMD, line);
    const source = m[1];
    const count = Number(m[2]) + Number(m[3] ?? 0);
    if (source === 'Total') out.total = count;
    else if (source !== 'internal') out.bySource[source] = count;
  }
  if (!header) throw new ParseError(CMD, firstLine(lines), 'no "Route Source Networks Subnets" header; first');
  return out;
}

export function parseArp(text: string): ArpTable {
  const CMD = 'show ip arp';
  const lines = outputLines(text, CMD);
  const out: ArpTable = { entries: [] };
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '' || /^Protocol\s+Address\s+Age/.test(line)) continue;
    const m = /^(?:Internet|IPv4)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/.exec(line);
    if (!m) throw new ParseError(CMD, line);
    out.entries.push({ address: m[1], mac: m[3], interface: m[5] ?? null });
  }
  return out;
}

export function parseBgpSummary(text: string): BgpSummary {
  const CMD = 'show ip bgp summary';
  const lines = outputLines(text, CMD);
  const out: BgpSummary = { neighbors: [] };
  if (lines.some((l) => /^% BGP not active/.test(l.trim()))) return out;
  let family: string | null = null;
  let inTable = false;
  let pending: string | null = null;
  let sawHeader = false;
  for (const raw of lines) {
    const line = raw.trimEnd();
    let m: RegExpExecArray | null;
    if ((m = /^For address family: (.+)$/.exec(line.trim()))) {
      family = m[1];
      inTable = false;
      continue;
    }
    if (/^Neighbor\s+V\s+AS\s+MsgRcvd/.test(line)) {
      inTable = true;
      sawHeader = true;
      continue;
    }
    if (!inTable || line.trim() === '') continue; // the preamble before the table varies by release
    const joined = pending ? `${pending} ${line.trim()}` : line;
    pending = null;
    m = /^(\S+)\s+(\d)\s+(\S+)\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+(\S+)\s+(.+?)\s*$/.exec(joined);
    if (!m) {
      if (/^[\da-fA-F:.]+$/.test(line.trim())) {
        pending = line.trim(); // a long (IPv6) neighbour address wraps onto its own line
        continue;
      }
      throw new ParseError(CMD, line);
    }
    const count = /^\d+$/.test(m[5]) ? Number(m[5]) : null;
    out.neighbors.push({ address: m[1], asn: m[3], state: count === null ? m[5] : 'Established', prefixesReceived: count, addressFamily: family });
  }
  if (!sawHeader) throw new ParseError(CMD, firstLine(lines), 'no "Neighbor V AS MsgRcvd" header; first');
  return out;
}

export function parseOspfNeighbors(text: string): OspfNeighbors {
  const CMD = 'show ip ospf neighbor';
  const lines = outputLines(text, CMD);
  const out: OspfNeighbors = { neighbors: [] };
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '' || /^Neighbor ID\s+Pri\s+State/.test(line)) continue;
    const m = /^(\d+\.\d+\.\d+\.\d+)\s+(\d+)\s+(.+?)\s+(\d+:\d+:\d+|-)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) throw new ParseError(CMD, line);
    out.neighbors.push({ routerId: m[1], state: m[3].replace(/\s+/g, ' '), address: m[5], interface: m[6] });
  }
  return out;
}

export function parseInterfaceBrief(text: string): InterfaceBrief {
  const CMD = 'show ip interface brief';
  const lines = outputLines(text, CMD);
  const out: InterfaceBrief = { interfaces: [] };
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '' || /^Interface\s+IP-Address\s+OK\?/.test(line)) continue;
    const m = /^(\S+)\s+(\S+)\s+(YES|NO)\s+(\S+)\s+(.+?)\s+(up|down)\s*$/.exec(line);
    if (!m) throw new ParseError(CMD, line);
    out.interfaces.push({ name: m[1], address: m[2] === 'unassigned' ? null : m[2], status: m[5], protocol: m[6] });
  }
  return out;
}
