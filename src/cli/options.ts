// Options shared by the commands (SPEC §2) and how their defaults resolve.
import { Command, Option, InvalidArgumentError } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { GATE_KINDS } from '../engine/gates.js';
import { SETTING_DEFS } from '../store/settings.js';

export { GATE_KINDS };

export interface CommonOptions {
  workbook: string;
  state?: string;
  concurrency?: number;
  yes?: boolean;
  approve?: string[];
  dryRun?: boolean;
  only: string[];
  credentials?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  images?: string;
  serveAddress?: string;
  json?: boolean;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  refresh?: boolean;
  /** The change ticket (else Settings change_id). */
  change?: string;
  metricsAddress?: string;
  webhook?: string[];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}

function gateKinds(value: string): string[] {
  const kinds = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !(GATE_KINDS as readonly string[]).includes(k));
  if (bad.length > 0 || kinds.length === 0) throw new InvalidArgumentError(`must be a comma-separated list of ${GATE_KINDS.join(', ')}`);
  return kinds;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds the common options to a command; `set` picks which. */
export function withCommonOptions(cmd: Command, set: 'all' | 'read' | 'workbook' = 'all'): Command {
  cmd.option('--workbook <file>', 'the inventory workbook', './inventory.xlsx')
    .option('--state <dir>', 'where the state database, backups, logs and snapshots live (default: .upshift/ beside the workbook)')
    .option('--json', 'JSON lines on stdout')
    .addOption(new Option('--log-level <level>', 'error, warn, info or debug').choices(['error', 'warn', 'info', 'debug']).default('info'));
  if (set === 'workbook') return cmd;
  cmd.option('--only <expr>', 'select devices: hostname glob, group=X, site=X, wave=N (repeatable)', collect, [])
    .option('--credentials <file>', 'credentials file (YAML or JSON, mode 600)')
    .option('--known-hosts <file>', 'SSH host keys, OpenSSH format (default: <state>/known_hosts)')
    .option('--accept-new-host-keys', 'trust and record a host key seen for the first time (never a changed one)')
    .option('--concurrency <n>', 'devices worked on at once (default: Settings concurrency, else 10)', positiveInt);
  if (set === 'read') return cmd;
  cmd.option('--yes', 'approve every gate')
    .option('--approve <kinds>', `approve only these gate kinds: ${GATE_KINDS.join(',')}`, gateKinds)
    .option('--dry-run', 'run checks read-only and print what every later step would send')
    .option('--images <dir>', 'image repository served to devices (default: ./images beside the workbook)')
    .option('--serve-address <addr>', 'address devices use to reach the built-in image server');
  return cmd;
}

const asSetting = (text: string) => ({ text, number: null, percentFormat: false });

function changeIdArg(value: string): string {
  const r = SETTING_DEFS.changeid.parse(asSetting(value));
  if (!r.ok) throw new InvalidArgumentError('must be letters, digits and - _ . / # (up to 64), e.g. CHG0012345');
  return r.value as string;
}

function webhookArg(value: string, previous: string[]): string[] {
  const r = SETTING_DEFS.webhookurl.parse(asSetting(value));
  if (!r.ok) throw new InvalidArgumentError('must be an http:// or https:// URL');
  return [...previous, r.value as string];
}

/** HOST:PORT (an IPv6 host in brackets). */
export function parseListenAddress(value: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[\w.-]+):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  return m && port <= 65535 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : null;
}

function listenArg(value: string): string {
  if (!parseListenAddress(value)) throw new InvalidArgumentError('must be HOST:PORT, e.g. 127.0.0.1:9464');
  return value.trim();
}

/** The change record's options, for the commands that run (the console, check, stage, run, demo). */
export function withRecordOptions(cmd: Command): Command {
  return cmd.option('--change <id>', 'the change ticket this run belongs to (e.g. CHG0012345): kept with the run, its approvals, the Audit sheet, the summary, notifications and metrics (default: Settings change_id)', changeIdArg)
    .option('--metrics-address <addr>', 'serve Prometheus metrics at http://ADDR/metrics while upshift runs (e.g. 127.0.0.1:9464)', listenArg)
    .option('--webhook <url>', 'POST a JSON notification here: gates waiting, devices failed, rolled back or needing attention, the breaker, the window closing, the run finished (repeatable; Settings webhook_url too)', webhookArg, []);
}

export function resolvePaths(opts: CommonOptions) {
  const workbook = resolve(opts.workbook);
  const state = resolve(opts.state ?? join(dirname(workbook), '.upshift'));
  return {
    workbook,
    state,
    knownHosts: resolve(opts.knownHosts ?? join(state, 'known_hosts')),
    images: resolve(opts.images ?? join(dirname(workbook), 'images')),
  };
}
