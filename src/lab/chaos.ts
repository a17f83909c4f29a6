// Random disconnects for soak runs (`chaos`): each device draws, once and from
// a seeded PRNG, whether it will drop a session mid-command output, drop its
// first image copy mid-transfer, and refuse the first login after a boot.
// The draws depend only on the seed and the hostname, never on timing, so a
// run can be replayed with the same seed. Chaos 0 draws nothing.

export type ChaosKind = 'session-drop' | 'copy-drop' | 'login-refused';

/** mulberry32: a small, fast 32-bit PRNG; good enough to pick faults, not for anything secret. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed of one device's stream: the lab's seed mixed with its hostname (FNV-1a). */
export function deviceSeed(seed: number, hostname: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < hostname.length; i++) h = Math.imul(h ^ hostname.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** Within how many commands of its first login a device with a session drop drops it (an upgrade sends about this many). */
export const SESSION_DROP_WITHIN = 40;

/** What one device was drawn to do, and what it has done so far. */
export class DeviceChaos {
  /** The session drops at this command (1 = the first the device runs), after this many characters of its output. */
  readonly sessionDrop: { atCommand: number; afterChars: number } | null;
  /** The first image copy drops once this share of the image has arrived. */
  readonly copyDrop: { atFraction: number } | null;
  /** The first login after the first boot is refused. */
  readonly loginRefusal: boolean;
  private commands = 0;
  private copies = 0;
  private booted = false;
  private refused = false;

  constructor(probability: number, seed: number, hostname: string) {
    if (!(probability >= 0 && probability <= 1)) throw new Error(`chaos must be a probability from 0 to 1, not ${probability}`);
    const random = mulberry32(deviceSeed(seed, hostname));
    // Always the same number of draws in the same order: one kind's outcome never shifts another's.
    const draws = Array.from({ length: 6 }, random);
    this.sessionDrop = draws[0] < probability ? { atCommand: 1 + Math.floor(draws[1] * SESSION_DROP_WITHIN), afterChars: Math.floor(draws[2] * 600) } : null;
    this.copyDrop = draws[3] < probability ? { atFraction: 0.1 + draws[4] * 0.8 } : null;
    this.loginRefusal = draws[5] < probability;
  }

  /** A command starts (its text, for a test's own drop rule): the characters of output after which its session drops, or null. */
  nextCommand(_command?: string): number | null {
    this.commands++;
    return this.sessionDrop?.atCommand === this.commands ? this.sessionDrop.afterChars : null;
  }

  /** A copy starts: the share of the image after which it drops (the first copy only), or null. */
  nextCopy(): number | null {
    this.copies++;
    return this.copies === 1 ? this.copyDrop?.atFraction ?? null : null;
  }

  /** The device has booted (after a reload). */
  boot(): void {
    this.booted = true;
  }

  /** A login attempt: true when this one is to be refused (once, the first after a boot). */
  refuseLogin(): boolean {
    if (!this.loginRefusal || !this.booted || this.refused) return false;
    this.refused = true;
    return true;
  }
}
