// `upshift plan` and dry runs: each device's steps and the exact commands,
// from the workbook and the facts already collected. Nothing is sent.
import type { ActivationPlan, Facts, ImageSpec } from '../drivers/contract.js';
import { activationCommands, planActivation, rollbackCommands, SNAPSHOT_COMMANDS, type IosxeSettings } from '../drivers/iosxe/plan.js';
import { panosStepCommands } from '../drivers/panos/commands.js';
import { normalizeVersion } from '../common/versions.js';
import type { DeviceRow, Inventory } from '../store/types.js';
import type { GateKind } from './gates.js';

export interface PlanStep { step: string; gate: GateKind | null; commands: string[]; note?: string }
export interface DevicePlan {
  hostname: string;
  platform: string;
  current: string | null;
  target: string | null;
  kind: string | null;
  state: 'planned' | 'already-current' | 'no-facts';
  steps: PlanStep[];
  onFailure: PlanStep | null;
}

const IOSXE_FACTS = ['show version', 'dir <filesystem>', 'show install summary', 'show redundancy', 'show switch', 'show boot', 'show processes cpu | include CPU utilization', 'show running-config', 'show startup-config'];
const PANOS_FACTS = ['show system info', 'show high-availability state', 'request system software info', 'show system disk-space', 'check pending-changes', 'show jobs all', 'request license info'];
const PANOS_SNAPSHOT = ['show session info', 'show routing route', 'show arp all', 'show interface hardware'];

export function planDevice(row: DeviceRow, facts: Facts | null, inv: Inventory, transferHint: string): DevicePlan {
  const s = inv.settings;
  const minutes = Math.round(s.reloadTimeoutMs / 60_000);
  const base: DevicePlan = { hostname: row.hostname, platform: row.platform, current: facts?.version ?? null, target: row.targetVersion, kind: null, state: 'planned', steps: [], onFailure: null };
  if (facts && row.targetVersion && normalizeVersion(facts.version) === normalizeVersion(row.targetVersion)) return { ...base, state: 'already-current' };
  const iosxe = row.platform === 'iosxe';
  const steps: PlanStep[] = [{ step: 'facts', gate: null, commands: iosxe ? IOSXE_FACTS : PANOS_FACTS }, { step: 'precheck', gate: null, commands: [], note: iosxe ? 'flash, CPU, install state, redundancy/stack, boot variable, config saved, image model' : 'upgrade path, disk, pending changes, jobs, licences, HA and its sync' }];
  if (!facts) return { ...base, state: 'no-facts', steps: [...steps, { step: 'stage → commit', gate: null, commands: [], note: 'run upshift check (or plan --refresh) to collect facts: the commands depend on the device' }] };
  let plan: ActivationPlan;
  if (iosxe) {
    const img = inv.images.find((i) => i.file === row.image);
    const image: ImageSpec = { file: row.image ?? '', version: row.targetVersion ?? '', size: img?.size ?? null, md5: img?.md5 ?? null, sha512: img?.sha512 ?? null, models: img?.models ?? [] };
    const settings: IosxeSettings = { flashMargin: s.flashMargin, cpuMaxPercent: s.cpuMaxPercent, commitAfterPostcheck: s.commitAfterPostcheck, convertToInstall: s.convertToInstall, issu: s.issu };
    plan = planActivation(facts, image, settings);
    const dest = `${plan.filesystem}${image.file}`;
    steps.push(
      { step: 'backup', gate: null, commands: ['show running-config', 'show startup-config'] },
      { step: 'stage', gate: null, commands: [`dir ${plan.filesystem}`, s.transfer === 'scp' ? `scp (push) ${image.file} → ${dest}` : `copy ${transferHint}/${row.hostname}/${image.file} ${dest}`] },
      { step: 'verify', gate: null, commands: [`verify /${image.sha512 ? 'sha512' : 'md5'} ${dest}`] },
      { step: 'snapshot', gate: null, commands: SNAPSHOT_COMMANDS },
      { step: 'activate', gate: 'reload', commands: activationCommands(plan) },
    );
    if (plan.kind === 'issu') steps.push({ step: 'switchover', gate: 'switchover', commands: ['write memory', 'redundancy force-switchover'] });
    steps.push(
      { step: 'wait', gate: null, commands: [], note: `reconnect until ${plan.targetVersion} answers (reload_timeout ${minutes} min)` },
      { step: 'postcheck', gate: null, commands: SNAPSHOT_COMMANDS, note: `routes ±${s.routeMarginPercent}%, ARP ±${s.arpMarginPercent}%, BGP/OSPF neighbours and interfaces kept` },
      { step: 'commit', gate: null, commands: plan.kind === 'install' || plan.kind === 'issu' ? ['install commit'] : [], note: plan.kind === 'install' || plan.kind === 'issu' ? undefined : 'nothing to commit' },
    );
    return { ...base, kind: plan.kind, steps, onFailure: { step: 'rollback', gate: 'rollback', commands: rollbackCommands(plan) } };
  }
  const ha = facts.extra.ha as { local: string } | null;
  const t = row.targetVersion ?? '';
  steps.push({ step: 'backup', gate: null, commands: ['show config running'] }, { step: 'stage', gate: null, commands: panosStepCommands('stage', t, facts.version) }, { step: 'verify', gate: null, commands: panosStepCommands('verify', t, facts.version) }, { step: 'snapshot', gate: null, commands: PANOS_SNAPSHOT });
  if (ha?.local === 'active') steps.push({ step: 'switchover', gate: 'switchover', commands: panosStepCommands('switchover', t, facts.version), note: `${row.haPeer ?? 'the peer'} takes over` });
  steps.push(
    { step: 'activate', gate: 'reload', commands: panosStepCommands('activate', t, facts.version) },
    { step: 'wait', gate: null, commands: ['show system info', 'show chassis-ready'], note: `until ${t} answers and the chassis is ready (reload_timeout ${minutes} min)` },
    { step: 'postcheck', gate: null, commands: PANOS_SNAPSHOT, note: `sessions ±${s.sessionMarginPercent}%, routes ±${s.routeMarginPercent}%, ARP ±${s.arpMarginPercent}%` },
    { step: 'commit', gate: null, commands: ha ? ['request high-availability state functional (if suspended)'] : [] },
  );
  return { ...base, kind: ha ? `HA ${ha.local}` : 'standalone', steps, onFailure: { step: 'rollback', gate: 'rollback', commands: panosStepCommands('rollback', t, facts.version) } };
}

export function formatPlan(p: DevicePlan): string {
  const head = `${p.hostname}  ${p.platform}  ${p.current ?? '?'} → ${p.target ?? '?'}${p.kind ? `  (${p.kind})` : ''}`;
  if (p.state === 'already-current') return `${head}\n   already current: nothing to do`;
  const lines = p.steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${(s.step + (s.gate ? ` [${s.gate} gate]` : '')).padEnd(26)} ${s.commands.join(' ; ') || ''}${s.note ? `${s.commands.length ? '  — ' : ''}${s.note}` : ''}`);
  if (p.onFailure) lines.push(`      if the post-check fails: ${p.onFailure.step} [${p.onFailure.gate} gate]  ${p.onFailure.commands.join(' ; ')}`);
  return [head, ...lines].join('\n');
}
