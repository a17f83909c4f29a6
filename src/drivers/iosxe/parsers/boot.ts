// show boot: classic "BOOT path-list :", Gibraltar per-switch blocks, chassis "BOOT variable ="
import { ParseError, firstLine, outputLines } from './common.js';

export interface ShowBoot {
  bootVariable: string[];
  configRegister: string | null;
  manualBoot: boolean | null;
  members: { number: number; bootVariable: string[] }[];
}

const CMD = 'show boot';

function split(value: string): string[] {
  // "flash:a.bin;flash:b.bin;" — routers add ",12" (boot attempts) to each entry.
  return value.split(';').map((s) => s.trim().replace(/,\d+$/, '')).filter((s) => s !== '' && !/does not exist/i.test(s));
}

export function parseShowBoot(text: string): ShowBoot {
  const lines = outputLines(text, CMD);
  const out: ShowBoot = { bootVariable: [], configRegister: null, manualBoot: null, members: [] };
  let found = false;
  let member: { number: number; bootVariable: string[] } | null = null;
  let nextReload = false;
  for (const raw of lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Switch (\d+)$/.exec(line))) {
      member = { number: Number(m[1]), bootVariable: [] };
      out.members.push(member);
      nextReload = false;
    } else if (/^Current Boot Variables:/.test(line)) nextReload = false;
    else if (/^Boot Variables on next reload:/.test(line)) nextReload = true;
    else if ((m = /^BOOT path-list\s*:\s*(.*)$/.exec(line))) {
      found = true;
      out.bootVariable = split(m[1]);
    } else if ((m = /^(Standby )?BOOT variable\s*=\s*(.*)$/.exec(line)) || /^(Standby )?BOOT variable does not exist$/.test(line)) {
      if (m?.[1] || /^Standby/.test(line)) continue;
      found = true;
      const value = m ? split(m[2]) : [];
      // In per-switch blocks the "next reload" value is what the switch will boot.
      if (member) {
        if (nextReload || member.bootVariable.length === 0) member.bootVariable = value;
      } else out.bootVariable = value;
    } else if ((m = /^Configuration [Rr]egister is (0x[0-9A-Fa-f]+)/.exec(line))) {
      if (out.configRegister === null) out.configRegister = m[1];
    } else if ((m = /^(?:Manual Boot|MANUAL_BOOT variable)\s*[=:]\s*(yes|no)/i.exec(line))) {
      if (out.manualBoot === null) out.manualBoot = m[1].toLowerCase() === 'yes';
    }
  }
  if (!found) throw new ParseError(CMD, firstLine(lines), 'no boot variable line; first');
  if (out.members.length > 0 && out.bootVariable.length === 0) out.bootVariable = out.members[0].bootVariable;
  return out;
}
