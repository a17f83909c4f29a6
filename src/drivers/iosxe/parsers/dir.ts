// dir <filesystem>  (also `show bootflash:` with its "available/used" trailer)
import { ParseError, firstLine, outputLines } from './common.js';

export interface DirListing {
  filesystem: string | null;
  totalBytes: number | null;
  freeBytes: number | null;
  files: { name: string; size: number; isDirectory: boolean }[];
}

const ROW = /^\s*(\d+)\s+([-dlrwxs]{1,4}(?:\s+-)?)\s+(\d+)\s+(?:<no date>|\S.*?\d{1,2}:\d{2}:\d{2}(?:\s+[+-]\d{2}:?\d{2})?)\s+(\S.*)$/;

export function parseDir(text: string, command = 'dir'): DirListing {
  const lines = outputLines(text, command);
  const out: DirListing = { filesystem: null, totalBytes: null, freeBytes: null, files: [] };
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '' || /^No files in directory/.test(line.trim())) continue;
    let m: RegExpExecArray | null;
    if ((m = /^Directory of (\S+?)\/?$/.exec(line))) out.filesystem = m[1];
    else if ((m = /^(\d+) bytes total \((\d+) bytes free\)/.exec(line.trim()))) {
      out.totalBytes = Number(m[1]);
      out.freeBytes = Number(m[2]);
    } else if ((m = /^(\d+) bytes available \((\d+) bytes used\)/.exec(line.trim()))) {
      out.freeBytes = Number(m[1]);
      out.totalBytes = Number(m[1]) + Number(m[2]);
    } else if ((m = ROW.exec(line))) {
      out.files.push({ name: m[4].trim(), size: Number(m[3]), isDirectory: m[2].startsWith('d') });
    } else throw new ParseError(command, line);
  }
  if (out.totalBytes === null) throw new ParseError(command, firstLine(lines), 'no "bytes total (… bytes free)" line; first');
  return out;
}
