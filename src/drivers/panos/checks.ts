// Pure PAN-OS decisions from facts: the upgrade path (base images, hops) and
// the readiness checks, each with a reason the operator can act on
// (docs/devices/panos-api.md).
import type { ActivationPlan, Check, PrecheckContext, UpgradeWant } from '../contract.js';
import { compareVersions, normalizeVersion } from '../../common/versions.js';
import { baseImage } from './commands.js';
import type { PanosFacts } from './types.js';

export function planUpgrade(f: PanosFacts, want: UpgradeWant): ActivationPlan {
  const target = normalizeVersion(want.targetVersion);
  const base = baseImage(target, f.version);
  return {
    kind: 'panos', image: null, targetVersion: target, filesystem: '', previousBoot: [], previousVersion: f.version, stack: false,
    hops: [target], baseImages: base ? [base] : [],
  };
}

export function readiness(f: PanosFacts, plan: ActivationPlan, ctx: PrecheckContext, diskMargin = 1.1): Check[] {
  const target = plan.targetVersion;
  const sw = f.software;
  const offered = sw.find((x) => x.version === target);
  const bases = plan.baseImages ?? [];
  const missingBase = bases.find((b) => !sw.some((x) => x.version === b));
  const needMb = Math.ceil(diskMargin * [target, ...bases].reduce((n, v) => {
    const e = sw.find((x) => x.version === v);
    return n + (e && !e.downloaded ? e.sizeMb : 0);
  }, 0));
  const freeMb = f.diskFreeMb === null ? null : Math.floor(f.diskFreeMb);
  const downgrade = compareVersions(target, f.version) < 0;
  const source = f.softwareSource === 'info' ? ' (from the firewall\'s cached list: the update server could not be reached)' : '';
  const checks: Check[] = [
    downgrade && !ctx.settings.allowDowngrade
      ? { name: 'upgrade-path', ok: false, detail: `${target} is older than the running ${f.version}: a downgrade is refused unless Settings allow_downgrade is yes` }
      : { name: 'upgrade-path', ok: !!offered && !missingBase, detail: !offered ? `${target} is not offered by the update server${source}` : missingBase ? `base image ${missingBase} is not offered${source}` : bases.length ? `${f.version} → ${target} through base image ${bases.join(', ')}` : `${f.version} → ${target}` },
    { name: 'disk', ok: freeMb !== null && freeMb >= needMb, detail: freeMb === null ? 'free space on /opt/panrepo unknown' : `${freeMb} MB free on /opt/panrepo ${freeMb >= needMb ? '≥' : '<'} ${needMb} MB needed` },
    { name: 'pending-changes', ok: f.pendingChanges === false, detail: f.pendingChanges === false ? 'nothing uncommitted' : f.pendingChanges === null ? 'could not tell whether changes are pending' : 'uncommitted configuration changes: commit or revert them first' },
    { name: 'jobs', ok: f.runningJobs.length === 0, detail: f.runningJobs.length ? `jobs still running: ${f.runningJobs.join(', ')}` : 'no running jobs' },
    { name: 'licenses', ok: f.expiredLicenses.length === 0, detail: f.expiredLicenses.length ? `expired: ${f.expiredLicenses.join(', ')}` : 'no expired licence' },
  ];
  const ha = f.ha;
  if (ha) {
    // Once its peer runs the target, a pair is out of sync until this member follows.
    const peerAhead = (ctx.peer?.onTarget ?? false) || (!!ha.peerVersion && normalizeVersion(ha.peerVersion) === target);
    const suspendedByUs = ha.local === 'suspended' && ctx.switchoverDone;
    const healthy = (['active', 'passive'].includes(ha.local) || suspendedByUs) && ['active', 'passive'].includes(ha.peer) && ha.local !== ha.peer && ha.peerConnected;
    checks.push({ name: 'ha', ok: healthy, detail: `local ${ha.local}, peer ${ha.peer}${ha.peerConnected ? '' : ' (not connected)'}${suspendedByUs ? ' (suspended by upshift for this upgrade)' : ''}` });
    const synced = ha.sync === 'synchronized';
    checks.push({ name: 'ha-sync', ok: synced || peerAhead, detail: `configuration ${ha.sync || 'sync unknown'}${!synced && peerAhead ? ` (expected: ${ctx.peer?.hostname ?? 'the peer'} already runs ${target})` : ''}` });
  }
  return checks;
}
