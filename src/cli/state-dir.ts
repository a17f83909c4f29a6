// Where a workbook's state lives, and whether a state directory is this
// workbook's. Default: <workbook dir>/.upshift/<workbook name without
// extension>/, so two workbooks in one folder never share a state; an older
// shared <workbook dir>/.upshift/upshift.db stays in use for the workbook it
// names. Nothing here creates or writes anything.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { readOwner, type StateOwner } from '../store/ownership.js';
import { UsageError } from './errors.js';

export const STATE_DB = 'upshift.db';

/** The workbook's absolute path (symbolic links resolved, so one file has one name). */
export function workbookPath(file: string): string {
  const abs = resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

/** Exit 2 for every command whose workbook is missing: nothing is created. */
export function requireWorkbook(workbook: string): void {
  if (!existsSync(workbook)) throw new UsageError(`workbook ${workbook} does not exist (use --workbook FILE); nothing was created or changed`);
}

/** The per-workbook default, whether or not it exists yet. */
export function defaultStateDir(workbook: string): string {
  const name = basename(workbook);
  return join(dirname(workbook), '.upshift', name.slice(0, name.length - extname(name).length) || name);
}

export function legacyStateDir(workbook: string): string {
  return join(dirname(workbook), '.upshift');
}

/** The state directory for this workbook: --state, else the shared older one when it names this workbook, else the default. */
export function locateState(workbook: string, explicit?: string): string {
  if (explicit) return resolve(explicit);
  const legacy = legacyStateDir(workbook);
  const owner = safeOwner(join(legacy, STATE_DB));
  if (owner && owner.workbook === workbook) return legacy;
  return defaultStateDir(workbook);
}

function safeOwner(db: string): StateOwner | null {
  try {
    return readOwner(db);
  } catch (err) {
    throw new UsageError(`cannot read the state database ${db}: ${(err as Error).message}`);
  }
}

export interface Ownership {
  /** The state database names no workbook yet (new, or never imported). */
  unclaimed: boolean;
  /** The workbook was moved or renamed: the path the state knew it by. */
  movedFrom: string | null;
}

/**
 * Refuses (exit 2) a state directory that belongs to another workbook. The
 * same identity, with the recorded path gone, means this workbook was moved
 * or renamed. A copy (the recorded workbook still exists) is another workbook.
 */
export function checkOwnership(stateDir: string, workbook: string, identity: string | undefined): Ownership {
  const owner = safeOwner(join(stateDir, STATE_DB));
  if (!owner) return { unclaimed: true, movedFrom: null };
  if (owner.workbook === workbook) return { unclaimed: false, movedFrom: null };
  if (identity && owner.identity === identity && !existsSync(owner.workbook)) return { unclaimed: false, movedFrom: owner.workbook };
  throw new UsageError(
    `the state directory ${stateDir} belongs to the workbook ${owner.workbook}, not to ${workbook}; nothing was read or written there.\n` +
    `Give this workbook its own state with --state DIR (or leave --state out: the default is ${defaultStateDir(workbook)}), or use --workbook ${owner.workbook}.`,
  );
}

/** Whether checkOwnership would need this workbook's identity (it then has to be read). */
export function needsIdentity(stateDir: string, workbook: string): boolean {
  const owner = safeOwner(join(stateDir, STATE_DB));
  return !!owner?.identity && owner.workbook !== workbook && !existsSync(owner.workbook);
}
