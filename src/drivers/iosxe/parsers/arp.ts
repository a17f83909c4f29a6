// show ip arp [vrf X] [address|interface]; also `show arp`. Rows without an
// interface (an incomplete entry, an SRP entry) keep interface null; columns
// after the interface (private VLAN `pv 202`) are not read.
import { Reader } from './common.js';

export interface ArpTable { entries: { address: string; mac: string; interface: string | null }[]; unparsed: number }

const HEADER = /^Protocol\s+Address\s+Age\s*\(min\)\s+Hardware Addr\s+Type\s+Interface/i;
const ROW = /^(?:Internet|IPv4)\s+(\d{1,3}(?:\.\d{1,3}){3})\s+(?:\d+|-)\s+(\S+)\s+(\S+)(?:\s+(\S+))?(?:\s+.*)?$/;

export function parseArp(text: string, command = 'show ip arp'): ArpTable {
  const r = new Reader(text, command, 'show ip arp');
  const out: Omit<ArpTable, 'unparsed'> = { entries: [] };
  let header = false;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '') continue;
    if (HEADER.test(line)) header = true;
    else if ((m = ROW.exec(line))) out.entries.push({ address: m[1], mac: m[2], interface: m[4] ?? null });
    else r.unknown(line);
  }
  r.need(header || out.entries.length > 0, 'no "Protocol Address Age (min) Hardware Addr Type Interface" header');
  return r.done(out);
}
