// Small outputs the driver reads: CPU load, verify digests, copy results.
import { ParseError, outputLines } from './common.js';

export interface CpuLoad { fiveSeconds: number; oneMinute: number; fiveMinutes: number }

const first = (lines: string[]) => lines.find((l) => l.trim() !== '')?.trim() ?? null;

export function parseCpu(text: string): CpuLoad {
  const lines = outputLines(text);
  for (const line of lines) {
    const m = /CPU utilization for five seconds: (\d+)%(?:\/\d+%)?; one minute: (\d+)%; five minutes: (\d+)%/.exec(line);
    if (m) return { fiveSeconds: Number(m[1]), oneMinute: Number(m[2]), fiveMinutes: Number(m[3]) };
  }
  throw new ParseError('show processes cpu', 'no "CPU utilization" line', first(lines) ?? '(empty output)');
}

/** `verify /md5 (flash:x) = <hash>` or `Verified (flash:x) = <hash>`; the hash may wrap at 80 columns. */
export function parseVerify(text: string, algo: 'md5' | 'sha512'): string {
  const flat = text.replace(/\r/g, '');
  const err = /^%Error.*$/m.exec(flat);
  if (err) throw new ParseError(`verify /${algo}`, 'the device reported an error', err[0]);
  const m = /(?:verify \/\w+ \([^)]*\)|Verified \([^)]*\))\s*=\s*([0-9a-fA-F\s]+)/.exec(flat);
  if (!m) throw new ParseError(`verify /${algo}`, 'no digest', first(outputLines(text)) ?? '(empty output)');
  const digest = m[1].replace(/\s+/g, '').toLowerCase();
  const want = algo === 'md5' ? 32 : 128;
  if (digest.length < want) throw new ParseError(`verify /${algo}`, `the digest has ${digest.length} of ${want} hex digits`, m[0]);
  return digest.slice(0, want);
}
