// show redundancy: the system section, then the current (local) and the peer
// processor. An `Image Version =` value runs on over the lines that follow it
// (the software banner, copyright, compile date) until the next `key = value`.
import { KEY_VALUE, RULER, Reader, isRelease, normalizeVersion } from './common.js';

export interface Redundancy {
  configuredMode: string | null;
  operatingMode: string | null;
  peerState: string | null;
  switchovers: number | null;
  localState: string | null;
  hardwareMode: string | null;
  localVersion: string | null;
  peerVersion: string | null;
  unparsed: number;
}

type Section = 'system' | 'current' | 'peer';

export function parseRedundancy(text: string, command = 'show redundancy'): Redundancy {
  const r = new Reader(text, command, 'show redundancy');
  const out: Omit<Redundancy, 'unparsed'> = {
    configuredMode: null, operatingMode: null, peerState: null, switchovers: null, localState: null, hardwareMode: null, localVersion: null, peerVersion: null,
  };
  let section: Section = 'system';
  let inImage = false;
  const setVersion = (value: string) => {
    // A version at the very end of the line may be cut by the wrap ("12.2(20)EWA(3" / ".92)"): not read.
    const m = /,\s*Version\s+([^\s,]+)(?=[,\s])/.exec(value);
    if (!m || !isRelease(m[1])) return;
    if (section === 'current') out.localVersion ??= normalizeVersion(m[1]);
    else if (section === 'peer') out.peerVersion ??= normalizeVersion(m[1]);
  };
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || RULER.test(line)) continue;
    const keyValue = /^([A-Za-z][\w /()-]*?)\s*=\s*(.*)$/.exec(line);
    if (inImage && !keyValue) {
      setVersion(line); // the wrapped banner may carry the version on its second line
      continue;
    }
    inImage = false;
    if (/^Redundant System Information\s*:?$/.test(line)) section = 'system';
    else if (/^Current Processor Information\s*:?$/.test(line)) section = 'current';
    else if (/^Peer Processor Information\s*:?$/.test(line)) section = 'peer';
    else if ((m = /^Peer \(slot: [^)]*\) information is not available because it is in '([^']+)' state/.exec(line))) out.peerState = m[1];
    else if (/^Peer processor is not present/i.test(line)) out.peerState = 'NOT PRESENT';
    else if (keyValue) {
      const [, key, value] = keyValue;
      const v = value.trim() === '' ? null : value.trim();
      if (key === 'Configured Redundancy Mode') out.configuredMode = v;
      else if (key === 'Operating Redundancy Mode') out.operatingMode = v;
      else if (key === 'Hardware Mode') out.hardwareMode = v;
      else if (key === 'Switchovers system experienced' && v && /^\d+$/.test(v)) out.switchovers = Number(v);
      else if (key === 'Current Software state') {
        if (section === 'current') out.localState = v;
        else if (section === 'peer') out.peerState = v;
      } else if (key === 'Image Version') {
        inImage = true;
        setVersion(value);
      }
    } else if (!KEY_VALUE.test(line)) r.unknown(line);
  }
  r.need(out.configuredMode !== null || out.operatingMode !== null, 'no "Redundancy Mode = …" line');
  return r.done(out);
}
