// PAN-OS op commands as the XML API takes them, and small readers of their
// text results.
import { normalizeVersion } from '../../common/versions.js';

const v = (version: string) => version.replace(/[<>&"']/g, ''); // versions are validated upstream; never let one break the XML

export const CMD = {
  systemInfo: '<show><system><info></info></system></show>',
  haState: '<show><high-availability><state></state></high-availability></show>',
  softwareInfo: '<request><system><software><info></info></software></system></request>',
  softwareCheck: '<request><system><software><check></check></software></system></request>',
  diskSpace: '<show><system><disk-space></disk-space></system></show>',
  pendingChanges: '<check><pending-changes></pending-changes></check>',
  jobsAll: '<show><jobs><all></all></jobs></show>',
  licenses: '<request><license><info></info></license></request>',
  sessionInfo: '<show><session><info></info></session></show>',
  routes: '<show><routing><route></route></routing></show>',
  arp: "<show><arp><entry name='all'/></arp></show>",
  interfaces: '<show><interface>hardware</interface></show>',
  configRunning: '<show><config><running></running></config></show>',
  chassisReady: '<show><chassis-ready></chassis-ready></show>',
  restart: '<request><restart><system></system></restart></request>',
  haSuspend: '<request><high-availability><state><suspend></suspend></state></high-availability></request>',
  haFunctional: '<request><high-availability><state><functional></functional></state></high-availability></request>',
  devices: '<show><devices><connected></connected></devices></show>',
  job: (id: string) => `<show><jobs><id>${v(id)}</id></jobs></show>`,
  download: (version: string) => `<request><system><software><download><version>${v(version)}</version></download></software></system></request>`,
  install: (version: string) => `<request><system><software><install><version>${v(version)}</version></install></software></system></request>`,
  cli: {
    softwareCheck: 'request system software check',
    softwareInfo: 'request system software info',
  },
};

/** Base images that are not X.Y.0 (panos.md §1.4: 12.1's base image is 12.1.2). */
const BASE_OVERRIDES: Record<string, string> = { '12.1': '12.1.2' };

/** The base image a target needs when it is on another feature release than the running one. */
export function baseImage(target: string, current: string): string | null {
  const train = (x: string) => normalizeVersion(x).split('.').slice(0, 2).join('.');
  if (train(target) === train(current)) return null;
  const base = BASE_OVERRIDES[train(target)] ?? `${train(target)}.0`;
  return base === normalizeVersion(target) ? null : base;
}

/** "Avail" of /opt/panrepo in `show system disk-space` (df -h units), in MB. */
export function diskAvailMb(df: string): number | null {
  const line = df.split('\n').find((l) => /\/opt\/panrepo\s*$/.test(l.trim()));
  const avail = line?.trim().split(/\s+/)[3];
  const m = avail ? /^([\d.]+)([KMGT]?)$/i.exec(avail) : null;
  if (!m) return null;
  const factor: Record<string, number> = { '': 1 / 1024 / 1024, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };
  return Number(m[1]) * factor[m[2].toUpperCase()];
}

/** "136 days, 4:12:31" → seconds. */
export function uptimeSeconds(text: string): number | null {
  const m = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})$/.exec(text.trim());
  return m ? Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) : null;
}

/** The commands of each step, as the plan and the gates show them (CLI form). */
export function panosStepCommands(step: string, targetVersion: string, previousVersion: string): string[] {
  const base = baseImage(targetVersion, previousVersion);
  switch (step) {
    case 'backup': return ['show config running'];
    case 'stage': return [CMD.cli.softwareCheck, ...(base ? [`request system software download version ${base}`] : []), `request system software download version ${targetVersion}`];
    case 'verify': return [CMD.cli.softwareInfo];
    case 'activate': return [`request system software install version ${targetVersion}`, 'request restart system'];
    case 'switchover': return ['request high-availability state suspend'];
    case 'commit': return ['request high-availability state functional (if suspended)'];
    case 'rollback': return [`request system software install version ${previousVersion}`, 'request restart system'];
    default: return [];
  }
}
