// show switch / show switch detail: stack and StackWise Virtual members.
// Header forms: Cat9k/3850 (`Switch# Role Mac Address Priority Version State`
// under `H/W Current`), classic 3750 without the H/W version column
// (`Switch# Role Mac Address Priority State`); roles Active/Standby/Member or
// Master/Member. `show switch detail` adds the stack-port tables, skipped.
import { RULER, Reader } from './common.js';

export interface SwitchTable {
  members: { number: number; role: string; state: string; mac: string; priority: number }[];
  unparsed: number;
}

const HEADER = /^Switch#?\s+Role\s+Mac Address\s+Priority\b/i;
const ROW = /^\*?\s*(\d+)\s+(\S+)\s+([0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})\s+(\d+)\s*(.*)$/i;
// A hardware version: V02, 0, 4, A0 — never a state word.
const HW_VERSION = /^(?:V\d+|\d+|[A-Z]\d)$/;
const OTHER_SECTION = /Stack Port Status|^Switch#?\s+Port\s+1\b|Stack Port\b.*Neighbors|^Switch#?\s+Stack Port/i;

export function parseShowSwitch(text: string, command = 'show switch'): SwitchTable {
  const r = new Reader(text, command, 'show switch');
  const out: Omit<SwitchTable, 'unparsed'> = { members: [] };
  let inTable = false;
  let other = false;
  let hasHwColumn = true;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || RULER.test(line)) continue;
    if (HEADER.test(line)) {
      [inTable, other] = [true, false];
      hasHwColumn = /Priority\s+(?:H\/W\s+)?Version/i.test(line);
    } else if (OTHER_SECTION.test(line)) [inTable, other] = [false, true];
    else if (other) continue; // stack-port tables of `show switch detail`
    else if (/^(Switch\/Stack Mac Address|Mac persistency wait time|H\/W\s+Current|Current$)/i.test(line)) continue;
    else if (inTable && (m = ROW.exec(line))) {
      const rest = m[5].trim().split(/\s+/).filter(Boolean);
      // With the H/W column, a first word that looks like a version is it; a blank H/W leaves only the state.
      if (hasHwColumn && rest.length > 1 && HW_VERSION.test(rest[0])) rest.shift();
      if (rest.length === 0) r.unknown(line);
      else out.members.push({ number: Number(m[1]), role: m[2], mac: m[3], priority: Number(m[4]), state: rest.join(' ') });
    } else r.unknown(line);
  }
  r.need(out.members.length > 0 || r.lines.some((l) => HEADER.test(l.trim())), 'no "Switch# Role Mac Address Priority" header');
  return r.done(out);
}
