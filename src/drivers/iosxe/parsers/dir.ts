// dir <filesystem>: any file system (flash:, bootflash:, flash-2:, harddisk:,
// usbflash0:, stby-bootflash:), a sub-directory, and `dir /recursive`, whose
// further "Directory of" sections name files by their path below the first.
// The C9200 recovery store `drec0:` prints another table (Attributes Size Name,
// no totals); its file system is then the one in the command.
import { RULER, Reader } from './common.js';

export interface DirListing {
  filesystem: string | null;
  totalBytes: number | null;
  freeBytes: number | null;
  files: { name: string; size: number; isDirectory: boolean }[];
  unparsed: number;
}

// "  12  -rw-   450975228  Jan 30 2024 10:11:12 +00:00  name" — inode, permissions
// (one capture splits them: "-rw  -"), size, a date in one of the printed forms, name.
const DATE = String.raw`(?:<no date>|[A-Z][a-z]{2}\s+\d{1,2}\s+\d{4}\s+\d{1,2}:\d{2}:\d{2}(?:\.\d+)?|\d{1,2}-[A-Z][a-z]{2}-\d{4}\s+\d{1,2}:\d{2}:\d{2}(?:\.\d+)?)(?:\s+(?:[+-]\d{2}:?\d{2}|[A-Z]{2,5}))?`;
const ROW = new RegExp(String.raw`^(\d+)\s+([-dlrwxsS]{1,4}(?:\s+-)?)\s+(\d+)\s+${DATE}\s+(\S.*)$`);
const ATTRIBUTES_HEADER = /^Attributes\s+Size\s+Name$/;
const ATTRIBUTES_ROW = /^([-dlrwxsS]{10})\s+(\d+)\s+(\S.*)$/;

export function parseDir(text: string, command = 'dir'): DirListing {
  const r = new Reader(text, command, 'dir');
  const out: Omit<DirListing, 'unparsed'> = { filesystem: null, totalBytes: null, freeBytes: null, files: [] };
  let base: string | null = null;
  let prefix = '';
  let sawDirectory = false;
  let attributes = false;
  for (const raw of r.lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || /^No files in directory/i.test(line) || /^(?:- )+-?$/.test(line) || RULER.test(line)) continue;
    if ((m = /^Directory of (\S+)$/.exec(line))) {
      const path = m[1].replace(/\/$/, '');
      if (base === null) {
        base = path;
        out.filesystem = path.endsWith(':/') ? path.slice(0, -1) : path;
      } else prefix = path.startsWith(`${base}/`) ? `${path.slice(base.length + 1)}/` : `${path}/`;
      sawDirectory = true;
    } else if ((m = /^(\d+) bytes total \((\d+) bytes free\)/.exec(line))) {
      out.totalBytes = Number(m[1]);
      out.freeBytes = Number(m[2]);
    } else if ((m = /^(\d+) bytes available \((\d+) bytes used\)/.exec(line))) {
      out.freeBytes = Number(m[1]);
      out.totalBytes = Number(m[1]) + Number(m[2]);
    } else if ((m = ROW.exec(line))) {
      out.files.push({ name: prefix + m[4].trim(), size: Number(m[3]), isDirectory: m[2].startsWith('d') });
    } else if (ATTRIBUTES_HEADER.test(line)) attributes = true;
    else if (attributes && (m = ATTRIBUTES_ROW.exec(line))) out.files.push({ name: m[3].trim(), size: Number(m[2]), isDirectory: m[1].startsWith('d') });
    else r.unknown(line);
  }
  if (attributes && !sawDirectory) {
    out.filesystem = /\s(\S+:)\S*$/.exec(command)?.[1] ?? null;
    return r.done(out);
  }
  r.need(sawDirectory, 'no "Directory of …" line');
  r.need(out.totalBytes !== null, 'no "… bytes total (… bytes free)" line');
  return r.done(out);
}
