// Configuration lines sent in configuration mode, and back to privileged
// mode after them, also when one is refused (the refusal is then thrown).
import { MODES } from './session-options.js';
import type { IosxeSession } from './session.js';

/** Runs configuration lines in config mode and returns to privileged mode; the outputs, joined. */
export async function configure(s: IosxeSession, lines: string[], step: string): Promise<string> {
  let out = await s.run(MODES.config.command!, { step });
  try {
    for (const line of lines) out += await s.run(line, { step });
  } finally {
    if (!s.isClosed) out += await s.run('end', { step, allowErrors: true });
  }
  return out;
}
