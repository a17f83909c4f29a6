// show version
import { ParseError, firstLine, normalizeVersion, outputLines, uptimeSeconds } from './common.js';

export interface SwitchMember { number: number; model: string | null; serial: string | null; version: string | null; mode: 'install' | 'bundle' | null }
export interface ShowVersion {
  hostname: string | null;
  version: string | null;
  image: string | null;
  bootMode: 'install' | 'bundle' | null;
  model: string | null;
  serial: string | null;
  uptime: string | null;
  uptimeSeconds: number | null;
  configRegister: string | null;
  lastReloadReason: string | null;
  switches: SwitchMember[];
}

const CMD = 'show version';

export function parseShowVersion(text: string): ShowVersion {
  const lines = outputLines(text, CMD);
  const out: ShowVersion = {
    hostname: null, version: null, image: null, bootMode: null, model: null, serial: null, uptime: null, uptimeSeconds: null,
    configRegister: null, lastReloadReason: null, switches: [],
  };
  let xeVersion: string | null = null;
  let iosVersion: string | null = null;
  let returnedBy: string | null = null;
  let modelNumber: string | null = null;
  let installMode: string | null = null;
  let member: SwitchMember | null = null;
  const memberSerials = new Map<number, string>();
  for (const raw of lines) {
    const line = raw.trimEnd();
    let m: RegExpExecArray | null;
    // Special builds print a label here (V169_5_SR…); the release is then on the next line.
    if ((m = /^Cisco IOS XE Software, Version (\d\S*)/.exec(line))) xeVersion = m[1];
    else if (!iosVersion && (m = /^Cisco IOS Software.*?,\s*Version ([^\s,]+)/.exec(line))) iosVersion = m[1];
    else if ((m = /^(\S+) uptime is (.+)$/.exec(line)) && !out.hostname) {
      out.hostname = m[1];
      out.uptime = m[2].trim();
      out.uptimeSeconds = uptimeSeconds(out.uptime);
    } else if ((m = /^System image file is "([^"]*)"/.exec(line))) out.image = m[1];
    else if ((m = /^Last reload reason: (.*)$/.exec(line))) out.lastReloadReason = m[1].trim();
    else if ((m = /^System returned to ROM by (.+?)(?: at \d.*)?$/.exec(line))) returnedBy = m[1].trim();
    else if ((m = /^[Cc]isco (\S+) \([^)]*\) (?:processor|with)/.exec(line)) && !out.model) out.model = m[1];
    else if ((m = /^Processor board ID ([^\s,]+)/.exec(line))) out.serial = m[1];
    else if ((m = /^Configuration register is (0x[0-9A-Fa-f]+)/.exec(line))) out.configRegister = m[1];
    else if ((m = /^Installation mode is (INSTALL|BUNDLE)/i.exec(line))) installMode = m[1].toLowerCase();
    else if ((m = /^\*?\s*(\d+)\s+\d+\s+(\S+)\s+(\S+)\s+(\S+)\s+(INSTALL|BUNDLE)\s*$/.exec(line))) {
      out.switches.push({ number: Number(m[1]), model: m[2], serial: null, version: normalizeVersion(m[3]), mode: m[5].toLowerCase() as 'install' | 'bundle' });
    } else if ((m = /^Switch (\d+)\s*$/.exec(line))) member = { number: Number(m[1]), model: null, serial: null, version: null, mode: null };
    else if ((m = /^Model [Nn]umber\s+:\s*(\S+)/.exec(line)) && !member) modelNumber = m[1];
    else if ((m = /^System [Ss]erial [Nn]umber\s+:\s*(\S+)/.exec(line))) memberSerials.set(member?.number ?? 1, m[1]);
  }
  const version = xeVersion ?? iosVersion;
  if (!version || !out.hostname) throw new ParseError(CMD, firstLine(lines), version ? 'no "<host> uptime is" line; first' : 'no "Version" line; first');
  out.version = normalizeVersion(version.replace(/,$/, ''));
  out.model = out.model ?? modelNumber;
  out.lastReloadReason = out.lastReloadReason ?? returnedBy;
  for (const s of out.switches) s.serial = memberSerials.get(s.number) ?? null;
  if (out.image) {
    const img = out.image.toLowerCase();
    if (img.endsWith('packages.conf')) out.bootMode = 'install';
    else if (img.endsWith('.bin')) out.bootMode = 'bundle';
  }
  if (!out.bootMode && installMode) out.bootMode = installMode as 'install' | 'bundle';
  if (!out.bootMode && out.switches.length > 0) out.bootMode = out.switches[0].mode;
  return out;
}
