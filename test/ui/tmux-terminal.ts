// A detached tmux session as a person's terminal: keys sent with send-keys,
// the screen read back with capture-pane, and every wait a condition on what
// the screen shows, polled until a deadline.
import { execFileSync } from 'node:child_process';

/** What a gate dialog shows while it still ignores keys (a key held down must not answer it). */
const GUARD_NOTE = '(keys held down are ignored)';

export interface TmuxTerminal {
  tmux(...args: string[]): string;
  pane(): string;
  /** Resolves with the screen once it matches `test`; fails with the screen after the deadline. */
  waitPane(test: RegExp, timeoutMs?: number): Promise<string>;
  /** Keys one at a time, each a moment after the one before, as a person types. */
  type(...keys: string[]): Promise<void>;
  /** Waits until the open dialog takes keys: its guard note is gone from the screen. */
  dialogReady(title: RegExp): Promise<string>;
}

export function tmuxTerminal(socket: string, session: string): TmuxTerminal {
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const pane = () => tmux('capture-pane', '-p', '-t', session);
  const waitPane = async (test: RegExp, timeoutMs = 30_000): Promise<string> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const p = pane();
      if (test.test(p)) return p;
      if (Date.now() > until) throw new Error(`the terminal never showed ${test}; it shows:\n${p}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    tmux, pane, waitPane,
    async type(...keys) {
      for (const key of keys) {
        tmux('send-keys', '-t', session, key);
        await new Promise((r) => setTimeout(r, 60));
      }
    },
    // The console draws the note while the guard lasts and drops it on the next frame after (at most a second later).
    dialogReady: (title) => waitPane(new RegExp(`${title.source}(?![\\s\\S]*${GUARD_NOTE.replace(/[()]/g, '\\$&')})`)),
  };
}
