// What the console asks of the session behind it. The UI only calls these and
// reads the model; the session (src/cli/console-session.ts) drives the engine.
import type { Facts, JournalEntry } from '../engine/views.js';
import type { FleetModel } from './model.js';

export interface ConsoleInfo {
  workbook: string;
  stateDir: string;
  dryRun: boolean;
  concurrency: number;
  reloadTimeoutMs: number;
  /** The earliest window start and latest window end over the devices, if any. */
  window: { start: Date | null; end: Date | null };
  /** Credential entries the workbook names (the prompt fills them all). */
  credentialNames: string[];
  /** A line shown under the header, e.g. what the demo lab is. */
  banner?: string;
}

export interface LoginAnswer { username: string; password: string; enable?: string }

export interface ConsoleController {
  readonly model: FleetModel;
  readonly info: ConsoleInfo;
  /** Starts the session: the read-only readiness check, or the credentials prompt first. */
  begin(): void;
  provideCredentials(login: LoginAnswer): void;
  /** `L`: ask for the credentials again (a wrong password, a changed account); the check runs again after. */
  relogin(): string;
  /** Esc at the `L` prompt: back to the table, the session's credentials unchanged. */
  cancelLogin(): string;
  /** `s`: start a run, pause it, or resume it. Returns what to tell the operator. */
  toggleRun(): string;
  /** `c`: no new step for this device (one already disrupted reaches a safe point first). */
  cancel(hostname: string): string;
  answer(gateId: string, decision: 'approved' | 'refused'): boolean;
  exportWorkbook(): Promise<string>;
  /** Stops safely: no new steps, open gates stay held; resolves when work in flight is at a safe point. */
  stop(reason: string): Promise<void>;
  facts(hostname: string): Facts | null;
  /** The last lines of the device's session transcript (secrets already masked), oldest first. */
  transcriptTail(hostname: string, lines: number): string[];
  journal(hostname: string): JournalEntry[];
}
