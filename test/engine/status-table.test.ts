// Exit codes from the one status table: what a batch command and `upshift status` say.
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/engine/status.js';

describe('exit codes from the status table', () => {
  it('ready is where check takes a device, not stage or run; staged is where stage does, not run', () => {
    expect(exitCodeOf(['ready', 'already-current'], 'check')).toBe(0);
    expect(exitCodeOf(['ready'], 'stage')).toBe(1);
    expect(exitCodeOf(['ready'], 'run')).toBe(1);
    expect(exitCodeOf(['staged'], 'stage')).toBe(0);
    expect(exitCodeOf(['staged', 'upgraded'], 'run')).toBe(1);
    expect(exitCodeOf(['upgraded', 'skipped'], 'run')).toBe(0);
  });

  it('a device a person must look at is 1 after any command, and for status (no command)', () => {
    for (const s of ['failed', 'blocked', 'held', 'rolled-back', 'needs-attention', 'cancelled', 'pending', 'running'] as const) {
      expect(exitCodeOf(['upgraded', s], 'run'), s).toBe(1);
      expect(exitCodeOf([s], null), s).toBe(1);
    }
    // status judges where devices stand: ready and staged are fine there.
    expect(exitCodeOf(['ready', 'staged', 'upgraded'], null)).toBe(0);
  });
});
