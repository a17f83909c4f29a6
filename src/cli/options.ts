// Options shared by the commands (docs/commands.md) and how their defaults resolve.
import { Command, Option, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GATE_KINDS, POLICY_GATE_KINDS } from '../engine/gates.js';
import { legacyStateDir, locateState, STATE_DB, workbookPath } from './state-dir.js';
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
  const bad = kinds.filter((k) => !(POLICY_GATE_KINDS as readonly string[]).includes(k));
  if (bad.length > 0 || kinds.length === 0) throw new InvalidArgumentError(`must be a comma-separated list of ${POLICY_GATE_KINDS.join(', ')}`);
  return kinds;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readOptions(): Option[] {
  return [
    new Option('--only <expr>', 'select devices: hostname glob, group=X, site=X, wave=N (repeatable)').argParser(collect).default([]),
    new Option('--credentials <file>', 'credentials file (YAML or JSON, mode 600)'),
    new Option('--known-hosts <file>', 'SSH host keys, OpenSSH format (default: <state>/known_hosts)'),
    new Option('--accept-new-host-keys', 'trust and record a host key seen for the first time (never a changed one)'),
    new Option('--concurrency <n>', 'devices worked on at once (default: Settings concurrency, else 10)').argParser(positiveInt),
    // check's pre-checks look for each image there, and plan names it: not only the commands that transfer.
    new Option('--images <dir>', 'image repository served to devices (default: ./images beside the workbook)'),
  ];
}

function writeOptions(): Option[] {
  return [
    new Option('--yes', 'approve every gate'),
    new Option('--approve <kinds>', `approve only these gate kinds: ${POLICY_GATE_KINDS.join(',')}`).argParser(gateKinds),
    new Option('--dry-run', 'run checks read-only and print what every later step would send'),
    new Option('--serve-address <addr>', 'address devices use to reach the built-in image server'),
  ];
}

/**
 * Adds the common options to a command; `set` picks which. With `acceptOthers`
 * the remaining ones are accepted and ignored (hidden from help), so a command
 * line pasted from a run works for status or export too; `show` lists those
 * the command does use.
 */
export function withCommonOptions(cmd: Command, set: 'all' | 'read' | 'workbook' = 'all', { acceptOthers = false, show = [] as string[] } = {}): Command {
  cmd.option('--workbook <file>', 'the inventory workbook', './inventory.xlsx')
    .option('--state <dir>', 'where the state database, backups, logs and snapshots live (default: .upshift/<workbook name>/ beside the workbook)')
    .option('--json', 'JSON lines on stdout')
    .addOption(new Option('--log-level <level>', 'error, warn, info or debug').choices(['error', 'warn', 'info', 'debug']).default('info'));
  const groups: [boolean, Option[]][] = [[set !== 'workbook', readOptions()], [set === 'all', writeOptions()]];
  for (const [included, options] of groups) {
    for (const o of options) {
      if (included || show.includes(o.long!)) cmd.addOption(o);
      else if (acceptOthers) cmd.addOption(o.hideHelp());
    }
  }
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

/** Where everything is; reads (never creates) the state directory to find the one that is this workbook's. */
export function resolvePaths(opts: CommonOptions) {
  const workbook = workbookPath(opts.workbook);
  const state = locateState(workbook, opts.state);
  // Host keys recorded in the older shared .upshift/ stay in use until this state has its own.
  const sharedKeys = join(legacyStateDir(workbook), 'known_hosts');
  const ownKeys = join(state, 'known_hosts');
  return {
    workbook,
    state,
    stateDb: join(state, STATE_DB),
    knownHosts: resolve(opts.knownHosts ?? (!existsSync(ownKeys) && existsSync(sharedKeys) ? sharedKeys : ownKeys)),
    images: resolve(opts.images ?? join(dirname(workbook), 'images')),
  };
}
