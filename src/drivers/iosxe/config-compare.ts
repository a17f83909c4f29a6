// Running against startup configuration, by what they say. The header lines
// IOS prints (`! Last configuration change …`, `! NVRAM config last
// updated …`) are a change clock: a change that was undone still moves it.
// Whether a reload would lose anything is in the texts (docs/devices/iosxe-sessions.md,
// "Saved or not").
import type { IosxeSession } from './session.js';

/**
 * The start of a configuration read, where a refusal would be (`% Invalid input…`,
 * `% Authorization failed`): a line of the configuration itself that starts with `%` (a
 * banner's `% Authorized access only %`) is no refusal.
 */
export function configHead(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').slice(0, 2).join('\n');
}

const refused = (text: string) => /Invalid input detected|^%/m.test(configHead(text));

/** Lines that say when or how big, not what is configured. */
const HEADER = /^(Building configuration|Current configuration|Using \d+ out of|! Last configuration change|! No configuration change|! NVRAM config last updated|!Time:)/;

/** A configuration's lines without its header lines and blank lines. */
export function configLines(text: string): string[] {
  return text.replace(/\r/g, '').split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !HEADER.test(l.trim()));
}

/** Lines only in running (`+ …`) or only in startup (`- …`), in order; empty when they say the same. */
export function configDifference(running: string, startup: string): string[] {
  const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const r = configLines(running);
  const s = configLines(startup);
  const inStartup = count(s);
  const inRunning = count(r);
  const only = (lines: string[], other: Map<string, number>, mark: string) => lines.filter((l) => {
    const n = other.get(l) ?? 0;
    if (n > 0) other.set(l, n - 1);
    return n === 0;
  }).map((l) => `${mark} ${l.trim()}`);
  const added = only(r, inStartup, '+');
  const removed = only(s, inRunning, '-');
  if (added.length || removed.length) return [...added, ...removed];
  // Same lines in another order still matter (access lists, route maps are ordered).
  return r.join('\n') === s.join('\n') ? [] : ['~ the same lines in another order'];
}

export interface ConfigComparison { running: string; startup: string; /** null: a configuration could not be read. */ same: boolean | null; difference: string[] }

/** Reads both configurations together (typed ahead) and compares them. */
export async function compareConfigs(s: IosxeSession, step: string): Promise<ConfigComparison> {
  const [running, startup] = await s.readConfigurations(step);
  if (refused(running) || refused(startup)) return { running, startup, same: null, difference: [] };
  const difference = configDifference(running, startup);
  return { running, startup, same: difference.length === 0, difference };
}

/** Words after which a configuration line carries a secret (passwords, keys, SNMP communities). */
const SECRET_WORD = /^(.*?\b(?:secret|password|key|key-string|community|pre-shared-key|authentication-key|md5))\b.*$/i;

/** "+ logging buffered 64000; - logging buffered 16384" (the first few), with what follows a secret's keyword left out. */
export function describeDifference(difference: string[], max = 4): string {
  const shown = difference.slice(0, max).map((l) => l.replace(SECRET_WORD, '$1 …')).join('; ');
  return difference.length > max ? `${shown}; and ${difference.length - max} more` : shown;
}
