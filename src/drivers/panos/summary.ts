// What the console shows of a firewall's facts.
import type { FactsSummary } from '../contract.js';
import type { PanosFacts } from './types.js';

export function summarizePanos(f: PanosFacts): FactsSummary {
  const notes: string[] = [];
  if (f.pendingChanges) notes.push('uncommitted configuration changes');
  if (f.softwareSource === 'info') notes.push('software list from the cache (update server not reached)');
  if (f.runningJobs.length) notes.push(`jobs running: ${f.runningJobs.join(', ')}`);
  return {
    model: f.model, serial: f.serial, version: f.version, mode: f.ha ? `HA ${f.ha.local}` : null,
    redundancy: f.ha ? `HA pair (peer ${f.ha.peer}${f.ha.peerVersion ? ` on ${f.ha.peerVersion}` : ''})` : 'standalone',
    storage: f.diskFreeMb === null ? null : { label: '/opt/panrepo', free: Math.round(f.diskFreeMb * 1024 * 1024), total: null }, cpu: null, notes,
  };
}
