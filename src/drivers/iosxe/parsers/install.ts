// show install summary
import { ParseError, firstLine, normalizeVersion, outputLines } from './common.js';

export interface InstallSummary {
  packages: { type: string; state: string; version: string; location: string | null }[];
  autoAbortTimer: string | null;
  uncommitted: boolean;
}

const CMD = 'show install summary';

export function parseInstallSummary(text: string): InstallSummary {
  const lines = outputLines(text, CMD);
  const out: InstallSummary = { packages: [], autoAbortTimer: null, uncommitted: false };
  let location: string | null = null;
  let sawHeader = false;
  for (const raw of lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || /^-+$/.test(line) || /^Type\s+St\s+Filename\/Version$/.test(line)) continue;
    if ((m = /^\[\s*(.*?)\s*\]\s+Installed Package\(s\) Information:$/.exec(line))) {
      location = m[1];
      sawHeader = true;
    } else if (/^State \(St\):/.test(line) || /^C - Activated & Committed/.test(line)) continue;
    else if ((m = /^(IMG|SMU|PKG|APSP|APDP|ROMMON|Base)\s+([IUCD])\s+(\S+)$/.exec(line))) {
      out.packages.push({ type: m[1], state: m[2], version: /^\d+(\.\d+)+/.test(m[3]) ? normalizeVersion(m[3]) : m[3], location });
    } else if ((m = /^Auto abort timer:\s*(.*)$/.exec(line))) {
      out.autoAbortTimer = /^inactive$/i.test(m[1].trim()) ? null : m[1].trim();
    } else throw new ParseError(CMD, raw);
  }
  if (!sawHeader) throw new ParseError(CMD, firstLine(lines), 'no "Installed Package(s) Information" header; first');
  out.uncommitted = out.packages.some((p) => p.state === 'U' || p.state === 'D');
  return out;
}
