// show ip interface brief. Status may be two words (`administratively down`).
import { Reader } from './common.js';

export interface InterfaceBrief { interfaces: { name: string; address: string | null; status: string; protocol: string }[]; unparsed: number }

const HEADER = /^Interface\s+IP-Address\s+OK\?\s+Method\s+Status\s+Protocol/i;
const ROW = /^(\S+)\s+(\S+)\s+(YES|NO)\s+(\S+)\s+(.+?)\s+(up|down)$/;

export function parseInterfaceBrief(text: string, command = 'show ip interface brief'): InterfaceBrief {
  const r = new Reader(text, command, 'show ip interface brief');
  const out: Omit<InterfaceBrief, 'unparsed'> = { interfaces: [] };
  let header = false;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '') continue;
    if (HEADER.test(line)) header = true;
    else if ((m = ROW.exec(line))) out.interfaces.push({ name: m[1], address: m[2] === 'unassigned' ? null : m[2], status: m[5], protocol: m[6] });
    else r.unknown(line);
  }
  r.need(header || out.interfaces.length > 0, 'no "Interface IP-Address OK? Method Status Protocol" header');
  return r.done(out);
}
