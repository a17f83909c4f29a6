// `upshift plan` and dry runs: each device's steps and the exact commands,
// read from the same step sequence the engine runs (the driver's rules), for
// the facts already collected. Nothing is sent.
import type { Facts, ImageSource, StepSpec } from '../drivers/contract.js';
import { DeviceError } from '../drivers/errors.js';
import { isUpgradable, rulesFor } from '../drivers/registry.js';
import { normalizeVersion } from '../common/versions.js';
import type { DeviceRow, Inventory } from '../store/types.js';
import { upgradeSettings } from './context.js';
import type { GateKind } from './gates.js';
import { isA } from '../common/errors.js';
import { imageFileCheck, imageSourceFor } from './transfer.js';

export interface PlanStep { step: string; gate: GateKind | null; commands: string[]; note?: string }
export interface DevicePlan {
  hostname: string;
  platform: string;
  current: string | null;
  target: string | null;
  kind: string | null;
  state: 'planned' | 'already-current' | 'no-facts' | 'not-upgradable';
  steps: PlanStep[];
  onFailure: PlanStep[];
  /** What brings it back into service if the upgrade stops after its switchover (PAN-OS HA). */
  onStop?: PlanStep[];
}

/** Where the plan's copy commands point: `hint` stands for the image server's address, known only when a run starts. */
export interface PlanImages { hint: string; imagesDir?: string; serveAddress?: string }

export function planDevice(row: DeviceRow, facts: Facts | null, inv: Inventory, images: PlanImages): DevicePlan {
  const { hint, imagesDir = '<images>', serveAddress } = images;
  const base: DevicePlan = { hostname: row.hostname, platform: row.platform, current: facts?.version ?? null, target: row.targetVersion, kind: null, state: 'planned', steps: [], onFailure: [] };
  if (!isUpgradable(row.platform)) return { ...base, state: 'not-upgradable' };
  if (facts && row.targetVersion && normalizeVersion(facts.version) === normalizeVersion(row.targetVersion)) return { ...base, state: 'already-current' };
  const rules = rulesFor(row.platform);
  const head: PlanStep[] = [{ step: 'facts', gate: null, commands: [...rules.factsCommands] }];
  if (!facts) return { ...base, state: 'no-facts', steps: [...head, { step: 'precheck → commit', gate: null, commands: [], note: 'run upshift check (or plan --refresh) to collect facts: the steps depend on the device' }] };
  const img = row.image ? inv.images.find((i) => i.file.toLowerCase() === row.image!.toLowerCase()) : undefined;
  const settings = upgradeSettings(inv.settings);
  let plan;
  try {
    plan = rules.plan(facts, { targetVersion: row.targetVersion ?? '', image: img ? { ...img } : null, settings, paths: inv.paths });
  } catch (err) {
    if (isA(err, DeviceError)) return { ...base, state: 'not-upgradable', steps: [...head, { step: 'plan', gate: null, commands: [], note: err.detail }] };
    throw err;
  }
  const checks = rules.precheck(facts, plan, { settings, peer: null, switchoverDone: false });
  const seq = rules.sequence(plan, facts);
  // As the run decides: a device behind a jump host cannot say which address reaches upshift, so without --serve-address it gets SCP.
  const choice = { transfer: inv.settings.transfer, server: true, address: serveAddress ?? (row.via ? null : '<upshift>') };
  const file = plan.image?.file;
  const source: ImageSource | undefined = file ? imageSourceFor(choice, `${imagesDir}/${file}`, () => `${serveAddress ? hint.replace('<upshift>', serveAddress) : hint}/${row.hostname}/${file}`) : undefined;
  const show = (s: StepSpec): PlanStep => ({
    step: s.id, gate: s.gate, note: s.note,
    commands: s.kind === 'stage' ? rules.commandsFor('stage', plan, { source, version: s.version }) : s.commands,
  });
  const image = imageFileCheck(plan, imagesDir);
  head.push({ step: 'precheck', gate: null, commands: [], note: [...checks, ...(image ? [image] : [])].map((c) => c.name).join(', ') });
  return { ...base, kind: plan.kind, steps: [...head, ...seq.steps.map(show)], onFailure: seq.onFailure.map(show), ...(seq.restore ? { onStop: seq.restore.map(show) } : {}) };
}

export function formatPlan(p: DevicePlan): string {
  const head = `${p.hostname}  ${p.platform}  ${p.current ?? '?'} → ${p.target ?? '?'}${p.kind ? `  (${p.kind})` : ''}`;
  if (p.state === 'already-current') return `${head}\n   already current: nothing to do`;
  const line = (s: PlanStep, n: string) => `  ${n.padStart(3)} ${(s.step + (s.gate ? ` [${s.gate} gate]` : '')).padEnd(28)} ${s.commands.join(' ; ')}${s.note ? `${s.commands.length ? '  — ' : ''}${s.note}` : ''}`;
  const lines = p.steps.map((s, i) => line(s, `${i + 1}.`));
  if (p.onFailure.length) {
    lines.push('      if the post-check fails:');
    p.onFailure.forEach((s) => lines.push(line(s, '↩')));
  }
  if (p.onStop?.length) {
    lines.push('      if it stops after the switchover, before anything is installed:');
    p.onStop.forEach((s) => lines.push(line(s, '↩')));
  }
  return [head, ...lines].join('\n');
}

