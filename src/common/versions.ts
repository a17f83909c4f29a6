// Version strings as devices print them and as the workbook holds them.
// Shared by the store and the drivers (it depends on nothing).

/**
 * Normal form of a version: numeric parts without leading zeros
 * (16.12.04 → 16.12.4, 17.09.05a → 17.9.5a). Suffixes are kept as written.
 */
export function normalizeVersion(version: string): string {
  return version.trim().replace(/\d+/g, (digits) => String(Number(digits)));
}

/** Compare two normalised versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = versionKey(a);
  const pb = versionKey(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

function versionKey(v: string): number[] {
  // 17.9.5a → [17, 9, 5, 1]; 11.1.4-h7 → [11, 1, 4, 7]; -c/-b releases sort below the release.
  const m = /^(\d+)\.(\d+)\.(\d+)([a-z])?(?:-([hcb])(\d+))?/.exec(normalizeVersion(v));
  if (!m) return v.split(/\D+/).filter(Boolean).map(Number);
  const letter = m[4] ? m[4].charCodeAt(0) - 96 : 0;
  const hot = m[5] === 'h' ? Number(m[6]) : m[5] ? -1 / (1 + Number(m[6])) : 0;
  return [Number(m[1]), Number(m[2]), Number(m[3]), letter, hot];
}

