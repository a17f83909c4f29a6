// show ip bgp [family] [vrf X] summary, show bgp … summary. A preamble of
// counters, then the neighbour table; `show bgp all summary` repeats both per
// address family. A long (IPv6) neighbour address wraps onto its own line;
// dynamic neighbours are marked with `*`.
import { Reader } from './common.js';

export interface BgpSummary {
  neighbors: { address: string; asn: string; state: string; prefixesReceived: number | null; addressFamily: string | null }[];
  unparsed: number;
}

const HEADER = /^Neighbor\s+V\s+AS\s+MsgRcvd\s+MsgSent/i;
const ROW = /^\*?(\S+)\s+(\d)\s+(\d+(?:\.\d+)?)\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+(\S+)\s+(.+?)$/;
const PREAMBLE = [
  /^BGP (?:router identifier|table version|using|activity|nexthop)\b/i,
  /^\d+(?:\/\d+)? .*\busing \d+ (?:total )?bytes of memory$/,
  /^\d+ (?:received paths|multipath network|networks peaked|paths? peaked)/,
  /^\*? ?Dynamically created\b/i,
  /^Total dynamically created neighbors/i,
  /^BGP peergroup \S+ listen range group members:?$/i,
];
// The listen ranges printed under "BGP peergroup X listen range group members:".
const LISTEN_RANGE = /^[\da-fA-F.:]+\/\d+$/;

export function parseBgpSummary(text: string, command = 'show ip bgp summary'): BgpSummary {
  const r = new Reader(text, command, 'show ip bgp summary');
  const out: Omit<BgpSummary, 'unparsed'> = { neighbors: [] };
  let family: string | null = null;
  let understood = false;
  let inTable = false;
  let pending: string | null = null;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '') {
      inTable = false;
      continue;
    }
    if (/^%\s*BGP not active/i.test(line)) understood = true; // BGP is not running: no neighbours
    else if ((m = /^For address family:\s*(.+)$/.exec(line))) [family, inTable] = [m[1].trim(), false];
    else if (HEADER.test(line)) understood = inTable = true;
    else if (PREAMBLE.some((re) => re.test(line))) [understood, inTable] = [true, false];
    else if (!inTable && LISTEN_RANGE.test(line)) continue;
    else if (inTable && (m = ROW.exec(pending ? `${pending} ${line}` : line))) {
      pending = null;
      const count = /^\d+$/.test(m[5]) ? Number(m[5]) : null;
      out.neighbors.push({ address: m[1], asn: m[3], state: count === null ? m[5] : 'Established', prefixesReceived: count, addressFamily: family });
    } else if (inTable && /^\*?[\da-fA-F:.]+$/.test(line) && pending === null) pending = line;
    else {
      if (pending !== null) r.unknown(pending);
      pending = null;
      r.unknown(line);
    }
  }
  if (pending !== null) r.unknown(pending);
  r.need(understood, 'no "BGP router identifier" line or neighbour table');
  return r.done(out);
}
