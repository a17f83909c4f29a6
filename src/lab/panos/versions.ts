// PAN-OS releases as the lab's update server knows them, and the rules a
// firewall applies to them: feature trains, base images, which installs it
// accepts. Sources and the lab's own choices: docs/devices/panos-api.md.

export interface PanosVersion { major: number; minor: number; patch: number; hotfix: number }

/** "10.2.9-h1" → {10, 2, 9, 1}; null when it is not a PAN-OS release number. */
export function parseVersion(v: string): PanosVersion | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-h(\d+))?$/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), hotfix: Number(m[4] ?? 0) } : null;
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return a.localeCompare(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch || x.hotfix - y.hotfix;
}

/** The feature release ("train") of a version: "11.1.4-h7" → "11.1". */
export function trainOf(v: string): string {
  return v.split('.').slice(0, 2).join('.');
}

/** Feature releases in the order a firewall moves through them (there is no 11.3: 12.1 follows 11.2). */
export const TRAINS = ['9.0', '9.1', '10.0', '10.1', '10.2', '11.0', '11.1', '11.2', '12.1'];

export function trainIndex(v: string): number {
  return TRAINS.indexOf(trainOf(v));
}

/** Trains whose base image is not X.Y.0 (the 12.1 base image is 12.1.2). */
const BASE_OVERRIDES: Record<string, string> = { '12.1': '12.1.2' };

export function baseImageOf(v: string): string {
  const train = trainOf(v);
  return BASE_OVERRIDES[train] ?? `${train}.0`;
}

/** How many feature releases a firewall on `from` may move forward in one install. */
function maxTrainStep(from: string): number {
  // From 10.1 on, the firewall accepts a target up to three feature releases ahead
  // ("skip software version upgrade"); older releases go one feature release at a time.
  return trainIndex(from) >= TRAINS.indexOf('10.1') ? 3 : 1;
}

/**
 * Why a firewall running `from` refuses to install `to` (null: it accepts).
 * `downloaded` tells whether an image is in the software manager.
 */
export function installRefusal(from: string, to: string, downloaded: (v: string) => boolean): string | null {
  const step = trainIndex(to) - trainIndex(from);
  if (step <= 0) return null; // same train, or a downgrade: only the image itself is needed
  if (step > maxTrainStep(from)) {
    const next = TRAINS[trainIndex(from) + maxTrainStep(from)];
    return `Upgrading from ${from} to ${to} is not supported: it skips too many feature releases. Install a ${next} release first.`;
  }
  const base = baseImageOf(to);
  if (base !== to && !downloaded(base)) return `The base image ${base} must be downloaded before installing ${to}.`;
  return null;
}

export interface Release { version: string; sizeMb: number; releasedOn: string }

/** What the lab's update server offers (sizes in MB, release dates as the firewall prints them). */
const CATALOGUE: [string, string, number][] = [
  ['9.1.0', '2019/12/12 10:21:07', 1002], ['9.1.17', '2023/08/22 14:03:51', 538],
  ['10.0.0', '2020/07/15 09:12:44', 1088], ['10.0.12', '2023/06/01 11:40:19', 561],
  ['10.1.0', '2021/05/26 16:55:02', 1120], ['10.1.14-h9', '2025/02/11 08:17:33', 602],
  ['10.2.0', '2022/02/24 18:30:12', 1168], ['10.2.9-h1', '2024/04/19 12:05:41', 634], ['10.2.10', '2024/06/12 10:44:09', 638], ['10.2.13-h5', '2025/03/27 07:51:26', 645],
  ['11.0.0', '2022/11/17 08:45:28', 1037], ['11.0.6', '2024/10/02 13:22:17', 651],
  ['11.1.0', '2023/11/02 15:10:54', 1203], ['11.1.2', '2024/03/06 09:33:48', 663], ['11.1.4-h7', '2024/12/04 17:26:02', 671], ['11.1.6-h3', '2025/05/15 11:08:39', 676],
  ['11.2.0', '2024/05/21 16:02:11', 1240], ['11.2.3', '2024/10/29 10:19:55', 688], ['11.2.5', '2025/02/20 14:47:30', 692],
  ['12.1.2', '2025/08/28 09:58:14', 1305], ['12.1.3', '2025/10/16 12:36:07', 714],
];

function sizeFor(v: string): number {
  const p = parseVersion(v);
  return p && p.patch === 0 && p.hotfix === 0 ? 1100 + p.minor * 17 : 600 + ((p?.patch ?? 0) * 7 + (p?.hotfix ?? 0) * 3) % 90;
}

/** The update server's list, with the firewall's own release and any extra versions a fleet names. */
export function catalogue(extra: (string | null | undefined)[] = []): Release[] {
  const out = new Map(CATALOGUE.map(([version, releasedOn, sizeMb]) => [version, { version, releasedOn, sizeMb }]));
  for (const v of extra) {
    if (!v || out.has(v) || !parseVersion(v)) continue;
    out.set(v, { version: v, sizeMb: sizeFor(v), releasedOn: '2025/06/30 10:00:00' });
    const base = baseImageOf(v);
    if (!out.has(base)) out.set(base, { version: base, sizeMb: sizeFor(base), releasedOn: '2025/01/15 10:00:00' });
  }
  return [...out.values()].sort((a, b) => compareVersions(b.version, a.version));
}

/**
 * Lowest App & Threat content (its first number) each feature release needs
 * before it installs. The numbers are the lab's; real ones are in each release's notes.
 */
export const MIN_CONTENT: Record<string, number> = { '10.1': 8450, '10.2': 8520, '11.0': 8630, '11.1': 8756, '11.2': 8850, '12.1': 8930 };

export function contentNumber(v: string): number {
  return Number(v.split('-')[0]) || 0;
}
