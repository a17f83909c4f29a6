// Masking secrets in text: one rule for the drivers (transcripts, error
// messages), the state database and every output (docs/security.md, "Masking").

/**
 * Secrets shorter than this are not masked: replacing every "ab" in a device's output
 * would garble it and, by where the stars fall, point at the secret (docs/security.md).
 */
export const MASKED_FROM = 3;

/** Replaces every secret in a text (for transcripts, logs and messages). */
export function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MASKED_FROM) out = out.split(s).join('******');
  return out;
}

/** The same, for JSON text: a secret with a quote or a backslash appears escaped there. */
export function maskJson(json: string, secrets: readonly string[]): string {
  return mask(json, secrets.flatMap((s) => { const e = JSON.stringify(s).slice(1, -1); return e === s ? [s] : [s, e]; }));
}
