// PAN-OS readiness: every pre-check with a reason the operator can act on,
// each at least as strict as its pan-os-upgrade-assurance counterpart
// (docs/devices/panos-api.md, "What the driver relies on"). Pure: decided
// from facts read with `readiness`.
import type { ActivationPlan, Check, PrecheckContext } from '../contract.js';
import { normalizeVersion } from '../../common/versions.js';
import { downgradeCheck } from '../downgrade.js';
import { contentNumber, haCompatible, MIN_CONTENT, trainOf } from './paths.js';
import type { PanosFacts, PanosReadiness } from './types.js';

/** pan-os-upgrade-assurance's margin: 1.1 × the images, in tenths. */
const DISK_MARGIN_TENTHS = 11;
/** RSA keys under this and signatures with these hashes are refused by current releases. */
const MIN_RSA_BITS = 2048;
const MIN_EC_BITS = 256;
const WEAK_HASHES = new Set(['md5', 'sha1']);

const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'unknown');

function softwareNote(f: PanosFacts): string {
  return f.softwareCheckError ? ` (from the firewall's cached list: the update server could not be reached: ${f.softwareCheckError})` : '';
}

function pathCheck(f: PanosFacts, plan: ActivationPlan, ctx: PrecheckContext): Check {
  const target = plan.targetVersion;
  const down = downgradeCheck(target, f.version, ctx.settings.allowDowngrade);
  if (down && !down.ok) return down;
  const hops = plan.hops ?? [target];
  const listed = (v: string) => f.software.some((s) => s.version === v);
  const missing = [...hops, ...(plan.baseImages ?? [])].filter((v) => !listed(v));
  if (missing.length) return check('upgrade-path', false, `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not offered by the update server${softwareNote(f)}`);
  const bases = plan.baseImages ?? [];
  const chain = [f.version, ...hops].join(' → ');
  const how = hops.length > 1 ? `${chain} (${hops.length} installs, each a restart${bases.length ? `; base images ${bases.join(', ')}` : ''})` : `${chain}${bases.length ? ` through base image ${bases.join(', ')}` : ''}`;
  return check('upgrade-path', true, `${how}${softwareNote(f)}`);
}

function diskCheck(f: PanosFacts, plan: ActivationPlan): Check {
  // Everything the path downloads stays on /opt/panrepo: target, hops and base images, with assurance's 10 % margin.
  const images = [...new Set([...(plan.baseImages ?? []), ...(plan.hops ?? [plan.targetVersion])])];
  const sizeMb = images.reduce((n, v) => {
    const e = f.software.find((x) => x.version === v);
    return n + (e && !e.downloaded ? e.sizeMb : 0);
  }, 0);
  // In tenths, so that 1.1 × 1750 is 1925 and not 1926 from a floating-point remainder.
  const needMb = Math.ceil((sizeMb * DISK_MARGIN_TENTHS) / 10);
  const free = f.diskFreeMb === null ? null : Math.floor(f.diskFreeMb);
  if (free === null) return check('disk', false, 'free space on /opt/panrepo unknown');
  return check('disk', free >= needMb, `${free} MB free on /opt/panrepo ${free >= needMb ? '≥' : '<'} ${needMb} MB needed`);
}

function configChecks(r: PanosReadiness): Check[] {
  const yes = (v: boolean | null, what: string, fix: string) => (v === false ? `no ${what}` : v === null ? `could not tell whether ${what}` : fix);
  const config = r.locks.filter((l) => l.kind === 'config');
  const commit = r.locks.filter((l) => l.kind === 'commit');
  const lockText = (ls: PanosReadiness['locks']) => ls.map((l) => `${l.holder}${l.created ? ` since ${l.created}` : ''}${l.comment ? ` ("${l.comment}")` : ''}`).join(', ');
  const running = r.jobs.filter((j) => j.status !== 'FIN');
  return [
    check('pending-changes', r.pendingChanges === false, yes(r.pendingChanges, 'uncommitted changes', 'uncommitted configuration changes: commit or revert them first')),
    check('full-commit', r.fullCommitRequired === false, yes(r.fullCommitRequired, 'full commit required', 'a full commit is required (check full-commit-required): commit the whole configuration first')),
    check('config-lock', config.length === 0, config.length ? `configuration locked by ${lockText(config)}: ask them to release it` : 'no configuration lock'),
    check('commit-lock', commit.length === 0, commit.length ? `commits locked by ${lockText(commit)}: ask them to release it` : 'no commit lock'),
    check('jobs', running.length === 0, running.length ? `jobs not finished: ${running.map((j) => `${j.type} ${j.id} (${j.status}${j.progress ? ` ${j.progress}%` : ''})`).join(', ')}: wait for them` : 'no running jobs'),
  ];
}

function entitlementChecks(f: PanosFacts, r: PanosReadiness, now: number): Check[] {
  const expired = r.licenses.filter((l) => l.expired || (l.expires !== null && Date.parse(l.expires) < now));
  const lic = r.licenses.length === 0
    ? check('licenses', false, 'no licence installed (request license info lists none): the firewall cannot download software')
    : check('licenses', expired.length === 0, expired.length ? `expired: ${expired.map((l) => `${l.feature} (${day(l.expires)})`).join(', ')}` : `${r.licenses.length} licences, none expired`);
  const s = r.support;
  const from = s.source === 'licence' ? ` (from the support licence: the update server could not be asked${s.error ? `: ${s.error}` : ''})` : '';
  const support = !s.expires
    ? check('support', false, `no active support contract found${s.error ? ` (${s.error})` : ''}`)
    : check('support', Date.parse(s.expires) >= now, `${Date.parse(s.expires) >= now ? 'support active until' : 'support expired on'} ${day(s.expires)}${s.level ? ` (${s.level})` : ''}${from}`);
  return [lic, support];
}

function contentCheck(f: PanosFacts, plan: ActivationPlan): Check {
  const have = contentNumber(f.appVersion);
  const needs = (plan.hops ?? [plan.targetVersion]).map((h) => ({ hop: h, min: MIN_CONTENT[trainOf(h)] })).filter((x) => x.min !== undefined);
  const need = needs.reduce<{ hop: string; min: number } | null>((top, x) => (!top || x.min > top.min ? x : top), null);
  if (have === null) return check('content', false, 'the installed Applications and Threats content is unknown');
  if (!need) return check('content', true, `content ${f.appVersion} (no minimum known for ${trainOf(plan.targetVersion)})`);
  return check('content', have >= need.min, `content ${f.appVersion} ${have >= need.min ? '≥' : '<'} ${need.min}, the minimum of ${trainOf(need.hop)}${have >= need.min ? '' : ': install newer Applications and Threats content first'}`);
}

function platformChecks(f: PanosFacts, r: PanosReadiness, maxPercent: number): Check[] {
  const ntpOk = !!r.ntp.synched && r.ntp.synched !== 'LOCAL';
  const unreachable = r.ntp.servers.filter((s) => !s.reachable).map((s) => s.name);
  const ntp = check('ntp', ntpOk, ntpOk ? `synchronised to ${r.ntp.synched}` : r.ntp.servers.length ? `not synchronised: on its local clock${unreachable.length ? ` (${unreachable.join(', ')} unreachable)` : ''}` : 'not synchronised: no NTP server configured');
  const pano = r.panorama.length === 0
    ? check('panorama', true, 'not managed by Panorama')
    : check('panorama', r.panorama.some((p) => p.connected), `${r.panorama.map((p) => `${p.address} ${p.connected ? 'connected' : 'not connected'}`).join(', ')}`);
  const dpMax = r.dpCpuPercent.reduce<{ dp: string; percent: number } | null>((top, d) => (!top || d.percent > top.percent ? d : top), null);
  const pct = (n: number) => `${n}%`;
  const cpu = [
    check('mp-cpu', r.mpCpuPercent !== null && r.mpCpuPercent < maxPercent, r.mpCpuPercent === null ? 'MP CPU unknown' : `MP CPU ${pct(r.mpCpuPercent)} ${r.mpCpuPercent < maxPercent ? '<' : '≥'} ${maxPercent}%`),
    check('dp-cpu', !!dpMax && dpMax.percent < maxPercent, !dpMax ? 'DP CPU unknown' : `DP CPU ${r.dpCpuPercent.map((d) => `${d.dp} ${pct(d.percent)}`).join(', ')} (5 min) ${dpMax.percent < maxPercent ? '<' : '≥'} ${maxPercent}%`),
    check('mp-memory', r.mpMemoryPercent !== null && r.mpMemoryPercent < maxPercent, r.mpMemoryPercent === null ? 'MP memory unknown' : `MP memory ${pct(r.mpMemoryPercent)} used ${r.mpMemoryPercent < maxPercent ? '<' : '≥'} ${maxPercent}%`),
  ];
  const skewed = r.clockSkewS.filter((c) => Math.abs(c.skew) > r.clockResolutionS);
  const clock = r.clockSkewS.length === 0
    ? check('planes-clock', false, 'the data plane clocks could not be read')
    : check('planes-clock', skewed.length === 0, skewed.length ? `data plane clock${skewed.length > 1 ? 's' : ''} apart from the management plane: ${skewed.map((c) => `dp${c.dp} ${c.skew > 0 ? '+' : ''}${c.skew} s`).join(', ')}` : `${r.clockSkewS.length} data plane clock${r.clockSkewS.length > 1 ? 's' : ''} in step with the management plane (±${r.clockResolutionS} s)`);
  const device = f.deviceCertificate === null || /^valid$/i.test(f.deviceCertificate)
    ? check('device-certificate', true, f.deviceCertificate ? 'device certificate valid' : 'this release does not report a device certificate')
    : check('device-certificate', false, `device certificate ${f.deviceCertificate}: install a valid device certificate first`);
  const weak = r.certificates.filter((c) => (c.algorithm === 'RSA' && (c.keyBits ?? 0) < MIN_RSA_BITS) || (c.algorithm === 'EC' && (c.keyBits ?? 0) < MIN_EC_BITS) || (c.signatureHash !== null && WEAK_HASHES.has(c.signatureHash)) || c.algorithm === null);
  const certs = check('certificates', weak.length === 0, weak.length
    ? `weak certificates: ${weak.map((c) => (c.algorithm === null ? `${c.name} (unreadable)` : `${c.name} (${c.algorithm} ${c.keyBits ?? '?'} bits, ${c.signatureHash ?? '?'})`)).join(', ')}: replace them (RSA ≥ ${MIN_RSA_BITS}, EC ≥ ${MIN_EC_BITS}, SHA-256 or better)`
    : `${r.certificates.length} shared certificate${r.certificates.length === 1 ? '' : 's'}, none weak`);
  return [ntp, pano, ...cpu, clock, device, certs];
}

function haChecks(f: PanosFacts, plan: ActivationPlan, ctx: PrecheckContext): Check[] {
  const ha = f.ha;
  if (!ha) return [];
  const target = plan.targetVersion;
  // Once its peer runs the target, the pair is out of sync until this member follows.
  const peerAhead = (ctx.peer?.onTarget ?? false) || (!!ha.peerVersion && normalizeVersion(ha.peerVersion) === target);
  const suspendedByUs = ha.local === 'suspended' && ctx.switchoverDone;
  const roles = ['active', 'passive'];
  const healthy = (roles.includes(ha.local) || suspendedByUs) && roles.includes(ha.peer) && ha.local !== ha.peer && ha.peerConnected && (ha.mode ?? 'Active-Passive') === 'Active-Passive';
  const peerName = ctx.peer?.hostname ?? 'the peer';
  // A peer held non-functional once it runs the target (a plugin differs until both match): handing it the
  // traffic would leave no member forwarding, so this member's upgrade would be an outage of the pair.
  const stuckPeer = ha.peer === 'non-functional' && peerAhead
    ? `: ${peerName} already runs ${target} and stays non-functional until this member does (a plugin or version mismatch); suspending this member would leave no member forwarding, so its upgrade is an outage — do it by hand, or make ${peerName} functional first`
    : '';
  const out = [check('ha', healthy, `${ha.mode ?? 'HA'}: local ${ha.local}, peer ${ha.peer}${ha.peerConnected ? '' : ' (not connected)'}${suspendedByUs ? ' (suspended by upshift for this upgrade)' : ''}${ha.mode && ha.mode !== 'Active-Passive' ? ': only active/passive pairs are upgraded' : ''}${stuckPeer}`)];
  const synced = !ha.syncEnabled || ha.sync === 'synchronized';
  out.push(check('ha-sync', synced || peerAhead, `configuration ${ha.syncEnabled ? ha.sync || 'sync unknown' : 'sync disabled'}${!synced && peerAhead ? ` (expected: ${peerName} already runs ${target})` : ''}`));
  if (ha.peerVersion) {
    const bad = (plan.hops ?? [target]).map((h) => ({ h, c: haCompatible(h, ha.peerVersion!) })).find((x) => !x.c.ok);
    out.push(bad
      ? check('ha-compat', false, `${bad.c.why}: while ${peerName} runs ${ha.peerVersion}, this member cannot go to ${bad.h} without splitting the pair; upgrade the pair in smaller steps`)
      : check('ha-compat', true, `${(plan.hops ?? [target]).join(', ')} may run beside ${peerName}'s ${ha.peerVersion}`));
  } else out.push(check('ha-compat', false, `the peer's release is unknown (${peerName} not connected?)`));
  return out;
}

export function readiness(f: PanosFacts, plan: ActivationPlan, ctx: PrecheckContext, now = Date.now()): Check[] {
  const checks = [pathCheck(f, plan, ctx), diskCheck(f, plan)];
  const r = f.readiness;
  if (!r) return [...checks, check('readiness', false, 'the readiness facts were not read (run upshift check)'), ...haChecks(f, plan, ctx)];
  return [...checks, ...configChecks(r), ...entitlementChecks(f, r, now), contentCheck(f, plan), ...platformChecks(f, r, ctx.settings.panosCpuMaxPercent), ...haChecks(f, plan, ctx)];
}
