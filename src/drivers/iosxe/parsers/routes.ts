// show ip route [vrf X] summary: one row per route source, its networks and
// subnets, then `internal` and `Total`. The source may carry a tag (`ospf 10`,
// `bgp 65000`, `isis CORE`) or none (`isis`); the header tells how many number
// columns follow it (15.x and later add `Replicates`), so a numeric tag is told
// from a count by counting from the right.
import { Reader } from './common.js';

export interface RouteSummary { total: number | null; bySource: Record<string, number>; unparsed: number }

const HEADER = /^Route Source\s+Networks\s+Subnets\b/;
// "Intra-area: 0 Inter-area: 0 External-1: 0", "Level 1: 0 Level 2: 0", "External: 0 Internal: 1 Local: 0"
const DETAIL = /^(?:[A-Za-z][\w -]*?: \d+\s*)+$/;

export function parseRouteSummary(text: string, command = 'show ip route summary'): RouteSummary {
  const r = new Reader(text, command, 'show ip route summary');
  const out: Omit<RouteSummary, 'unparsed'> = { total: null, bySource: {} };
  let columns = 0;
  for (const raw of r.lines) {
    const line = raw.trim();
    if (line === '' || /^IP routing table (?:name is|maximum-paths is)/.test(line) || DETAIL.test(line)) continue;
    if (HEADER.test(line)) {
      columns = line.replace(/^Route Source\s+/, '').replace(/Memory \(bytes\)/, 'Memory').split(/\s+/).length;
      continue;
    }
    const words = line.split(/\s+/);
    let numbers = 0;
    while (numbers < words.length - 1 && /^\d+$/.test(words[words.length - 1 - numbers])) numbers++;
    if (columns === 0 || numbers === 0) {
      r.unknown(line);
      continue;
    }
    if (words[0] === 'internal' && words.length <= 3) continue; // networks and memory only; not a route source
    if (numbers < columns) {
      r.unknown(line);
      continue;
    }
    const source = words.slice(0, words.length - columns).join(' ');
    const [networks, subnets] = words.slice(words.length - columns).map(Number);
    if (source === 'Total') out.total = networks + subnets;
    else out.bySource[source] = networks + subnets;
  }
  r.need(columns > 0, 'no "Route Source  Networks  Subnets" header');
  return r.done(out);
}
