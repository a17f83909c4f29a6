// Errors by meaning. Each names the device, the step and what the device
// said; `transient` tells the engine whether retrying can help.
export type ErrorKind =
  | 'auth' | 'host-key' | 'connect' | 'timeout' | 'closed' | 'command' | 'unknown-prompt'
  | 'hash-mismatch' | 'no-space' | 'parse' | 'not-returned' | 'wrong-version' | 'precondition' | 'api';

const TRANSIENT: ReadonlySet<ErrorKind> = new Set(['connect', 'timeout', 'closed']);

export class DeviceError extends Error {
  readonly transient: boolean;

  constructor(
    readonly device: string,
    readonly step: string,
    readonly kind: ErrorKind,
    readonly detail: string,
    readonly deviceSaid?: string,
    transient?: boolean,
  ) {
    super(`${device}: ${step}: ${detail}${deviceSaid ? `; the device said: ${oneLine(deviceSaid)}` : ''}`);
    this.transient = transient ?? TRANSIENT.has(kind);
  }
}

function oneLine(text: string): string {
  const t = text.trim().replace(/\s*\n\s*/g, ' | ');
  return t.length > 400 ? `${t.slice(0, 400)}…` : t;
}

export { mask, MASKED_FROM } from '../common/secrets.js';
