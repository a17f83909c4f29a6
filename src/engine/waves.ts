// Waves: the canary first, then batches (count or percent); a `wave` cell
// puts a device in that wave. HA pairs travel together as one unit.
import type { DeviceRow, Settings } from '../store/types.js';

export interface Unit { hostnames: string[] }
export interface Wave { number: number; units: Unit[] }

export function planWaves(devices: DeviceRow[], settings: Settings): Wave[] {
  const byName = new Map(devices.map((d) => [d.hostname.toLowerCase(), d]));
  const seen = new Set<string>();
  const units: { unit: Unit; wave: number | null }[] = [];
  for (const d of devices) {
    if (seen.has(d.hostname.toLowerCase())) continue;
    seen.add(d.hostname.toLowerCase());
    const peer = d.haPeer ? byName.get(d.haPeer.toLowerCase()) : undefined;
    if (peer && !seen.has(peer.hostname.toLowerCase())) {
      seen.add(peer.hostname.toLowerCase());
      const wave = d.wave ?? peer.wave;
      units.push({ unit: { hostnames: [d.hostname, peer.hostname] }, wave });
    } else units.push({ unit: { hostnames: [d.hostname] }, wave: d.wave });
  }
  const explicit = units.filter((u) => u.wave !== null);
  const auto = units.filter((u) => u.wave === null).map((u) => u.unit);
  const waves = new Map<number, Unit[]>();
  const add = (n: number, u: Unit) => waves.set(n, [...(waves.get(n) ?? []), u]);
  // Automatic waves: the canary is wave 1, then batches 2, 3, … sized in devices.
  const total = auto.reduce((s, u) => s + u.hostnames.length, 0);
  const batch = 'count' in settings.batchSize ? settings.batchSize.count : Math.max(1, Math.ceil((total * settings.batchSize.percent) / 100));
  let wave = 1;
  let filled = 0;
  let limit = Math.max(1, settings.canary);
  for (const u of auto) {
    if (filled > 0 && filled + u.hostnames.length > limit) {
      wave++;
      filled = 0;
      limit = batch;
    }
    add(wave, u);
    filled += u.hostnames.length;
  }
  for (const u of explicit) add(u.wave!, u.unit);
  return [...waves].sort((a, b) => a[0] - b[0]).map(([number, us]) => ({ number, units: us }));
}
