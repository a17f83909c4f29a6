// show install summary: one block per group of members or route processors
// (`[ Switch 1 2 ]`, `[ R0 R1 ]`, `[ Chassis 1/R0 Chassis 2/R0 ]`), a package
// table and, from 16.9 on, the auto-abort timer line.
import { Reader, RULER, isRelease, normalizeVersion } from './common.js';

export interface InstallSummary {
  packages: { type: string; state: string; version: string; location: string | null }[];
  autoAbortTimer: string | null;
  uncommitted: boolean;
  unparsed: number;
}

const LEGEND = [/^State \(St\):/, /^[A-Z] - [A-Z][a-z]+(?: & [A-Z][a-z]+)?,/, /^Type\s+St\s+Filename\/Version$/];

export function parseInstallSummary(text: string, command = 'show install summary'): InstallSummary {
  const r = new Reader(text, command, 'show install summary');
  const out: Omit<InstallSummary, 'unparsed'> = { packages: [], autoAbortTimer: null, uncommitted: false };
  let location: string | null = null;
  let sawHeader = false;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || RULER.test(line) || LEGEND.some((re) => re.test(line))) continue;
    if ((m = /^\[\s*(.*?)\s*\]\s+Installed Package\(s\) Information:?$/.exec(line))) {
      location = m[1];
      sawHeader = true;
    } else if ((m = /^([A-Z][A-Za-z]{1,7})\s+([IUCD])\s+(\S+)$/.exec(line))) {
      out.packages.push({ type: m[1], state: m[2], version: isRelease(m[3]) ? normalizeVersion(m[3]) : m[3], location });
    } else if ((m = /^Auto abort timer:\s*(.*)$/i.exec(line))) {
      out.autoAbortTimer = /^inactive$/i.test(m[1].trim()) || m[1].trim() === '' ? null : m[1].trim();
    } else r.unknown(line);
  }
  r.need(sawHeader, 'no "Installed Package(s) Information" header');
  out.uncommitted = out.packages.some((p) => p.state === 'U' || p.state === 'D');
  return r.done(out);
}
