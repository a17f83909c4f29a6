// The real console (App + ConsoleSession + engine) on a lab in this process,
// rendered by ink-testing-library at a fixed size. Tests wait for frames,
// not for time.
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import { ConsoleSession } from '../../src/cli/console-session.js';
import { openState, validate } from '../../src/cli/run-setup.js';
import type { CommonOptions } from '../../src/cli/options.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import type { LabOptions } from '../../src/lab/lab.js';
import { startLabRun, type LabRun } from './lab-run.js';

export const KEY = { enter: '\r', esc: '\x1b', tab: '\t', up: '\x1b[A', down: '\x1b[B', backspace: '\x7f', ctrlC: '\x03' };

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export interface ConsoleRig {
  run: LabRun;
  session: ConsoleSession;
  frame(): string;
  /** Every frame drawn so far, in order (what flashed by between two waits). */
  frames(): string[];
  /** Resolves once the frame satisfies `test` (a substring or a predicate); fails with the last frame. */
  waitFor(test: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  press(...keys: string[]): Promise<void>;
  quits: boolean[];
  clock: { now: number };
  resize(columns: number, rows: number): void;
  close(): Promise<void>;
}

export interface RigOptions extends Partial<LabOptions> {
  settings?: Record<string, string | number>;
  windowStart?: Date;
  windowEnd?: Date;
  options?: Partial<CommonOptions>;
  withCredentials?: boolean;
  guardMs?: number;
  size?: { columns: number; rows: number };
  /** Drive the dialog guard's clock by hand instead of real time. */
  manualClock?: boolean;
}

export async function startConsole(fleet: LabDeviceSpec[], o: RigOptions = {}): Promise<ConsoleRig> {
  const run = await startLabRun(fleet, o);
  const opts = { workbook: run.files.workbook, only: [], logLevel: 'info', ...(o.withCredentials === false ? {} : { credentials: run.files.credentials }), ...o.options } as CommonOptions;
  const v = await validate(opts, false);
  const session = new ConsoleSession(v, opts, openState(v));
  const quits: boolean[] = [];
  const clock = { now: Date.now() };
  const now = o.manualClock ? () => clock.now : Date.now;
  // Key chunks the App has dispatched and drawn; `press` waits on it instead of on time.
  const keys = { handled: 0, waiters: new Set<() => void>() };
  const onKeysHandled = (n: number) => {
    keys.handled = n;
    for (const w of [...keys.waiters]) w();
  };
  const app = (size: { columns: number; rows: number }) => <App controller={session} onQuit={(f) => quits.push(f)} size={size} guardMs={o.guardMs ?? 0} clock={now} onKeysHandled={onKeysHandled} />;
  const ui = render(app(o.size ?? { columns: 100, rows: 40 }));
  session.begin();
  const frame = () => (ui.lastFrame() ?? '').replace(ANSI, '');
  return {
    run, session, quits, clock, frame,
    frames: () => ui.frames.map((f) => f.replace(ANSI, '')),
    resize: (columns, rows) => ui.rerender(app({ columns, rows })),
    async waitFor(test, timeoutMs = 20_000) {
      const ok = typeof test === 'function' ? test : (f: string) => (typeof test === 'string' ? f.includes(test) : test.test(f));
      const until = Date.now() + timeoutMs;
      for (;;) {
        const f = frame();
        if (ok(f)) return f;
        if (Date.now() > until) throw new Error(`the frame never showed ${String(test)}; last frame:\n${f}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async press(...pressed) {
      // One write per key, each waited for until the App has dispatched it and drawn the frame after it.
      // Waiting also keeps a lone Esc a key of its own: Ink holds it until its next tick to tell it from
      // the start of an escape sequence, and a key written before that would join it (Alt+key).
      for (const k of pressed) {
        const target = keys.handled + 1;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            keys.waiters.delete(check);
            reject(new Error(`the console never handled the key ${JSON.stringify(k)}; last frame:\n${frame()}`));
          }, 5000);
          function check() {
            if (keys.handled < target) return;
            clearTimeout(timer);
            keys.waiters.delete(check);
            resolve();
          }
          keys.waiters.add(check);
          ui.stdin.write(k);
          check();
        });
      }
    },
    async close() {
      await session.stop('test over');
      ui.unmount();
      await session.close();
      await run.lab.stop();
    },
  };
}

/** The line of the device table showing `host`. */
export function rowOf(frame: string, host: string): string {
  return frame.split('\n').find((l) => new RegExp(`^[│║] [ >]${host.replace(/[.-]/g, '\\$&')}\\s`).test(l)) ?? '';
}

/** Waits for the readiness check, starts the run with `s`, and waits until `host` shows its open gate. */
export async function runToGate(r: ConsoleRig, host: string, kind = 'reload'): Promise<void> {
  await r.waitFor('READY – s starts');
  await r.press('s');
  await r.waitFor((f) => new RegExp(`${kind} \\(gate\\)`).test(rowOf(f, host)));
}
