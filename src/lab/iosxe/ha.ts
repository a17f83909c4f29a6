// Redundancy on the simulated device (dual supervisors, StackWise Virtual):
// a switchover drops every session with the active, the management address
// answers again from the new active after the failover delay, and the old
// active reloads and rejoins as standby. ISSU as Cisco documents it: the
// standby is upgraded first, then the switchover carries the rest (see
// docs/devices/iosxe-sessions.md).
import { paddedVersion } from '../images.js';
import type { CliSession } from './cli.js';
import type { IosxeSimDevice } from './device.js';
import { activeMember } from './render-system.js';
import type { InstallPackage, Member } from './state.js';
import { installStamp } from './install.js';

const standbyOf = (dev: IosxeSimDevice): Member | undefined => dev.state.members.find((m) => m.role === 'Standby');
const isHa = (dev: IosxeSimDevice) => dev.state.model.redundancy === 'dual-sup' || dev.state.model.redundancy === 'svl';
const tagOf = (dev: IosxeSimDevice, m: Member) => dev.tag(dev.state.members.indexOf(m));

interface IssuFinish { pkg: InstallPackage; commit: boolean; abortMinutes: number | null }

/**
 * The lab's stand-ins: Cisco's wording of the Catalyst 9000 ISSU activate
 * and abort phases is not in any source we could read (iosxe.md 1.7, "not
 * found"; docs/devices/iosxe-sessions.md, section 8), so these lines are the
 * lab's own. The driver must judge an ISSU by what is documented — the
 * questions, `FAILED` and `SUCCESS` lines, the prompt and the drop at the
 * switchover — never by these (a test checks the driver's sources for them).
 */
export const ISSU_STAND_INS = {
  activate: '--- Starting ISSU Activate ---',
  onStandby: 'Performing ISSU Activate on the standby',
  standbyReloads: 'Standby reloads with',
  waitingHot: 'Waiting for the standby to reach STANDBY HOT',
  standbyHot: 'Standby is STANDBY HOT on',
  activated: 'Finished ISSU Activate on the standby',
  switchover: '--- Starting ISSU Switchover ---',
  switchingOver: 'Switching over to the upgraded standby; this unit reloads with',
  abort: '--- Starting ISSU Abort ---',
  abortOnStandby: 'Performing ISSU Abort on the standby',
  aborted: 'Finished ISSU Abort',
  abortedBy: 'ISSU aborted by install abort issu',
  noIssu: 'No ISSU operation is in progress',
} as const;
const T = ISSU_STAND_INS;

/**
 * The active unit reloads and the standby takes over: every session drops,
 * connections are refused for the failover delay, then the new active
 * answers on the same address; the old active rejoins as standby after its boot.
 */
function switchOver(dev: IosxeSimDevice, issu: IssuFinish | null): void {
  const d = dev.state;
  const oldActive = activeMember(d);
  const standby = standbyOf(dev)!;
  d.switchovers++;
  d.lastSwitchoverReason = 'user forced';
  d.log('switchover', `to member ${standby.number}${issu ? ` on ${standby.version} (ISSU)` : ''}`);
  dev.after(dev.timings.dropAfterMs, async () => {
    d.log('member-reload', `member ${oldActive.number}: ${issu ? 'ISSU' : 'switchover'}, from ${oldActive.version}`);
    oldActive.state = 'Removed';
    d.peerState = 'DISABLED';
    dev.server.dropAll();
    await dev.server.stop();
    dev.after(dev.timings.failoverMs, async () => {
      standby.role = 'Active';
      oldActive.role = 'Standby';
      d.version = standby.version;
      d.lastReloadReason = issu ? 'Install' : 'redundancy force-switchover';
      if (issu) {
        d.issu = { version: standby.version, phase: 'rejoin' };
        for (const p of d.packages) if (p.state === 'C' && issu.commit) p.state = 'I';
        issu.pkg.state = issu.commit ? 'C' : 'U';
        if (issu.commit) d.addRollbackPoint(issu.pkg.version);
        if (!issu.commit) dev.startAutoAbort(issu.abortMinutes ?? 120);
      }
      await dev.server.listen();
      dev.after(dev.timings.bootMs, () => {
        oldActive.version = d.version;
        oldActive.state = 'Ready';
        d.peerState = d.faults.has('standby-cold') ? 'STANDBY COLD' : 'STANDBY HOT';
        d.log('member-back', `member ${oldActive.number} on ${d.version}`);
        if (issu) {
          d.issu = null;
          d.log('install', `issu complete on ${d.version}`);
          dev.log('INSTALL-5-INSTALL_COMPLETED_INFO', `${tagOf(dev, standby)}: install_engine: Completed install activate ISSU ${paddedVersion(d.version)}`);
        }
      });
    });
  });
}

export async function switchoverCommand(dev: IosxeSimDevice, s: CliSession): Promise<void> {
  const d = dev.state;
  if (!isHa(dev)) return s.write('% There is no STANDBY present\n');
  if (d.issu) return s.write('% Switchover not allowed: Install ISSU in progress\n');
  if (d.peerState !== 'STANDBY HOT') return s.write('% Standby not ready for switchover\n');
  if (!(await dev.offerSave(s))) return;
  if (!(await s.confirm('Proceed with switchover to standby RP? [confirm]'))) return;
  await s.write('%PMAN-3-RELOAD_RP: R0/0: pvp: Reloading: RP switchover initiated. This RP will be reloaded\n');
  switchOver(dev, null);
}

export async function reloadPeerCommand(dev: IosxeSimDevice, s: CliSession): Promise<void> {
  const d = dev.state;
  const standby = standbyOf(dev);
  if (!isHa(dev) || !standby || d.peerState === 'DISABLED') return s.write('% There is no STANDBY present\n');
  if (!(await s.confirm('Reload peer [confirm]'))) return;
  await s.write('Preparing to reload peer\n');
  d.peerState = 'DISABLED';
  standby.state = 'Removed';
  d.log('member-reload', `member ${standby.number}: reload peer, from ${standby.version}`);
  dev.after(dev.timings.bootMs, () => {
    standby.state = 'Ready';
    d.peerState = 'STANDBY HOT';
  });
}

/** An ISSU before its switchover: `install abort issu` stops it (the activation then ends with FAILED). */
interface IssuRun { aborted: boolean; wake: () => void }
const runs = new WeakMap<IosxeSimDevice, IssuRun>();

/**
 * `install … activate issu`: the standby reloads on the new version and
 * comes back STANDBY HOT while this session watches; then the switchover
 * drops this session, and the old active follows onto the new version.
 * With `issu-standby-sync` the upgraded standby never gets past STANDBY COLD
 * and the ISSU waits before its switchover until it is aborted.
 */
export async function issuActivate(dev: IosxeSimDevice, s: CliSession, op: string, pkg: InstallPackage, finish: Omit<IssuFinish, 'pkg'>): Promise<void> {
  const d = dev.state;
  const active = activeMember(d);
  const standby = standbyOf(dev)!;
  const v = paddedVersion(pkg.version);
  const run: IssuRun = { aborted: false, wake: () => undefined };
  runs.set(dev, run);
  const woken = new Promise<void>((resolve) => (run.wake = resolve));
  d.issu = { version: pkg.version, phase: 'standby' };
  d.log('install', `issu ${pkg.version}${finish.commit ? ' commit' : ''}`);
  await s.write(`${T.activate}\n${T.onStandby}\n  [${tagOf(dev, standby)}] Activate package(s) on ${tagOf(dev, standby)}\n  [${tagOf(dev, standby)}] ${T.standbyReloads} ${v}\n`);
  standby.state = 'Removed';
  d.peerState = 'DISABLED';
  d.log('member-reload', `member ${standby.number}: ISSU, from ${standby.version}`);
  dev.log('REDUNDANCY-3-STANDBY_LOST', 'Standby processor fault (PEER_NOT_PRESENT)');
  await Promise.race([dev.clock.sleep(dev.timings.bootMs), woken]);
  if (!run.aborted) {
    standby.version = pkg.version;
    standby.state = 'Ready';
    d.log('member-back', `member ${standby.number} on ${pkg.version}`);
    if (d.faults.has('issu-standby-sync')) {
      d.peerState = 'STANDBY COLD';
      await s.write(`  [${tagOf(dev, standby)}] ${T.waitingHot}\n`);
      await woken;
    }
  }
  if (run.aborted) return s.write(`FAILED: ${op} : ${T.abortedBy} ${installStamp()}\n`);
  runs.delete(dev);
  d.peerState = 'STANDBY HOT';
  dev.log('RF-5-RF_TERMINAL_STATE', 'Terminal state reached for (SSO)');
  await s.write(`  [${tagOf(dev, standby)}] ${T.standbyHot} ${v}\n${T.activated}\n${T.switchover}\n  [${tagOf(dev, active)}] ${T.switchingOver} ${v}\n`);
  d.issu.phase = 'switchover';
  switchOver(dev, { pkg, ...finish });
  await s.term.flush();
}

/**
 * `install abort issu` before the switchover: the standby reloads back onto the
 * release the active runs and rejoins STANDBY HOT; the active never reloads and
 * the target stays added (inactive). After the switchover it is refused as
 * every other install command is.
 */
export async function issuAbort(dev: IosxeSimDevice, s: CliSession): Promise<void> {
  const d = dev.state;
  const run = runs.get(dev);
  if (!d.issu || d.issu.phase !== 'standby' || !run) return s.write(d.issu ? issuBusy('install_abort') : `FAILED: install_abort : ${T.noIssu}\n`);
  const a = await s.ask('This operation may require a reload of the system. Do you want to proceed? [y/n]');
  if (a === null) return;
  if (a.trim().toLowerCase() !== 'y') return s.write('install_abort: Operation aborted by user\n');
  const active = activeMember(d);
  const standby = standbyOf(dev)!;
  run.aborted = true;
  run.wake();
  runs.delete(dev);
  d.log('install', `abort issu ${d.issu.version}`);
  await s.write(`${T.abort}\n${T.abortOnStandby}\n  [${tagOf(dev, standby)}] ${T.standbyReloads} ${paddedVersion(active.version)}\n`);
  standby.state = 'Removed';
  d.peerState = 'DISABLED';
  d.log('member-reload', `member ${standby.number}: ISSU abort, from ${standby.version}`);
  await dev.clock.sleep(dev.timings.bootMs);
  standby.version = active.version;
  standby.state = 'Ready';
  d.peerState = 'STANDBY HOT';
  d.issu = null;
  d.log('member-back', `member ${standby.number} on ${standby.version}`);
  await s.write(`${T.aborted}\nSUCCESS: install_abort  ${installStamp()}\n`);
}

/** Refusal while an ISSU runs: nothing else may change the install state (wording as genielibs records it). */
export function issuBusy(op: string): string {
  return `FAILED: ${op} : Install ISSU in progress. Abort the ISSU upgrade to proceed ${installStamp()}\n`;
}
