// What the console shows of an IOS-XE device's facts.
import type { FactsSummary } from '../contract.js';
import type { IosxeFacts } from './types.js';

export function summarizeIosxe(f: IosxeFacts): FactsSummary {
  const r = f.redundancy;
  const redundancy = r.kind === 'none' ? 'standalone' : r.kind === 'stack' ? `stack of ${r.members.length}` : r.kind === 'svl' ? 'StackWise Virtual' : 'dual supervisor';
  const notes: string[] = [];
  if (f.configSaved === false) notes.push('config NOT saved');
  if (f.uncommitted) notes.push(f.uncommitted.autoAbort ? `uncommitted install (auto-abort ${f.uncommitted.autoAbort})` : 'uncommitted install');
  if (f.manualBoot) notes.push('manual boot is on');
  return {
    model: f.model, serial: f.serial, version: f.version, mode: f.bootMode ? `${f.bootMode} mode` : null, redundancy,
    storage: { label: f.filesystem ?? 'flash', free: f.flashFree, total: f.flashTotal }, cpu: f.cpu5min, notes,
  };
}
