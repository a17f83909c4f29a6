// show version
import { Reader, isRelease, normalizeVersion, uptimeSeconds } from './common.js';
import { MemberReader, type SwitchMember } from './version-members.js';
import { KNOWN, LICENSE_START, NOTICE_START } from './version-text.js';

export type { SwitchMember } from './version-members.js';

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
  unparsed: number;
}

// The banner lines that carry the release. 16.x and later print both: the
// first with the zero-padded release (or a build label on engineering and
// special builds), the second with the IOS form, where engineering builds say
// "Experimental Version 17.8.20211003:014100" (a date, not a release).
const XE_BANNER = /^Cisco IOS XE Software,\s*Version\s+(\S+)/;
const IOS_BANNER = /^(?:Cisco IOS Software\b|IOS \(tm\)).*?,\s*(Experimental )?Version\s+([^\s,]+)/;

export function parseShowVersion(text: string, command = 'show version'): ShowVersion {
  const r = new Reader(text, command, 'show version');
  const out: Omit<ShowVersion, 'unparsed'> = {
    hostname: null, version: null, image: null, bootMode: null, model: null, serial: null, uptime: null, uptimeSeconds: null,
    configRegister: null, lastReloadReason: null, switches: [],
  };
  const members = new MemberReader();
  let xe: string | null = null;
  let ios: string | null = null;
  let sawVersion = false;
  let returnedBy: string | null = null;
  let installMode: 'install' | 'bundle' | null = null;
  let notice = false;
  let license = false;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '') {
      notice = false;
      members.read('');
      continue;
    }
    if (notice) continue;
    if (license && isField(line)) license = false;
    if ((m = XE_BANNER.exec(line))) {
      sawVersion = true;
      xe ??= m[1].replace(/,$/, '');
    } else if ((m = IOS_BANNER.exec(line))) {
      sawVersion = true;
      if (!m[1]) ios ??= m[2];
    } else if ((m = /^(\S+) uptime is (.+)$/.exec(line)) && out.hostname === null) {
      out.hostname = m[1];
      out.uptime = m[2].trim();
      out.uptimeSeconds = uptimeSeconds(out.uptime);
    } else if ((m = /^System image file is "([^"]*)"/.exec(line))) out.image = m[1];
    else if ((m = /^Last reload reason:\s*(.*)$/.exec(line))) out.lastReloadReason = m[1].trim() || null;
    else if ((m = /^System returned to ROM by (.+?)(?: at \d.*)?$/.exec(line))) returnedBy = m[1].trim();
    else if ((m = /^[Cc]isco (\S+) \([^)]*\)(?: processor)?(?: \(revision [^)]*\))? with\b/.exec(line)) && out.model === null) out.model = m[1];
    else if ((m = /^Processor board ID ([^\s,]+)/.exec(line))) out.serial ??= m[1];
    else if ((m = /^Configuration register is (0x[0-9A-Fa-f]+)/.exec(line))) out.configRegister = m[1];
    else if ((m = /^Installation mode is (INSTALL|BUNDLE)/i.exec(line))) installMode = m[1].toLowerCase() as 'install' | 'bundle';
    else if (members.read(line)) continue;
    else if (NOTICE_START.some((re) => re.test(line))) notice = true;
    else if (LICENSE_START.test(line)) license = true;
    else if (!license && !KNOWN.some((re) => re.test(line))) r.unknown(line);
  }
  r.need(sawVersion, 'no "Cisco IOS … Version" line');
  out.version = versionOf(xe, ios, members.localRelease);
  out.lastReloadReason ??= returnedBy;
  out.switches = members.members(out.serial);
  out.model ??= members.localModel;
  out.serial ??= members.localSerial;
  out.bootMode = bootModeOf(out.image) ?? installMode ?? members.localMode;
  return r.done(out);
}

/**
 * What an engineering or special build prints instead of its release (the
 * `BLD_…` label, or the date of an `Experimental Version`), with the banner
 * lines that say so; null for a release build. ISSU is not supported on such
 * builds (docs/devices/iosxe-sessions.md, section 8).
 */
export function buildLabelOf(text: string): { label: string; banner: string } | null {
  const banner: string[] = [];
  let label: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = XE_BANNER.exec(line))) {
      banner.push(line);
      const v = m[1].replace(/,$/, '');
      if (!isRelease(v)) label ??= v;
    } else if ((m = IOS_BANNER.exec(line))) {
      banner.push(line);
      if (m[1]) label ??= m[2];
    }
    if (banner.length === 2) break;
  }
  return label === null ? null : { label, banner: banner.join('\n') };
}

/** A line upshift reads, or the licensing status: either ends a licence section. */
function isField(line: string): boolean {
  return /^(?:Smart Licensing Status|\S+ uptime is |System image file is |[Cc]isco \S+ \(|Processor board ID |Configuration register is )/.test(line);
}

/** The release: the banner's, else (build label) the switch table's, else null. */
function versionOf(xe: string | null, ios: string | null, tableRelease: string | null): string | null {
  if (xe !== null && isRelease(xe)) return normalizeVersion(xe);
  if (ios !== null && isRelease(ios)) return normalizeVersion(ios);
  return tableRelease;
}

function bootModeOf(image: string | null): 'install' | 'bundle' | null {
  const img = (image ?? '').toLowerCase();
  if (img.endsWith('packages.conf') || img.endsWith('.conf')) return 'install';
  if (img.endsWith('.bin')) return 'bundle';
  return null;
}
