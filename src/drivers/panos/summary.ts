// What the console shows of a firewall's facts.
import type { FactsSummary } from '../contract.js';
import type { PanosFacts } from './types.js';

export function summarizePanos(f: PanosFacts): FactsSummary {
  const notes: string[] = [];
  const r = f.readiness;
  if (r?.pendingChanges) notes.push('uncommitted configuration changes');
  if (f.softwareCheckError) notes.push(`software list from the firewall's cache: the update server could not be reached (${f.softwareCheckError})`);
  const running = r?.jobs.filter((j) => j.status !== 'FIN') ?? [];
  if (running.length) notes.push(`jobs running: ${running.map((j) => `${j.type} ${j.id}`).join(', ')}`);
  if (r?.locks.length) notes.push(`locks held: ${r.locks.map((l) => `${l.kind} by ${l.holder}`).join(', ')}`);
  if (f.ha?.preemptive) notes.push('HA preemption on');
  const cpu = r ? Math.max(r.mpCpuPercent ?? 0, ...r.dpCpuPercent.map((d) => d.percent)) : null;
  return {
    model: f.model, serial: f.serial, version: f.version, mode: f.ha ? `HA ${f.ha.local}` : null,
    redundancy: f.ha ? `HA pair, peer ${f.ha.peer}${f.ha.peerVersion ? ` on ${f.ha.peerVersion}` : ''}` : 'standalone',
    storage: f.diskFreeMb === null ? null : { label: '/opt/panrepo', free: Math.round(f.diskFreeMb * 1024 * 1024), total: f.diskTotalMb === null ? null : Math.round(f.diskTotalMb * 1024 * 1024) },
    cpu, notes,
  };
}
