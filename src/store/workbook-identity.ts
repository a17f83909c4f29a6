// What identifies a workbook across moves, renames and upshift's own writes,
// read from the file without changing it: the state database records it (see
// ownership.ts) to recognise its workbook at a new path.
import { createHash } from 'node:crypto';
import type { XlsxPackage } from './xlsx/package.js';

/**
 * What stays the same when a workbook is moved, renamed or rewritten by
 * upshift: when it was created (docProps/core.xml) and which hostnames it lists.
 * A copy edited into another fleet lists other hostnames.
 */
export function workbookIdentity(created: string | null, hostnames: string[]): string {
  const text = `${created ?? ''}\n${hostnames.map((h) => h.toLowerCase()).sort().join('\n')}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** docProps/core.xml's creation time: kept by Excel, LibreOffice and upshift's own writes. */
export function createdAt(pkg: XlsxPackage): string | null {
  if (!pkg.has('docProps/core.xml')) return null;
  try {
    return /<dcterms:created\b[^>]*>([^<]*)</.exec(pkg.text('docProps/core.xml'))?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}
