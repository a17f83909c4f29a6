// show boot. Forms: classic switches (`BOOT path-list : …`, per member under
// `Switch 2` / `--------` on stacks); chassis and routers (`BOOT variable = …`,
// `Standby BOOT variable = …` for the second supervisor); Cat9k from 16.12 on,
// per member: `Switch 1` with "Current Boot Variables" and "Boot Variables on
// next reload". Routers add a boot-attempt count to each entry (`x.bin,12;`).
import { KEY_VALUE, RULER, Reader } from './common.js';

export interface ShowBoot {
  bootVariable: string[];
  configRegister: string | null;
  manualBoot: boolean | null;
  members: { number: number; bootVariable: string[] }[];
  unparsed: number;
}

function split(value: string): string[] {
  return value.split(';').map((s) => s.trim().replace(/,\d+$/, '')).filter((s) => s !== '' && !/does not exist/i.test(s));
}

export function parseShowBoot(text: string, command = 'show boot'): ShowBoot {
  const r = new Reader(text, command, 'show boot');
  const out: Omit<ShowBoot, 'unparsed'> = { bootVariable: [], configRegister: null, manualBoot: null, members: [] };
  let found = false;
  let member: { number: number; bootVariable: string[] } | null = null;
  let nextReload = false;
  const setBoot = (images: string[]) => {
    found = true;
    // In per-switch blocks the "next reload" value is what the switch will boot.
    if (member) {
      if (nextReload || member.bootVariable.length === 0) member.bootVariable = images;
    } else out.bootVariable = images;
  };
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || RULER.test(line)) continue;
    if ((m = /^Switch\s+0*(\d+)$/i.exec(line))) {
      member = { number: Number(m[1]), bootVariable: [] };
      out.members.push(member);
      nextReload = false;
    } else if (/^Current Boot Variables:?$/i.test(line)) nextReload = false;
    else if (/^Boot Variables on next reload:?$/i.test(line)) nextReload = true;
    else if ((m = /^BOOT path-list\s*:\s*(.*)$/.exec(line))) setBoot(split(m[1]));
    else if ((m = /^BOOT variable\s*=\s*(.*)$/.exec(line))) setBoot(split(m[1]));
    else if (/^BOOT variable does not exist$/.test(line)) setBoot([]);
    else if (/^Standby BOOT variable/.test(line)) continue; // the second supervisor's; the active's decides
    else if ((m = /^Configuration [Rr]egister is (0x[0-9A-Fa-f]+)/.exec(line))) out.configRegister ??= m[1];
    else if ((m = /^(?:Manual Boot|MANUAL_BOOT variable)\s*[=:]\s*(yes|no)\b/i.exec(line))) out.manualBoot ??= m[1].toLowerCase() === 'yes';
    else if (/^[A-Z_]+ variable (?:does not exist|=)/.test(line) || KEY_VALUE.test(line) || /^Standby /.test(line)) continue;
    else if (/^(?:NVRAM\/Config file|Timeout for Config|Config Download)$/i.test(line)) continue; // labels whose value is on the next line
    else r.unknown(line);
  }
  r.need(found, 'no "BOOT variable" or "BOOT path-list" line');
  if (out.members.length > 0 && out.bootVariable.length === 0) out.bootVariable = out.members[0].bootVariable;
  return r.done(out);
}
