// One upshift at a time on a state directory and on a workbook: a lock file
// created atomically (written under a temporary name, then hard-linked to
// its final name, which fails if it exists), naming who holds it. A lock
// whose process is gone (same host, pid no longer running, or running but
// started later: the pid was reused) is taken over. See docs/state-and-locks.md.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  /** The command line that holds it, e.g. `upshift run`. */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What is locked (the workbook or the state directory), for the message. */
  what: string;
  /** The holder's process start time (Linux clock ticks since boot), to tell a reused pid. */
  started: string | null;
}

export class LockHeldError extends Error {
  constructor(readonly file: string, readonly holder: LockHolder | null) {
    super(heldMessage(file, holder));
  }
}

export interface HeldLock {
  file: string;
  holder: LockHolder;
  /** The dead holder whose lock was taken over, if any. */
  takenOver: LockHolder | null;
  release(): void;
}

const local = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('sv-SE', { hour12: false });
};

export function describeHolder(h: LockHolder): string {
  return `"${h.command}" (pid ${h.pid} on host ${h.host}, user ${h.user}, since ${local(h.since)})`;
}

function heldMessage(file: string, h: LockHolder | null): string {
  if (!h) return `${file} is being taken by another upshift right now; try again in a moment`;
  const remote = h.host !== hostname();
  return `${h.what} is in use by another upshift: ${describeHolder(h)}. Wait for it to finish, or stop it ${remote ? `on ${h.host}` : `(Ctrl+C in its terminal, or kill ${h.pid})`}. ` +
    (remote ? `It runs on another host, so upshift cannot tell whether it is still alive; if it is not, delete ${file}.` : `Lock file: ${file}`);
}

/** Start time of a process (field 22 of /proc/PID/stat), or null where there is no /proc. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the holder's process still runs (only answerable on the same host). */
export function holderAlive(h: LockHolder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // Alive, or EPERM (someone else's process): still ours only if it started when the lock says.
  const started = processStart(h.pid);
  return !(h.started && started && h.started !== started);
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

const sameHolder = (a: LockHolder | null, b: LockHolder | null) => !!a && !!b && a.pid === b.pid && a.host === b.host && a.since === b.since;

/** Creates `file` holding `text`, or fails with EEXIST; never leaves a partly written lock. */
function createExclusive(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } finally {
    unlinkSync(tmp);
  }
}

const exists = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * Takes the lock or throws LockHeldError. Released by release(), and on any
 * process exit that runs exit handlers (process.exit, an uncaught error).
 */
export function acquireLock(file: string, who: { command: string; user: string; what: string }): HeldLock {
  const holder: LockHolder = { pid: process.pid, host: hostname(), user: who.user, command: who.command, since: new Date().toISOString(), what: who.what, started: processStart(process.pid) };
  const text = `${JSON.stringify(holder, null, 1)}\n`;
  let takenOver: LockHolder | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      createExclusive(file, text);
      break;
    } catch (err) {
      if (!exists(err) || attempt >= 3) throw err instanceof Error && exists(err) ? new LockHeldError(file, readHolder(file)) : err;
    }
    const current = readHolder(file);
    if (!current) {
      // Unreadable: a lock from a version that wrote differently, or damaged. Old enough means abandoned.
      if (ageMs(file) < 10_000) throw new LockHeldError(file, null);
    } else if (current.host !== holder.host || holderAlive(current)) {
      throw new LockHeldError(file, current);
    }
    takeOver(file, current);
    takenOver = current;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never one a later process took over.
    if (sameHolder(readHolder(file), holder)) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', release);
  return { file, holder, takenOver, release };
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * Removes a dead holder's lock. A guard file makes two processes that found
 * the same dead lock take turns, so neither removes the lock the other just took.
 */
function takeOver(file: string, dead: LockHolder | null): void {
  const guard = `${file}.takeover`;
  takeGuard(file, guard);
  try {
    const now = readHolder(file);
    if (dead ? sameHolder(now, dead) : now === null) unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    unlinkSync(guard);
  }
}

/** Creates the takeover guard, or throws LockHeldError while another process's takeover is under way. */
function takeGuard(file: string, guard: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createExclusive(guard, String(process.pid));
      return;
    } catch (err) {
      if (!exists(err)) throw err;
    }
    const age = ageMs(guard);
    if (age === Infinity) continue; // the other takeover ended just now: try again
    // A takeover that crashed half-way leaves its guard: a few seconds old means abandoned.
    if (age < 5_000) break;
    try {
      unlinkSync(guard);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new LockHeldError(file, readHolder(file));
}

/** The live holder of a lock file, or null when it is free or its holder is gone. */
export function readLockHolder(file: string): LockHolder | null {
  const h = readHolder(file);
  if (!h) return null;
  return h.host !== hostname() || holderAlive(h) ? h : null;
}
