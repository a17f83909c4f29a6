// One connection pool per XML API endpoint, shared by every driver in the
// process: the firewalls behind one Panorama share its HTTPS agent (a few
// keep-alive sockets, not four per firewall), its API key (one keygen, not
// one per firewall) and a rate limit (Settings `panorama_rps`), so a fleet
// behind it never floods it. Drivers know nothing of each other: they meet
// here, keyed by endpoint.
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { ApiAuth } from '../contract.js';

/** Sockets per endpoint: Palo Alto advises a handful of concurrent API requests at most. */
const MAX_SOCKETS = 4;

/**
 * At most `perSecond` requests in any second as Panorama sees them. A slot is
 * held from the moment a request is sent until a second after its answer came
 * back: the request reached Panorama somewhere in between, so however long it
 * travelled (a TLS handshake, a loaded machine), no second at Panorama holds
 * more arrivals than there are slots. Requests wait their turn in order.
 */
export class RateLimiter {
  private readonly slots: number;
  private readonly windowMs: number;
  /** When each held slot frees: Infinity while its request is under way. */
  private readonly held: { until: number }[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | null = null;

  constructor(readonly perSecond: number) {
    this.slots = Math.max(1, Math.floor(perSecond));
    this.windowMs = (this.slots / perSecond) * 1000;
  }

  /** Resolves when the request may go; call the function it gives when its answer (or error) is in. */
  take(): Promise<() => void> {
    const turn = this.queue.then(() => this.wait());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async wait(): Promise<() => void> {
    for (;;) {
      const now = Date.now();
      for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i].until <= now) this.held.splice(i, 1);
      if (this.held.length < this.slots) {
        const slot = { until: Infinity };
        this.held.push(slot);
        return () => {
          if (slot.until !== Infinity) return;
          slot.until = Date.now() + this.windowMs;
          this.wake?.();
        };
      }
      const next = Math.min(...this.held.map((h) => h.until));
      await new Promise<void>((r) => {
        const t = next === Infinity ? null : setTimeout(r, next - now);
        this.wake = () => {
          if (t) clearTimeout(t);
          this.wake = null;
          r();
        };
      });
    }
  }
}

/** A TLS agent that either verifies the chain, or pins the certificate's SHA-256 fingerprint. */
function agentFor(auth: ApiAuth): https.Agent {
  const pin = auth.tlsFingerprint?.replace(/:/g, '').toLowerCase();
  if (!pin) return new https.Agent({ rejectUnauthorized: auth.verifyTls, keepAlive: true, maxSockets: MAX_SOCKETS });
  class PinnedAgent extends https.Agent {
    override createConnection(options: tls.ConnectionOptions, cb?: (err: Error | null, s: Duplex) => void): Duplex {
      const socket = tls.connect({ ...options, rejectUnauthorized: false });
      socket.once('secureConnect', () => {
        const got = socket.getPeerCertificate().fingerprint256?.replace(/:/g, '').toLowerCase();
        if (got !== pin) socket.destroy(Object.assign(new Error(`certificate fingerprint ${got ?? '(none)'} is not the pinned ${pin}`), { code: 'CERT_PIN_MISMATCH' }));
      });
      cb?.(null, socket);
      return socket;
    }
  }
  return new PinnedAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
}

export interface PoolEntry {
  readonly agent: https.Agent;
  /** API keys got by keygen, per user and password (kept in memory only, never written anywhere). */
  readonly keys: Map<string, string>;
  /** Keygens under way, so that drivers starting together ask once. */
  readonly keying: Map<string, Promise<void>>;
  /** Through a Panorama: its managed firewalls' serials by hostname (one `show devices all` for the fleet). */
  readonly serials: Map<string, string>;
  /** The listing under way, so that drivers starting together list once. */
  listing: Promise<unknown> | null;
  limiter: RateLimiter | null;
  users: number;
}

const pool = new Map<string, PoolEntry>();

/** Endpoints differ by address and by how their certificate is trusted (never share a verified agent with an unverified one). */
function keyOf(host: string, port: number, auth: ApiAuth): string {
  return `${host}:${port}|${auth.tlsFingerprint ? `pin:${auth.tlsFingerprint.replace(/:/g, '').toLowerCase()}` : auth.verifyTls ? 'verify' : 'no-verify'}`;
}

/** The endpoint's shared pool; `rps` sets its rate limit (the first driver to ask sets it: one run has one setting). */
export function acquire(host: string, port: number, auth: ApiAuth, rps: number | null): { key: string; entry: PoolEntry } {
  const key = keyOf(host, port, auth);
  let entry = pool.get(key);
  if (!entry) {
    entry = { agent: agentFor(auth), keys: new Map(), keying: new Map(), serials: new Map(), listing: null, limiter: null, users: 0 };
    pool.set(key, entry);
  }
  if (rps !== null && rps > 0 && !entry.limiter) entry.limiter = new RateLimiter(rps);
  entry.users++;
  return { key, entry };
}

/**
 * A driver is done with the endpoint; the last one closes its sockets. The
 * entry stays: the next driver of the run reuses its key and serials, and the
 * rate limit keeps counting what was just sent.
 */
export function release(key: string): void {
  const entry = pool.get(key);
  if (!entry) return;
  entry.users = Math.max(0, entry.users - 1);
  if (entry.users === 0) entry.agent.destroy();
}

/** How many drivers use an endpoint now (for tests of the sharing). */
export function poolUsers(host: string, port: number, auth: ApiAuth): number {
  return pool.get(keyOf(host, port, auth))?.users ?? 0;
}
