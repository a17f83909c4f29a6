// Pure decisions from facts: the pre-checks and how the upgrade is carried
// out (install, one-shot, bundle, conversion, ISSU), and the exact commands.
import type { ActivationPlan, Check, ImageSpec, UpgradeSettings } from '../contract.js';
import type { IosxeFacts, StageInput } from './types.js';
import { compareVersions, normalizeVersion } from '../../common/versions.js';
import { topologyOf } from './return-watch.js';
import { downgradeCheck } from '../downgrade.js';
import { newestRollbackId } from './parsers/rollback.js';

/** The read-only commands of a pre or post snapshot, in the order they are sent. */
export const SNAPSHOT_COMMANDS = ['show ip route summary', 'show ip arp', 'show ip bgp summary', 'show ip ospf neighbor', 'show ip interface brief'];

export type IosxeSettings = Pick<UpgradeSettings, 'flashMargin' | 'cpuMaxPercent' | 'commitAfterPostcheck' | 'convertToInstall' | 'issu'> & Partial<Pick<UpgradeSettings, 'allowDowngrade'>>;

const GB = 1024 ** 3;
const size = (n: number) => (n >= GB ? `${(n / GB).toFixed(1)} GB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

/** ISSU rules (docs/devices/iosxe-sessions.md, section 8): same major train, between Extended Maintenance releases, upwards only; release builds only (planActivation). */
export function issuAllowed(from: string, to: string): boolean {
  const [fMaj, fMin] = normalizeVersion(from).split('.').map(Number);
  const [tMaj, tMin] = normalizeVersion(to).split('.').map(Number);
  const em = (maj: number, min: number) => (maj === 17 && min % 3 === 0) || (maj === 16 && (min === 9 || min === 12));
  return fMaj === tMaj && em(fMaj, fMin) && em(tMaj, tMin) && compareVersions(to, from) > 0;
}

/** "17.9.5.0.1582" (show install summary) belongs to release 17.9.5. */
export function sameRelease(installVersion: string, version: string): boolean {
  return normalizeVersion(installVersion).split('.').slice(0, 3).join('.') === normalizeVersion(version);
}

export function planActivation(f: IosxeFacts, image: ImageSpec, s: IosxeSettings): ActivationPlan {
  const ha = f.redundancy.kind === 'dual-sup' || f.redundancy.kind === 'svl';
  // An earlier, interrupted attempt may have added the target already: `install add` would be refused.
  const added = f.bootMode === 'install' && (f.install?.packages ?? []).some((p) => p.state === 'I' && sameRelease(p.version, image.version));
  let kind: ActivationPlan['kind'];
  if (f.bootMode === 'bundle') kind = s.convertToInstall ? 'convert' : 'bundle';
  else if (ha && s.issu === 'auto' && !f.buildLabel && issuAllowed(f.version, image.version) && f.redundancy.peerState === 'STANDBY HOT') kind = 'issu';
  else kind = s.commitAfterPostcheck || added ? 'install' : 'install-oneshot';
  return {
    kind, image, targetVersion: image.version, filesystem: f.filesystem ?? 'flash:', previousBoot: bootsStagedTarget(f, image) ? [f.image!] : [...f.bootVariable],
    previousVersion: f.version, stack: f.redundancy.kind === 'stack', added, topology: topologyOf(null, f), ...rollbackPointOf(kind, f),
  };
}

/**
 * A one-shot install commits as it activates: its way back is the rollback point of the
 * committed state before it, the newest one the device lists now.
 */
function rollbackPointOf(kind: ActivationPlan['kind'], f: IosxeFacts): { rollbackPoint?: number } {
  const id = kind === 'install-oneshot' ? newestRollbackId((f.rollbackIds ?? []).map((x) => ({ id: x }))) : null;
  return id === null ? {} : { rollbackPoint: id };
}

/**
 * A bundle-mode device whose boot variable names the target while it runs another image: an
 * activation stopped between saving the boot variable and its reload (upshift killed, the
 * session lost). The activation sets the variable so again; the way back is the running image.
 */
function bootsStagedTarget(f: IosxeFacts, image: ImageSpec): boolean {
  const bootFile = (f.bootVariable[0] ?? '').replace(/^[a-z0-9-]+:\/?/i, '');
  return f.bootMode === 'bundle' && bootFile === image.file && !!f.image && !f.image.endsWith(bootFile);
}

export function precheck(f: IosxeFacts, image: ImageSpec, s: IosxeSettings, plan: ActivationPlan): Check[] {
  const checks: Check[] = [];
  const down = downgradeCheck(plan.targetVersion, f.version, !!s.allowDowngrade);
  if (down) checks.push(down);
  const present = f.files.find((x) => x.name === image.file && x.size === image.size);
  const installLike = plan.kind !== 'bundle';
  const imageSize = image.size ?? 0;
  if (f.flashFree === null) checks.push({ name: 'flash', ok: false, detail: 'free flash unknown' });
  else {
    // Install mode extracts the image beside the .bin: it needs room for both.
    const need = installLike ? imageSize * s.flashMargin - (present ? imageSize : 0) : present ? 0 : imageSize * 1.05;
    const ok = f.flashFree >= need;
    // Install mode can make room itself by removing inactive images (a gated cleanup step).
    const remedy = !ok && installLike && inactiveImages(f, plan).length > 0 ? { remedy: 'cleanup' as const } : {};
    checks.push({ name: 'flash', ok, detail: `${size(f.flashFree)} free ${ok ? '≥' : '<'} ${size(need)} needed${installLike ? ` (image × ${s.flashMargin})` : ''}${remedy.remedy ? '; removing inactive images would make room' : ''}`, ...remedy });
  }
  if (f.cpu5min !== null) checks.push({ name: 'cpu', ok: f.cpu5min <= s.cpuMaxPercent, detail: `5-minute CPU ${f.cpu5min}% ${f.cpu5min <= s.cpuMaxPercent ? '≤' : '>'} ${s.cpuMaxPercent}%` });
  if (f.install) {
    const clean = !f.install.uncommitted && f.install.autoAbortTimer === null;
    checks.push({ name: 'install-state', ok: clean, detail: clean ? 'no uncommitted package, no auto-abort timer' : `${f.install.uncommitted ? 'an activated, uncommitted package' : ''}${f.install.autoAbortTimer ? `${f.install.uncommitted ? '; ' : ''}auto-abort timer ${f.install.autoAbortTimer}` : ''}: commit or abort it first` });
  }
  const r = f.redundancy;
  // Not a failure, the reason ISSU was not planned: Cisco supports ISSU on release builds only.
  if ((r.kind === 'dual-sup' || r.kind === 'svl') && s.issu === 'auto' && f.buildLabel) checks.push({ name: 'issu', ok: true, detail: `no ISSU from the engineering or special build ${f.buildLabel}: both ${r.kind === 'svl' ? 'chassis' : 'supervisors'} reload` });
  if (r.kind === 'dual-sup' || r.kind === 'svl') {
    const ok = r.peerState === 'STANDBY HOT' && (r.operatingMode === 'sso' || r.operatingMode === 'Stateful Switchover');
    checks.push({ name: 'redundancy', ok, detail: `${r.operatingMode ?? 'unknown'} mode, peer ${r.peerState ?? 'unknown'}${ok ? '' : ' (needs SSO with the peer STANDBY HOT)'}` });
  } else if (r.kind === 'stack') {
    const notReady = r.members.filter((m) => m.state !== 'Ready');
    const versions = new Set(r.members.map((m) => m.version).filter(Boolean));
    const ok = notReady.length === 0 && versions.size <= 1;
    checks.push({ name: 'stack', ok, detail: ok ? `${r.members.length} members Ready on one version` : [notReady.length ? `member ${notReady.map((m) => `${m.number} ${m.state}`).join(', ')}` : '', versions.size > 1 ? `versions differ: ${[...versions].join(', ')}` : ''].filter(Boolean).join('; ') });
  }
  const boot = f.bootVariable[0] ?? '';
  if (f.bootMode === 'install') checks.push({ name: 'boot-variable', ok: /packages\.conf$/.test(boot) && f.manualBoot !== true, detail: boot ? `boots ${boot}${f.manualBoot ? ' (manual boot is on)' : ''}` : 'no boot variable: the device would stop in ROMmon' });
  else if (f.bootMode === 'bundle') {
    const running = !!f.image && f.image.endsWith(boot.replace(/^[a-z0-9-]+:\/?/i, ''));
    const target = bootsStagedTarget(f, image);
    const note = f.manualBoot ? ' (manual boot is on)' : target ? ' (the target image: an activation that did not reload yet set it)' : '';
    checks.push({ name: 'boot-variable', ok: boot !== '' && f.manualBoot !== true && (running || target), detail: boot ? `boots ${boot}${note}` : 'no boot variable: the device would stop in ROMmon' });
  }
  if (f.configSaved !== null) checks.push({ name: 'config-saved', ok: f.configSaved, detail: f.configSaved ? 'running-config saved' : 'running-config differs from startup-config (unsaved changes)' });
  if (image.models.length > 0 && f.model) {
    const ok = image.models.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(f.model!));
    checks.push({ name: 'image-model', ok, detail: ok ? `${image.file} applies to ${f.model}` : `${image.file} is for ${image.models.join(', ')}, not ${f.model}` });
  }
  return checks;
}

const file = (p: ActivationPlan) => `${p.filesystem}${p.image?.file ?? ''}`;
const bootSystem = (p: ActivationPlan, target: string) => `boot system ${p.stack && target.endsWith('.bin') ? 'switch all ' : ''}${target}`;

export function activationCommands(p: ActivationPlan): string[] {
  switch (p.kind) {
    case 'install': return ['write memory', p.added ? 'install activate' : `install add file ${file(p)} activate`];
    case 'install-oneshot': return ['write memory', `install add file ${file(p)} activate commit`];
    case 'issu': return ['write memory', p.added ? 'install activate issu' : `install add file ${file(p)} activate issu`];
    case 'convert': return ['configure terminal', 'no boot system', bootSystem(p, `${p.filesystem}packages.conf`), 'end', 'write memory', `install add file ${file(p)} activate commit`];
    case 'bundle': return ['configure terminal', 'no boot system', bootSystem(p, file(p)), 'end', 'write memory', 'reload'];
    default: return [];
  }
}

/**
 * An ISSU stopped before its switchover: the active still runs the release it had, while
 * the standby already runs the target or is reloading onto it (the target added, the peer
 * not STANDBY HOT — upshift starts an ISSU only with the peer STANDBY HOT).
 */
export function issuUnderWay(f: IosxeFacts, target: string): boolean {
  const on = (v: string | null | undefined) => !!v && normalizeVersion(v) === normalizeVersion(target);
  if (on(f.version)) return false;
  const added = (f.install?.packages ?? []).some((x) => sameRelease(x.version, target));
  return f.redundancy.members.some((m) => on(m.version)) || (added && f.redundancy.peerState !== 'STANDBY HOT');
}

/** The image file of the release before the upgrade, as the facts list it on the plan's file system. */
export function previousImage(p: ActivationPlan, f: IosxeFacts | null): string | null {
  const padded = padVersion(p.previousVersion);
  return f?.files.find((x) => x.name.endsWith('.bin') && (x.name.includes(`.${padded}.`) || x.name.includes(`.${p.previousVersion}.`)))?.name ?? null;
}

/**
 * The commands a rollback sends, from what the device shows: the rollback gate shows them
 * and the driver sends exactly these. An ISSU stopped before its switchover is aborted
 * with `install abort issu`; one that switched over (or not begun, as the facts before the
 * activation show) with `install abort`. A committed one-shot install goes back to the
 * rollback point recorded before it (none recorded: no command, the rollback stops); a
 * conversion activates the previous release's image again, named as the facts list it
 * (the bundle-mode release left no rollback point).
 */
export function rollbackCommands(p: ActivationPlan, f: IosxeFacts | null = null): string[] {
  switch (p.kind) {
    case 'install': return ['install abort'];
    case 'issu': return f && issuUnderWay(f, p.targetVersion) ? ['install abort issu'] : ['install abort'];
    case 'install-oneshot': return p.rollbackPoint === undefined ? [] : [`install rollback to id ${p.rollbackPoint}`];
    case 'convert': return ['write memory', `install add file ${p.filesystem}${previousImage(p, f) ?? `<image of ${p.previousVersion}>`} activate commit`];
    case 'bundle': return ['configure terminal', 'no boot system', ...p.previousBoot.map((b) => bootSystem(p, b)), 'end', 'write memory', 'reload'];
    default: return [];
  }
}

/** The configuration line an SCP push needs on the device (removed again after it, unless it was there before). */
export const SCP_SERVER = 'ip scp server enable';

/**
 * What an SCP staging sends: the push, and around it, unless the device already serves SCP,
 * the SCP server turned on and off again with both configurations read before and after
 * (docs/devices/iosxe-sessions.md, "SCP staging"). `push` is how the push itself is listed.
 */
export function scpStageCommands(input: StageInput, alreadyServing: boolean): string[] {
  const push = `scp (push) ${input.image.file} → ${input.filesystem}${input.image.file}`;
  const check = `show running-config | include ^${SCP_SERVER}`;
  if (alreadyServing) return [check, push];
  const reads = ['show running-config', 'show startup-config'];
  return [check, ...reads, SCP_SERVER, push, `no ${SCP_SERVER}`, ...reads];
}

export function stageCommands(input: StageInput): string[] {
  const dest = `${input.filesystem}${input.image.file}`;
  return input.method === 'http' ? [`dir ${input.filesystem}`, `copy ${input.url ?? 'http://<image server>/…'} ${dest}`] : [`dir ${input.filesystem}`, ...scpStageCommands(input, false)];
}

/** Image and package files of other releases than the running one and the target ("install remove inactive" deletes them). */
export function inactiveImages(f: IosxeFacts, plan: ActivationPlan): string[] {
  const padded = padVersion(plan.previousVersion);
  return f.files.filter((x) => (x.name.endsWith('.bin') || x.name.endsWith('.pkg')) && !x.name.includes(padded) && x.name !== plan.image?.file).map((x) => x.name);
}

/** "17.6.5" as image file names spell it: "17.06.05". */
export function padVersion(version: string): string {
  return version.split('.').map((x) => (/^\d$/.test(x.replace(/[a-z]$/, '')) ? `0${x}` : x)).join('.');
}
