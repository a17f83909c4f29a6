// The locks a console or batch session holds from start to end: the
// workbook's (a hidden file beside it, so two state directories cannot drive
// one workbook) and its state directory's. Read-only commands take none.
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { osUser } from '../engine/gates.js';
import { acquireLock, describeHolder, type HeldLock } from '../store/lock.js';

export interface SessionLock {
  /** What to tell the operator (a dead holder's lock taken over, a lock that could not be made). */
  notices: string[];
  release(): void;
}

export function workbookLockFile(workbook: string): string {
  return join(dirname(workbook), `.${basename(workbook)}.upshift-lock`);
}

export function stateLockFile(stateDir: string): string {
  return join(stateDir, 'upshift.lock');
}

const CANNOT_CREATE = new Set(['EACCES', 'EPERM', 'EROFS']);

/** Takes both locks or none; throws LockHeldError (exit 3) naming the holder. */
export function lockSession(paths: { workbook: string; state: string }, command: string): SessionLock {
  const who = { command: `upshift ${command}`, user: osUser() };
  const notices: string[] = [];
  const held: HeldLock[] = [];
  const release = () => {
    for (const l of held.reverse()) l.release();
    held.length = 0;
  };
  const took = (l: HeldLock) => {
    held.push(l);
    if (l.takenOver) notices.push(`took over the lock ${l.file}: its holder ${describeHolder(l.takenOver)} is no longer running`);
  };
  try {
    try {
      took(acquireLock(workbookLockFile(paths.workbook), { ...who, what: `the workbook ${paths.workbook}` }));
    } catch (err) {
      // A folder upshift cannot write in: the state lock still guards; write-back will say it cannot write.
      if (!CANNOT_CREATE.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      notices.push(`cannot create a lock file beside ${paths.workbook} (${(err as NodeJS.ErrnoException).code}): only its state directory is locked`);
    }
    mkdirSync(paths.state, { recursive: true, mode: 0o700 });
    took(acquireLock(stateLockFile(paths.state), { ...who, what: `the state directory ${paths.state}` }));
  } catch (err) {
    release();
    throw err;
  }
  for (const n of notices) process.stderr.write(`upshift: ${n}\n`);
  return { notices, release };
}
