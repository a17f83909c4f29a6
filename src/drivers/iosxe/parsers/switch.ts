// show switch / show switch detail (stack and StackWise Virtual members)
import { ParseError, firstLine, outputLines } from './common.js';

export interface SwitchTable { members: { number: number; role: string; state: string; mac: string; priority: number }[] }

const ROW = /^\s*\*?\s*(\d+)\s+(\S+)\s+([0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})\s+(\d+)\s+(?:(\S+)\s+)?(\S.*?)\s*$/i;

export function parseShowSwitch(text: string, command = 'show switch'): SwitchTable {
  const lines = outputLines(text, command);
  const out: SwitchTable = { members: [] };
  let inTable = false;
  let otherSection = false;
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    if (/^Switch#\s+Role\s+Mac Address/.test(line.trim())) {
      inTable = true;
      otherSection = false;
      continue;
    }
    if (/^(Switch\/Stack Mac Address|Mac persistency wait time|\s*H\/W\s+Current)/.test(line) || /^-+$/.test(line.trim())) continue;
    if (/Stack Port Status|Port 1\s+Port 2|^\s*Switch#\s+Port/.test(line)) {
      otherSection = true;
      continue;
    }
    if (otherSection) continue;
    const m = ROW.exec(line);
    if (m && inTable) out.members.push({ number: Number(m[1]), role: m[2], mac: m[3], priority: Number(m[4]), state: m[6] });
    else throw new ParseError(command, line);
  }
  if (!inTable) throw new ParseError(command, firstLine(lines), 'no "Switch# Role Mac Address" header; first');
  return out;
}
