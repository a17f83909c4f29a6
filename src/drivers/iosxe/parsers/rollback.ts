// show install rollback: the rollback points each commit leaves, as
// `ID  Label  Description` rows under a ruler, newest first. Labels and
// descriptions may hold single spaces ("No Label"); two or more separate the
// columns. The ids grow with each commit: the newest point has the highest.
import { Reader, RULER } from './common.js';

export interface RollbackPoint { id: number; label: string | null; description: string | null }
export interface InstallRollback { points: RollbackPoint[]; unparsed: number }

const HEADER = /^ID\s+Label\s+Description$/i;
const ROW = /^(\d+)(?:\s+(\S+(?: \S+)*))?(?:\s{2,}(\S.*))?$/;
/** What the device prints for a point without one. */
const none = (text: string | undefined, word: string) => (!text || new RegExp(`^No ${word}$`, 'i').test(text) ? null : text);

export function parseInstallRollback(text: string, command = 'show install rollback'): InstallRollback {
  const r = new Reader(text, command, 'show install rollback');
  const points: RollbackPoint[] = [];
  let sawHeader = false;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || RULER.test(line)) continue;
    if (HEADER.test(line)) sawHeader = true;
    else if (sawHeader && (m = ROW.exec(line))) points.push({ id: Number(m[1]), label: none(m[2], 'Label'), description: none(m[3], 'Description') });
    else r.unknown(line);
  }
  r.need(sawHeader, 'no "ID Label Description" header');
  return r.done({ points });
}

/** The id of the newest rollback point (the highest), or null when there is none. */
export function newestRollbackId(points: readonly { id: number }[]): number | null {
  return points.length ? Math.max(...points.map((p) => p.id)) : null;
}
