// Settings allow_downgrade, the same on every platform: a target older than the
// running release is a choice the operator states, never a typo's effect.
import type { Check } from './contract.js';
import { compareVersions, normalizeVersion } from '../common/versions.js';

/** The `upgrade-path` pre-check for a downgrade; null when the target is not older than what runs. */
export function downgradeCheck(target: string, running: string | null, allowed: boolean): Check | null {
  if (!running || compareVersions(target, running) >= 0) return null;
  const what = `${target} is older than the running ${normalizeVersion(running)}`;
  return allowed
    ? { name: 'upgrade-path', ok: true, detail: `${what}: a downgrade, allowed by Settings allow_downgrade` }
    : { name: 'upgrade-path', ok: false, detail: `${what}: a downgrade is refused unless Settings allow_downgrade is yes` };
}
