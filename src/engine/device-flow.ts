// One device, from what it reports to where this command stops: assess
// (resume, already current, mid-upgrade), pre-checks, backup, cleanup, stage
// and verify. The disruptive part is in device-exec.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationPlan, Check, Facts, ImageSpec, StageInput } from '../drivers/contract.js';
import { IosxeDriver } from '../drivers/iosxe/driver.js';
import type { IosxeSettings } from '../drivers/iosxe/plan.js';
import type { AnyDriver } from '../drivers/registry.js';
import { normalizeVersion } from '../common/versions.js';
import type { DeviceStatus } from '../store/types.js';
import { describeGate } from './gate-text.js';
import { execute } from './device-exec.js';
import { journalView, observe, reconcile, stepDone, type JournalView } from './reconcile.js';
import { Stop, type DeviceRun } from './steps.js';

export interface FlowResult { status: DeviceStatus; message: string }
/** An HA pair member: its peer, whether the peer already runs the target, and whether only to check. */
export interface PairContext { peer: string; checkOnly?: boolean }

export function iosxeSettings(dr: DeviceRun): IosxeSettings {
  const s = dr.ctx.settings;
  return { flashMargin: s.flashMargin, cpuMaxPercent: s.cpuMaxPercent, commitAfterPostcheck: s.commitAfterPostcheck, convertToInstall: s.convertToInstall, issu: s.issu };
}

function imageOf(dr: DeviceRun): ImageSpec {
  const img = dr.ctx.inventory.images.find((i) => i.file.toLowerCase() === (dr.row.image ?? '').toLowerCase());
  if (!img) throw new Stop('blocked', `image ${dr.row.image} is not in the Images sheet`);
  return { file: img.file, version: img.version, size: img.size, md5: img.md5, sha512: img.sha512, models: img.models };
}

export function planFor(dr: DeviceRun, driver: AnyDriver, f: Facts): ActivationPlan {
  if (driver instanceof IosxeDriver) return driver.planActivation(f, imageOf(dr), iosxeSettings(dr));
  return { kind: 'panos', image: null, targetVersion: dr.target!, filesystem: '', previousBoot: [], previousVersion: f.version, stack: false };
}

/** The device's whole flow for this command. */
export async function deviceFlow(dr: DeviceRun, driver: AnyDriver, pair?: PairContext): Promise<FlowResult> {
  const ctx = dr.ctx;
  let v = journalView(dr);
  const open = [...v.last.values()].filter((e) => e.outcome === 'started' && e.disruptive === 1).sort((a, b) => b.id - a.id);
  let f: Facts;
  if (open.length > 0) {
    f = await reconcile(dr, driver, open[0], v);
    v = journalView(dr);
  } else f = await observe(dr, driver, v);
  ctx.store.saveFacts(dr.hostname, f);
  ctx.bus.emit({ type: 'facts', hostname: dr.hostname, facts: f });
  dr.patch({ current_version: f.version, model: f.model, serial: f.serial, target_version: dr.target });

  const onTarget = normalizeVersion(f.version) === normalizeVersion(dr.target!);
  const activated = stepDone(v, 'activate');
  if (onTarget && !activated) {
    if (f.install?.uncommitted) throw new Stop('needs-attention', `runs ${f.version} activated but not committed, and not by upshift: commit or abort it by hand`);
    dr.patch({ readiness: 'already current' });
    return { status: 'already-current', message: `runs ${f.version}` };
  }
  if (activated) {
    const plan = v.plan ?? planFor(dr, driver, f);
    const switchoverPending = plan.kind === 'issu' && !stepDone(v, 'switchover');
    if (!onTarget && !switchoverPending) throw new Stop('needs-attention', `was activated on ${dr.target} but runs ${f.version} (auto-abort timer, failed boot or a manual change?)`);
    if (ctx.options.command !== 'run' || ctx.options.dryRun || pair?.checkOnly) return { status: 'held', message: `upgrade in progress (${switchoverPending ? 'switchover' : 'post-check and commit'} pending): finish it with upshift run` };
    dr.finishing = true;
    return execute(dr, driver, f, plan, v, { resumeAfterActivate: true, pair });
  }
  return prepare(dr, driver, f, v, pair);
}

async function prepare(dr: DeviceRun, driver: AnyDriver, f: Facts, v: JournalView, pair?: PairContext): Promise<FlowResult> {
  const ctx = dr.ctx;
  let plan = planFor(dr, driver, f);
  const checks = await dr.step('precheck', async () => precheckFor(dr, driver, f, plan, pair, stepDone(v, 'switchover')), { message: (c) => summary(c) });
  let cleanupNeeded = false;
  const failing = checks.filter((c) => !c.ok);
  if (failing.length === 1 && failing[0].name === 'flash' && plan.kind !== 'bundle' && inactiveFiles(f, plan).length > 0) cleanupNeeded = true;
  ctx.bus.emit({ type: 'checks', hostname: dr.hostname, phase: 'pre', checks });
  dr.patch({ precheck: summary(checks), readiness: failing.length === 0 ? 'ready' : cleanupNeeded ? 'needs cleanup' : `✗ ${failing.map((c) => `${c.name}: ${c.detail}`).join('; ')}` });
  if (failing.length > 0 && !cleanupNeeded) throw new Stop('blocked', failing.map((c) => `${c.name}: ${c.detail}`).join('; '));
  if (ctx.options.command === 'check' || ctx.options.dryRun || pair?.checkOnly) {
    return { status: 'ready', message: ctx.options.dryRun ? `dry run: ${plan.kind} to ${plan.targetVersion} would follow; nothing changed` : cleanupNeeded ? 'ready after removing inactive files (cleanup gate)' : `ready for ${plan.targetVersion} (${plan.kind})` };
  }
  await dr.step('backup', () => driver.backup(join(ctx.options.stateDir, 'backups')));
  if (cleanupNeeded) {
    const gate = describeGate('cleanup', dr.row, f, plan, driver.commandsFor('cleanup', plan), ctx.settings.reloadTimeoutMs, 'cleanup');
    const d = await dr.gate(gate);
    if (d.decision !== 'approved') throw new Stop('held', `flash too small: the cleanup (install remove inactive) was ${d.decision === 'held' ? 'not approved' : `refused by ${d.by}`}`);
    await dr.step('cleanup', () => driver.cleanup());
    f = await dr.step('facts', () => driver.facts('facts', true));
    plan = planFor(dr, driver, f);
    const flash = (driver as IosxeDriver).precheck(f, plan.image!, iosxeSettings(dr), plan).find((c) => c.name === 'flash');
    if (flash && !flash.ok) throw new Stop('blocked', `flash: ${flash.detail} even after the cleanup`);
  }
  if (plan.image && driver instanceof IosxeDriver) {
    const input = await stageInput(dr, driver, plan);
    await dr.step('stage', () => driver.stage(input));
    await dr.step('verify', () => driver.verify(plan.image!, plan.filesystem));
  } else {
    await dr.step('stage', () => driver.stage({ image: { file: '', version: dr.target!, size: null, md5: null, sha512: null, models: [] }, method: 'http', filesystem: '' }));
    await dr.step('verify', () => driver.verify({ file: '', version: dr.target!, size: null, md5: null, sha512: null, models: [] }, ''));
  }
  if (ctx.options.command === 'stage') return { status: 'staged', message: `${plan.targetVersion} staged and verified` };
  return execute(dr, driver, f, plan, v, { resumeAfterActivate: false, pair });
}

function precheckFor(dr: DeviceRun, driver: AnyDriver, f: Facts, plan: ActivationPlan, pair: PairContext | undefined, suspendedByUs: boolean): Check[] {
  if (driver instanceof IosxeDriver) {
    const checks = driver.precheck(f, plan.image!, iosxeSettings(dr), plan);
    const file = join(dr.ctx.options.imagesDir, plan.image!.file);
    checks.push({ name: 'image-file', ok: existsSync(file), detail: existsSync(file) ? `${plan.image!.file} in the image repository` : `${file} not found in the image repository` });
    return checks;
  }
  const checks = driver.precheck(f, dr.target!, { diskMargin: 1.1 });
  // Once its peer runs the target, a pair is out of sync until this member follows.
  const ha = f.extra.ha as { local?: string; peerVersion?: string } | null;
  const peerAhead = !!ha?.peerVersion && normalizeVersion(ha.peerVersion) === normalizeVersion(dr.target!);
  return checks.map((c) => {
    if (c.ok) return c;
    if (c.name === 'ha-sync' && peerAhead) return { ...c, ok: true, detail: `${c.detail} (expected: ${pair?.peer ?? 'the peer'} already runs ${dr.target})` };
    // upshift suspended this member itself (its switchover) before a stop: that is where it left it.
    if (c.name === 'ha' && ha?.local === 'suspended' && suspendedByUs) return { ...c, ok: true, detail: `${c.detail} (suspended by upshift for this upgrade)` };
    return c;
  });
}

function inactiveFiles(f: Facts, plan: ActivationPlan): string[] {
  const running = plan.previousVersion;
  const padded = running.split('.').map((x) => (/^\d$/.test(x.replace(/[a-z]$/, '')) ? `0${x}` : x)).join('.');
  return f.files.filter((x) => (x.name.endsWith('.bin') || x.name.endsWith('.pkg')) && !x.name.includes(padded) && x.name !== plan.image?.file).map((x) => x.name);
}

async function stageInput(dr: DeviceRun, driver: IosxeDriver, plan: ActivationPlan): Promise<StageInput> {
  const ctx = dr.ctx;
  const image = plan.image!;
  if (ctx.settings.transfer === 'scp' || !ctx.imageServer) {
    return { image, method: 'scp', filesystem: plan.filesystem, localFile: join(ctx.options.imagesDir, image.file) };
  }
  const address = ctx.options.serveAddress ?? (await driver.localAddress());
  if (!address) {
    // Behind a jump host upshift cannot tell which address the device would reach: push through the tunnel instead.
    ctx.bus.log('info', 'reached through a jump host and no --serve-address: pushing the image with SCP', dr.hostname);
    return { image, method: 'scp', filesystem: plan.filesystem, localFile: join(ctx.options.imagesDir, image.file) };
  }
  return { image, method: 'http', filesystem: plan.filesystem, url: ctx.imageServer.url(address, dr.hostname, image.file) };
}

export function summary(checks: Check[]): string {
  return checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}`).join(' ');
}
