// OpenSSH known_hosts: plain and hashed (|1|salt|hash) host patterns,
// [host]:port for other ports, wildcards, negation, @revoked. A changed key
// is always refused; a first-seen key only when the operator said so.
import { createHmac, createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type HostKeyVerdict =
  | { verdict: 'match' }
  | { verdict: 'unknown' }
  | { verdict: 'mismatch'; known: string[] }
  | { verdict: 'revoked' };

interface Entry { marker: string | null; patterns: string[]; type: string; key: string; line: number }

export function hostId(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** SHA256:… fingerprint as OpenSSH prints it. */
export function fingerprint(keyB64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(keyB64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

const globs = new Map<string, RegExp>();

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    globs.set(pattern, re);
  }
  return re.test(name);
}

export class KnownHosts {
  private entries: Entry[] = [];
  /** Entries naming a host literally, by lowercased name: most lookups end here. */
  private readonly exact = new Map<string, Entry[]>();
  /** Entries with hashed, wildcard or negated patterns: checked one by one. */
  private readonly patterned: Entry[] = [];

  constructor(readonly file: string) {
    if (existsSync(file)) this.parse(readFileSync(file, 'utf8'));
  }

  private parse(text: string): void {
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const parts = line.split(/\s+/);
      const marker = parts[0].startsWith('@') ? parts.shift()! : null;
      if (parts.length < 3) return;
      this.index({ marker, patterns: parts[0].split(','), type: parts[1], key: parts[2], line: i + 1 });
    });
  }

  private index(e: Entry): void {
    this.entries.push(e);
    if (e.patterns.every((p) => !/^[|!]|[*?]/.test(p))) {
      for (const p of e.patterns) this.exact.set(p.toLowerCase(), [...(this.exact.get(p.toLowerCase()) ?? []), e]);
    } else this.patterned.push(e);
  }

  private matching(name: string): Entry[] {
    const found = [...(this.exact.get(name.toLowerCase()) ?? [])];
    for (const e of this.patterned) {
      if (e.patterns.some((p) => p.startsWith('!') && patternMatches(p.slice(1), name))) continue;
      if (e.patterns.some((p) => !p.startsWith('!') && patternMatches(p, name))) found.push(e);
    }
    return found.sort((a, b) => a.line - b.line);
  }

  check(host: string, port: number, type: string, keyB64: string): HostKeyVerdict {
    const entries = this.matching(hostId(host, port));
    if (entries.some((e) => e.marker === '@revoked' && e.key === keyB64)) return { verdict: 'revoked' };
    const sameType = entries.filter((e) => e.marker === null && e.type === type);
    if (sameType.some((e) => e.key === keyB64)) return { verdict: 'match' };
    if (sameType.length > 0) return { verdict: 'mismatch', known: sameType.map((e) => `${this.file}:${e.line} ${fingerprint(e.key)}`) };
    return { verdict: 'unknown' };
  }

  /** Records a first-seen key (appends a line, creating the file 0600). */
  add(host: string, port: number, type: string, keyB64: string): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const line = `${hostId(host, port)} ${type} ${keyB64}`;
    appendFileSync(this.file, `${line}\n`, { mode: 0o600 });
    this.index({ marker: null, patterns: [hostId(host, port)], type, key: keyB64, line: this.entries.length + 1 });
  }
}

/** The key type named inside an SSH public key blob. */
export function keyType(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}
