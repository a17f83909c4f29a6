// Credentials (docs/security.md): a YAML or JSON file, refused when group or others can
// read it, or UPSHIFT_USERNAME / UPSHIFT_PASSWORD (/ UPSHIFT_ENABLE) from the
// environment. Secrets stay in memory: nothing here logs or stores them.
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface Credential {
  username?: string;
  password?: string;
  keyFile?: string;
  passphrase?: string;
  enable?: string;
  apiKey?: string;
  verifyTls: boolean;
  tlsFingerprint?: string;
}

export type Credentials = Map<string, Credential>;

export class CredentialsError extends Error {}

const entrySchema = z.object({
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  key_file: z.string().min(1).optional(),
  passphrase: z.string().optional(),
  enable: z.string().optional(),
  api_key: z.string().min(1).optional(),
  verify_tls: z.boolean().optional(),
  tls_fingerprint: z.string().regex(/^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/, 'must be a SHA-256 fingerprint (64 hex digits, colons allowed)').optional(),
}).strict();

export function loadCredentialsFile(file: string): Credentials {
  let mode: number;
  try {
    const st = statSync(file);
    // Checked first: "run chmod 600" on a folder given by mistake (/tmp) would do harm.
    if (!st.isFile()) throw new CredentialsError(`credentials file ${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}: give the path of the YAML or JSON file`);
    mode = st.mode;
  } catch (err) {
    if (err instanceof CredentialsError) throw err;
    throw new CredentialsError(`cannot read credentials file ${file}: ${fileProblem(err)}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new CredentialsError(`credentials file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CredentialsError(`cannot read credentials file ${file}: ${fileProblem(err)}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    // The parser's message can quote the offending line, which may hold a secret: only where it is.
    throw new CredentialsError(`credentials file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}${whereInText(err, text)}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new CredentialsError(`credentials file ${file} must map entry names to entries (e.g. "default:")`);
  }
  const out: Credentials = new Map();
  const problems: string[] = [];
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) {
      // Name the field, never echo its value.
      for (const issue of parsed.error.issues) problems.push(`${name}.${issue.path.join('.') || '(entry)'}: ${issue.code === 'unrecognized_keys' ? `unknown key(s) ${(issue as { keys?: string[] }).keys?.join(', ')}` : issue.message.replace(/received .*/i, 'wrong type')}`);
      continue;
    }
    const e = parsed.data;
    if (!e.api_key && !e.username) problems.push(`${name}: needs a username (or api_key for PAN-OS)`);
    out.set(name, {
      username: e.username,
      password: e.password,
      keyFile: e.key_file,
      passphrase: e.passphrase,
      enable: e.enable,
      apiKey: e.api_key,
      verifyTls: e.verify_tls ?? true,
      tlsFingerprint: e.tls_fingerprint?.replace(/:/g, '').toLowerCase(),
    });
  }
  if (problems.length > 0) throw new CredentialsError(`credentials file ${file}:\n  ${problems.join('\n  ')}`);
  return out;
}

export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | null {
  if (!env.UPSHIFT_USERNAME || env.UPSHIFT_PASSWORD === undefined) return null;
  return new Map([['default', {
    username: env.UPSHIFT_USERNAME,
    password: env.UPSHIFT_PASSWORD,
    enable: env.UPSHIFT_ENABLE,
    verifyTls: env.UPSHIFT_VERIFY_TLS !== 'no',
  }]]);
}

/** Every secret value, so transcripts and messages can mask them. */
export function secretsOf(creds: Credentials): string[] {
  const out = new Set<string>();
  for (const c of creds.values()) {
    for (const s of [c.password, c.passphrase, c.enable, c.apiKey]) if (s && s.length >= 3) out.add(s);
  }
  return [...out];
}

function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (err as Error).message;
}

/** " (line L, column C)" from a YAML or JSON parse error, without quoting the text. */
function whereInText(err: unknown, text: string): string {
  const pos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  if (pos) return ` (line ${pos.line}, column ${pos.col})`;
  const at = /position (\d+)/.exec((err as Error).message ?? '');
  if (!at) return '';
  const before = text.slice(0, Number(at[1]));
  return ` (line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')})`;
}
