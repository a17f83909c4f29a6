// Reading a firewall's facts over the XML API: what every step decides from
// (system info, HA, the software list), and with `readiness` what only the
// pre-checks need. The software list comes from the update server
// (`request system software check`); the cached `info` list only when the
// update server cannot be reached, and the facts say so.
import { DeviceError } from '../errors.js';
import { isA } from '../../common/errors.js';
import { parseCertificates } from './certs.js';
import { CERTIFICATES_XPATH, CMD } from './commands.js';
import {
  parseClock, parseDataplaneClocks, parseDiskSpace, parseDpCpu, parseHa, parseJobs, parseLicenses, parseLocks, parseMemoryPercent, parseMpCpu, parseNtp,
  parsePanoramaStatus, parseSoftware, parseSupport, parseSystemInfo, type SystemInfo,
} from './parse-system.js';
import type { PanosFacts, PanosLicense, PanosReadiness, PanosSoftware } from './types.js';
import type { Xml } from './xml.js';

/** What reading facts needs of a connection: calls to this firewall (directly or through Panorama). */
export interface Conn {
  readonly name: string;
  op(cmd: string, step: string): Promise<Xml>;
  opText(cmd: string, step: string): Promise<string>;
  configShow(xpath: string, step: string): Promise<Xml>;
}

/** An error answer (not a lost connection): the update server could not be asked, the command is unknown… */
const refused = (err: unknown): err is DeviceError => isA(err, DeviceError) && err.kind === 'api' && !err.transient;
const said = (err: DeviceError) => err.deviceSaid ?? err.detail;

export async function systemInfo(c: Conn, step: string): Promise<SystemInfo> {
  try {
    return parseSystemInfo(await c.op(CMD.systemInfo, step));
  } catch (err) {
    if (isA(err, DeviceError)) throw err;
    throw new DeviceError(c.name, step, 'parse', `show system info: ${(err as Error).message}`, undefined, false);
  }
}

/** The software list: from the update server when `check`, else the firewall's cache. */
export async function softwareList(c: Conn, step: string, check: boolean): Promise<{ software: PanosSoftware[]; source: 'check' | 'info'; error: string | null }> {
  if (check) {
    try {
      return { software: parseSoftware(await c.op(CMD.softwareCheck, step)), source: 'check', error: null };
    } catch (err) {
      if (!refused(err)) throw err;
      return { software: parseSoftware(await c.op(CMD.softwareInfo, step)), source: 'info', error: said(err) };
    }
  }
  return { software: parseSoftware(await c.op(CMD.softwareInfo, step)), source: 'info', error: null };
}

export async function readFacts(c: Conn, opts: { step: string; readiness: boolean }): Promise<PanosFacts> {
  const { step } = opts;
  const sys = await systemInfo(c, step);
  const ha = parseHa(await c.op(CMD.haState, step));
  const sw = await softwareList(c, step, opts.readiness);
  const disk = opts.readiness ? parseDiskSpace(await c.opText(CMD.diskSpace, step)) : { freeMb: null, totalMb: null };
  return {
    platform: 'panos', hostname: sys.hostname, model: sys.model, serial: sys.serial, family: sys.family, version: sys.version,
    uptimeSeconds: sys.uptimeSeconds, lastReloadReason: null,
    pairRole: ha ? (['active', 'passive', 'suspended'].includes(ha.local) ? (ha.local as 'active' | 'passive' | 'suspended') : 'other') : null,
    uncommitted: null,
    ha, software: sw.software, softwareSource: sw.source, softwareCheckError: sw.error,
    diskFreeMb: disk.freeMb, diskTotalMb: disk.totalMb,
    appVersion: sys.appVersion, threatVersion: sys.threatVersion, avVersion: sys.avVersion, advancedRouting: sys.advancedRouting, multiVsys: sys.multiVsys,
    deviceCertificate: sys.deviceCertificate,
    readiness: opts.readiness ? await readReadiness(c, step) : null,
    collectedAt: new Date().toISOString(),
  };
}

const yes = (s: string) => (/^yes$/i.test(s) ? true : /^no$/i.test(s) ? false : null);

/** A support licence (Premium, Platinum, "… support …"): where support shows when the update server cannot be asked. */
const supportLicence = (licenses: PanosLicense[]) => licenses.find((l) => /support/i.test(l.feature) || /^(premium|platinum|standard)$/i.test(l.feature));

async function readReadiness(c: Conn, step: string): Promise<PanosReadiness> {
  const pendingChanges = yes(await c.opText(CMD.pendingChanges, step));
  const fullCommitRequired = yes(await c.opText(CMD.fullCommitRequired, step));
  const locks = [...parseLocks(await c.op(CMD.configLocks, step), 'config'), ...parseLocks(await c.op(CMD.commitLocks, step), 'commit')];
  const jobs = parseJobs(await c.op(CMD.jobsAll, step));
  const licenses = parseLicenses(await c.op(CMD.licenses, step));
  let support: PanosReadiness['support'];
  try {
    support = { ...parseSupport(await c.op(CMD.support, step)), source: 'update-server', error: null };
  } catch (err) {
    if (!refused(err)) throw err;
    const lic = supportLicence(licenses);
    support = { expires: lic?.expires ?? null, level: lic?.feature ?? null, source: lic ? 'licence' : null, error: said(err) };
  }
  const ntp = parseNtp(await c.op(CMD.ntp, step));
  const panorama = parsePanoramaStatus(await c.opText(CMD.panoramaStatus, step));
  const mpMemoryPercent = parseMemoryPercent(await c.opText(CMD.resources, step));
  const mpCpuPercent = parseMpCpu(await c.opText(CMD.mpCpu, step));
  const dpCpuPercent = parseDpCpu(await c.op(CMD.dpCpu, step));
  // The two clocks are read one after the other: the difference is known to a second plus the time between the reads.
  const t0 = Date.now();
  const mp = parseClock(await c.opText(CMD.clock, step));
  const dps = parseDataplaneClocks(await c.op(CMD.clockMore, step));
  const clockResolutionS = 1 + Math.ceil((Date.now() - t0) / 1000);
  const clockSkewS = mp === null ? [] : dps.map((t, dp) => ({ dp, skew: Math.round((t - mp) / 1000) }));
  const certificates = parseCertificates(await c.configShow(CERTIFICATES_XPATH, step));
  return { pendingChanges, fullCommitRequired, locks, jobs, licenses, support, ntp, panorama, mpCpuPercent, dpCpuPercent, mpMemoryPercent, clockSkewS, clockResolutionS, certificates };
}
