// One typed event stream: the TUI, batch output, JSON lines, the log file
// and the state database all listen to it (Nornir's processors). The engine
// never prints.
import type { Check, Facts, FactsSummary } from '../drivers/contract.js';
import type { DeviceStatus } from '../store/types.js';
import type { Diff } from './checks.js';
import type { Gate, GateDecision } from './gates.js';
import type { RunCommand } from './context.js';
import type { Reason } from './outcomes.js';

export type { Check, Facts, FactsSummary } from '../drivers/contract.js';

/** Why a run stopped short: a stop asked for (Ctrl-C, quit, SIGTERM, a closed stdout), the circuit breaker, the window closing. */
export type RunStop = 'stopped' | 'breaker' | 'window';
/** How a run ended, as its exit code says: 0 ok, 1 attention, 3 stopped. */
export type RunEnd = 'ok' | 'attention' | 'stopped';

export type EngineEvent =
  | { type: 'run'; phase: 'started' | 'wave' | 'paused' | 'resumed' | 'stopping' | 'breaker' | 'finished'; command: RunCommand; runId: number; wave?: number; waves?: number; devices?: number; outcome?: RunEnd; stop?: RunStop; reason?: string }
  | { type: 'device'; hostname: string; status: DeviceStatus; step: string | null; message: string | null; reason: Reason | null; /** An earlier result put back: this command could not read the device, and why. */ kept?: { readiness: string } }
  | { type: 'step'; hostname: string; step: string; phase: 'start' | 'end'; outcome?: 'ok' | 'failed' | 'skipped'; message?: string; durationMs?: number; attempt?: number }
  | { type: 'progress'; hostname: string; step: string; done: number; total: number | null; rate?: number; note?: string; part?: { index: number; count: number } }
  | { type: 'gate'; hostname: string; gate: Gate; phase: 'opened' | 'answered'; decision?: GateDecision }
  | { type: 'facts'; hostname: string; facts: Facts; summary: FactsSummary }
  | { type: 'checks'; hostname: string; phase: 'pre' | 'post'; checks: Check[] }
  | { type: 'diff'; hostname: string; diff: Diff }
  | { type: 'log'; hostname?: string; level: 'error' | 'warn' | 'info' | 'debug'; text: string };

export type Stamped = EngineEvent & { at: string };
export type Listener = (e: Stamped) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(e: EngineEvent): void {
    const stamped = { ...e, at: new Date().toISOString() } as Stamped;
    for (const l of this.listeners) {
      try {
        l(stamped);
      } catch {
        // A listener's failure (a closed pipe, a full disk) must not stop an upgrade.
      }
    }
  }

  log(level: 'error' | 'warn' | 'info' | 'debug', text: string, hostname?: string): void {
    this.emit({ type: 'log', level, text, hostname });
  }
}
