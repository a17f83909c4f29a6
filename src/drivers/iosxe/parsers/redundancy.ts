// show redundancy
import { ParseError, firstLine, normalizeVersion, outputLines } from './common.js';

export interface Redundancy {
  configuredMode: string | null;
  operatingMode: string | null;
  peerState: string | null;
  switchovers: number | null;
  localState: string | null;
  hardwareMode: string | null;
  localVersion: string | null;
  peerVersion: string | null;
}

const CMD = 'show redundancy';

export function parseRedundancy(text: string): Redundancy {
  const lines = outputLines(text, CMD);
  const out: Redundancy = { configuredMode: null, operatingMode: null, peerState: null, switchovers: null, localState: null, hardwareMode: null, localVersion: null, peerVersion: null };
  let section: 'system' | 'current' | 'peer' = 'system';
  for (const raw of lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (/^Current Processor Information/.test(line)) section = 'current';
    else if (/^Peer Processor Information/.test(line)) section = 'peer';
    else if ((m = /^Configured Redundancy Mode = (.+)$/.exec(line))) out.configuredMode = m[1].trim();
    else if ((m = /^Operating Redundancy Mode = (.+)$/.exec(line))) out.operatingMode = m[1].trim();
    else if ((m = /^Hardware Mode = (.+)$/.exec(line))) out.hardwareMode = m[1].trim();
    else if ((m = /^Switchovers system experienced = (\d+)/.exec(line))) out.switchovers = Number(m[1]);
    else if ((m = /^Current Software state = (.+)$/.exec(line))) {
      if (section === 'current') out.localState = m[1].trim();
      else if (section === 'peer') out.peerState = m[1].trim();
    } else if ((m = /^Peer \(slot: \S+\) information is not available because it is in '([^']+)' state/.exec(line))) out.peerState = m[1];
    else if (/^Peer processor is not present/i.test(line) && section === 'peer') out.peerState = 'NOT PRESENT';
    else if ((m = /^Image Version = .*?Version ([^\s,]+)/.exec(line))) {
      if (section === 'current') out.localVersion = normalizeVersion(m[1]);
      else if (section === 'peer') out.peerVersion = normalizeVersion(m[1]);
    }
  }
  if (out.configuredMode === null && out.operatingMode === null) throw new ParseError(CMD, firstLine(lines), 'no "Redundancy Mode" line; first');
  return out;
}
