// PAN-OS upgrade paths: feature releases ("trains") in order, base images,
// how far one install may go, the chain of hops to a target (or the one an
// operator wrote in the Paths sheet), HA compatibility between the members
// of a pair, and the content each feature release needs. Pure; the rules
// and their sources are in docs/devices/panos-api.md ("What the driver relies on").
import { compareVersions, normalizeVersion } from '../../common/versions.js';
import { DeviceError } from '../errors.js';

/** Feature releases in the order a firewall moves through them (there is no 11.3: 12.1 follows 11.2). */
const KNOWN_TRAINS = ['8.0', '8.1', '9.0', '9.1', '10.0', '10.1', '10.2', '11.0', '11.1', '11.2', '12.1'];

/** Trains whose base image is not X.Y.0: the 12.1 base image is 12.1.2. */
const BASE_OVERRIDES: Record<string, string> = { '12.1': '12.1.2' };

/** Lowest Applications and Threats content each feature release installs with (its first number). */
export const MIN_CONTENT: Record<string, number> = { '10.1': 8450, '10.2': 8520, '11.0': 8630, '11.1': 8756, '11.2': 8850, '12.1': 8930 };

export function trainOf(version: string): string {
  return normalizeVersion(version).split('.').slice(0, 2).join('.');
}

const trainKey = (t: string) => t.split('.').map(Number);
const trainCmp = (a: string, b: string) => trainKey(a)[0] - trainKey(b)[0] || trainKey(a)[1] - trainKey(b)[1];

/** Every train known or offered, in order. */
export function trainsOf(offered: string[]): string[] {
  return [...new Set([...KNOWN_TRAINS, ...offered.map(trainOf)])].sort(trainCmp);
}

export function baseImageOf(train: string): string {
  return BASE_OVERRIDES[train] ?? `${train}.0`;
}

/** The base image an install of `target` on a firewall running `from` needs downloaded first: upward to another train only. */
export function baseImage(target: string, from: string): string | null {
  if (trainCmp(trainOf(target), trainOf(from)) <= 0) return null;
  const base = baseImageOf(trainOf(target));
  return base === normalizeVersion(target) ? null : base;
}

/** How many feature releases one install may move forward: three from 10.1 on, one before. */
export function maxTrainStep(from: string): number {
  return trainCmp(trainOf(from), '10.1') >= 0 ? 3 : 1;
}

export interface PathRule { from: string; to: string; via: string[] }

/** A Paths sheet row applies when its `from` and `to` are the versions, or their trains (X.Y). */
function matches(pattern: string, version: string): boolean {
  const p = normalizeVersion(pattern);
  return p === normalizeVersion(version) || (/^\d+\.\d+$/.test(p) && p === trainOf(version));
}

export interface Path { hops: string[]; source: 'paths-sheet' | 'rules' }

/**
 * The releases installed one after the other, the target last. Downgrades and
 * moves within reach go in one; further, each intermediate hop is the newest
 * offered release of the farthest train within reach (the upgrade guide's
 * advice: not a base image, the latest maintenance release).
 */
export function upgradePath(current: string, target: string, offered: string[], rules: PathRule[] = []): Path {
  const rule = rules.find((r) => matches(r.from, current) && matches(r.to, target));
  if (rule) return { hops: [...rule.via.map(normalizeVersion), normalizeVersion(target)], source: 'paths-sheet' };
  const trains = trainsOf([...offered, current, target]);
  const hops: string[] = [];
  let at = normalizeVersion(current);
  const goal = normalizeVersion(target);
  while (trains.indexOf(trainOf(goal)) - trains.indexOf(trainOf(at)) > maxTrainStep(at)) {
    const train = trains[trains.indexOf(trainOf(at)) + maxTrainStep(at)];
    const best = offered.filter((v) => trainOf(v) === train).sort(compareVersions).at(-1);
    if (!best) {
      throw new DeviceError('', 'plan', 'precondition', `${current} → ${target} goes through a ${train} release, and the update server offers none: give the path in the workbook's Paths sheet (from, to, via)`, undefined, false);
    }
    hops.push(best);
    at = best;
  }
  return { hops: [...hops, goal], source: 'rules' };
}

/** The base images of each hop, in order (a hop within its train needs none). */
export function hopBases(previous: string, hops: string[]): string[][] {
  return hops.map((hop, i) => {
    const b = baseImage(hop, i === 0 ? previous : hops[i - 1]);
    return b ? [b] : [];
  });
}

/**
 * Whether two members of an HA pair may run these releases side by side (the
 * pair keeps forwarding while one member is ahead): the rules and their source are in
 * docs/devices/panos-api.md ("Upgrade path", "Sources").
 */
export function haCompatible(a: string, b: string): { ok: boolean; why: string } {
  const [low, high] = compareVersions(a, b) <= 0 ? [a, b] : [b, a];
  const [lMaj, lMin] = trainKey(trainOf(low));
  const [hMaj, hMin] = trainKey(trainOf(high));
  if (hMaj >= 11 && ((lMaj === 10 && lMin === 2) || lMaj >= 11)) return { ok: true, why: `${high} may run beside ${low} (10.2 and later)` };
  if (hMaj - lMaj > 1) return { ok: false, why: `${high} is more than one major release ahead of ${low}` };
  if (hMaj === lMaj && hMin - lMin > 1) return { ok: false, why: `${high} is more than one feature release ahead of ${low}` };
  if (hMaj === lMaj + 1 && hMin > 0) return { ok: false, why: `${high} is past the first feature release of the next major release after ${low}` };
  return { ok: true, why: `${high} may run beside ${low}` };
}

/** "8962-9233" → 8962. */
export function contentNumber(v: string | null): number | null {
  const n = v ? Number(v.split('-')[0]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}
