// The last line of defence for secrets in what upshift writes: every event
// listener that writes somewhere (log file, events table, stdout, the console)
// receives events with the loaded credentials' secrets masked. Drivers mask
// what they know already; this catches what they cannot know (another
// credentials entry's password printed by a device, a secret in an error
// that did not come from a driver). docs/security.md.
import type { Listener, Stamped } from '../engine/events.js';
import { mask } from '../drivers/errors.js';
import { secretsOf, type Credentials } from '../store/credentials.js';

/** The secrets of every credential loaded in this session (file, environment, console login). */
export class SessionSecrets {
  private readonly values = new Set<string>();
  /** The values as a list, made again only when one is added (read for every event). */
  list: readonly string[] = [];

  add(credentials: Credentials | null): void {
    if (credentials) for (const s of secretsOf(credentials)) this.values.add(s);
    if (this.values.size !== this.list.length) this.list = [...this.values];
  }
}

/** A copy of `value` with every secret masked in its strings; `value` itself when none occurs (the usual case). */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return (secrets.some((s) => value.includes(s)) ? mask(value, secrets) : value) as T;
  if (Array.isArray(value)) {
    const out = value.map((v) => maskDeep(v, secrets));
    return (out.some((v, i) => v !== value[i]) ? out : value) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let copy: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(value)) {
      const m = maskDeep(v, secrets);
      if (m !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = m;
    }
    return (copy ?? value) as T;
  }
  return value;
}

/** `listener`, given events whose strings have the session's secrets masked. */
export function masked(listener: Listener, secrets: SessionSecrets): Listener {
  return (e: Stamped) => listener(secrets.list.length === 0 ? e : maskDeep(e, secrets.list));
}
