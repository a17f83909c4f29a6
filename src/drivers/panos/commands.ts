// PAN-OS op commands as the XML API takes them (`cmd` documents), and the
// CLI form of each, which is what the plan, the gates and the journal show.

// Versions are validated upstream; never let one break the XML anyway.
const v = (value: string) => value.replace(/[<>&"']/g, '');

export const CMD = {
  systemInfo: '<show><system><info></info></system></show>',
  haState: '<show><high-availability><state></state></high-availability></show>',
  softwareInfo: '<request><system><software><info></info></software></system></request>',
  softwareCheck: '<request><system><software><check></check></software></system></request>',
  diskSpace: '<show><system><disk-space></disk-space></system></show>',
  pendingChanges: '<check><pending-changes></pending-changes></check>',
  fullCommitRequired: '<check><full-commit-required></full-commit-required></check>',
  configLocks: '<show><config-locks><vsys>all</vsys></config-locks></show>',
  commitLocks: '<show><commit-locks><vsys>all</vsys></commit-locks></show>',
  jobsAll: '<show><jobs><all></all></jobs></show>',
  licenses: '<request><license><info></info></license></request>',
  support: '<request><support><check></check></support></request>',
  ntp: '<show><ntp></ntp></show>',
  panoramaStatus: '<show><panorama-status></panorama-status></show>',
  resources: '<show><system><resources></resources></system></show>',
  mpCpu: '<show><system><state><filter>sys.monitor.s*.mp.exports</filter></state></system></show>',
  dpCpu: '<show><running><resource-monitor><minute><last>5</last></minute></resource-monitor></running></show>',
  clock: '<show><clock></clock></show>',
  clockMore: '<show><clock><more></more></clock></show>',
  sessionInfo: '<show><session><info></info></session></show>',
  routes: '<show><routing><route></route></routing></show>',
  areRoutes: '<show><advanced-routing><route></route></advanced-routing></show>',
  bgpPeers: '<show><routing><protocol><bgp><peer></peer></bgp></protocol></routing></show>',
  areBgpPeers: '<show><advanced-routing><bgp><peer><status></status></peer></bgp></advanced-routing></show>',
  tunnels: '<show><running><tunnel><flow><all></all></flow></tunnel></running></show>',
  arp: "<show><arp><entry name='all'/></arp></show>",
  interfaces: '<show><interface>hardware</interface></show>',
  configRunning: '<show><config><running></running></config></show>',
  chassisReady: '<show><chassis-ready></chassis-ready></show>',
  restart: '<request><restart><system></system></restart></request>',
  haSuspend: '<request><high-availability><state><suspend></suspend></state></high-availability></request>',
  haFunctional: '<request><high-availability><state><functional></functional></state></high-availability></request>',
  devices: '<show><devices><all></all></devices></show>',
  job: (id: string) => `<show><jobs><id>${v(id)}</id></jobs></show>`,
  download: (version: string, syncToPeer: boolean) =>
    `<request><system><software><download>${syncToPeer ? '<sync-to-peer>yes</sync-to-peer>' : ''}<version>${v(version)}</version></download></software></system></request>`,
  install: (version: string) => `<request><system><software><install><version>${v(version)}</version></install></software></system></request>`,
};

/** Where the shared certificates are in the configuration (read with type=config). */
export const CERTIFICATES_XPATH = '/config/shared/certificate';

/** The CLI form of each call, as plans, gates and the journal show them. */
export const CLI = {
  systemInfo: 'show system info',
  haState: 'show high-availability state',
  softwareCheck: 'request system software check',
  softwareInfo: 'request system software info',
  diskSpace: 'show system disk-space',
  pendingChanges: 'check pending-changes',
  fullCommitRequired: 'check full-commit-required',
  configLocks: 'show config-locks',
  commitLocks: 'show commit-locks',
  jobsAll: 'show jobs all',
  licenses: 'request license info',
  support: 'request support check',
  ntp: 'show ntp',
  panoramaStatus: 'show panorama-status',
  resources: 'show system resources',
  mpCpu: 'show system state filter sys.monitor.s*.mp.exports',
  dpCpu: 'show running resource-monitor minute last 5',
  clock: 'show clock',
  clockMore: 'show clock more',
  certificates: `show config (type=config show ${CERTIFICATES_XPATH})`,
  sessionInfo: 'show session info',
  routes: 'show routing route',
  areRoutes: 'show advanced-routing route',
  bgpPeers: 'show routing protocol bgp peer',
  areBgpPeers: 'show advanced-routing bgp peer status',
  tunnels: 'show running tunnel flow all',
  arp: 'show arp all',
  interfaces: 'show interface hardware',
  configRunning: 'show config running',
  deviceState: 'export device-state (type=export category=device-state)',
  chassisReady: 'show chassis-ready',
  restart: 'request restart system',
  haSuspend: 'request high-availability state suspend',
  haFunctional: 'request high-availability state functional',
  download: (version: string, syncToPeer: boolean) => `request system software download${syncToPeer ? ' sync-to-peer yes' : ''} version ${version}`,
  install: (version: string) => `request system software install version ${version}`,
};

/** The calls of a facts read with readiness, in the order facts.ts sends them (what a plan shows). */
type TextCall = { [K in keyof typeof CLI]: (typeof CLI)[K] extends string ? K : never }[keyof typeof CLI];
export const FACTS_CALLS: TextCall[] = [
  'systemInfo', 'haState', 'softwareCheck', 'diskSpace', 'pendingChanges', 'fullCommitRequired', 'configLocks', 'commitLocks', 'jobsAll',
  'licenses', 'support', 'ntp', 'panoramaStatus', 'resources', 'mpCpu', 'dpCpu', 'clock', 'clockMore', 'certificates',
];
