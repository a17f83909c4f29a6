// What an IOS-XE session is given and how long it waits: timeouts per kind
// of exchange, the privilege levels as data, and the options of one command.
import type { Dialogue, Transcript } from '../ssh/channel.js';
import type { KnownHosts } from '../ssh/known-hosts.js';
import type { SshEndpoint, TransportOptions } from '../ssh/transport.js';
import type { DeviceTarget } from '../contract.js';

/** connect, command, operation (a copy may take 30 min), idle (a silent question), drop (prompt back → session drops on reload). */
export interface Timeouts { connect: number; command: number; operation: number; idle: number; drop: number }
export const DEFAULT_TIMEOUTS: Timeouts = { connect: 20_000, command: 60_000, operation: 45 * 60_000, idle: 5_000, drop: 120_000 };

export interface SessionOptions {
  knownHosts: KnownHosts;
  acceptNewHostKeys: boolean;
  transcript?: Transcript;
  timeouts?: Partial<Timeouts>;
}

export type Mode = 'user' | 'enable' | 'config';

/** Privilege levels as data: how a prompt ends in each, and how to get there. */
export const MODES: Record<Mode, { suffix: RegExp; from: Mode | null; command: string | null }> = {
  user: { suffix: />$/, from: null, command: null },
  enable: { suffix: /[^)]#$/, from: 'user', command: 'enable' },
  config: { suffix: /\)#$/, from: 'enable', command: 'configure terminal' },
};

export interface RunOptions {
  step?: string;
  timeout?: 'command' | 'operation' | number;
  dialogues?: Dialogue[];
  /** The device is expected to drop the session (reload, switchover). */
  expectClose?: boolean;
  /** With expectClose: output that says the drop will not come (a refusal): no waiting for it after the prompt. */
  noDropIf?: RegExp;
  /** Return "% …" output instead of failing on it. */
  allowErrors?: boolean;
}

type SshAuth = NonNullable<DeviceTarget['ssh']>;
const endpoint = (label: string, host: string, port: number, a: SshAuth): SshEndpoint => ({ label, host, port, username: a.username, password: a.password, keyFile: a.keyFile, passphrase: a.passphrase });

/** The SSH connection to a device, through its jump host (the row's `via`) when it has one. */
export function transportOptions(target: DeviceTarget, auth: SshAuth, opts: SessionOptions, connectTimeoutMs: number, step: string): TransportOptions {
  const via = target.via;
  return {
    endpoint: endpoint(target.hostname, target.host, target.port, auth),
    jump: via?.ssh ? endpoint(via.hostname, via.host, via.port, via.ssh) : undefined,
    knownHosts: opts.knownHosts, acceptNewHostKeys: opts.acceptNewHostKeys, connectTimeoutMs, step,
  };
}
