// The upshift command line (docs/commands.md). Each command returns its exit code:
// 0 success, 1 some device needs attention, 2 bad usage or input, 3 stopped.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { withCommonOptions, withRecordOptions, type CommonOptions } from './options.js';
import { quietWhenStdoutCloses } from './stdout.js';
import { UsageError } from './errors.js';
import { LockHeldError } from '../store/lock.js';
import { InvalidArgumentError } from 'commander';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

type Action = (opts: CommonOptions & Record<string, unknown>, args: string[]) => Promise<number>;

/** A command's module is loaded when it runs: `upshift --help` or `status` need not load Ink, ssh2 or exceljs. */
const lazy = (load: () => Promise<unknown>): Action => async (opts, args) => ((await load()) as Action)(opts, args);
/** A command that only prints: a reader closing its output early is not an error (see stdout.ts). */
const printOnly = (action: Action): Action => (opts, args) => {
  quietWhenStdoutCloses();
  return action(opts, args);
};
const tuiCommand = lazy(async () => (await import('./commands/tui.js')).tuiCommand);
const batchCommand = (command: 'check' | 'stage' | 'run') => lazy(async () => (await import('./commands/batch.js')).batchCommand(command));
const planCommand = printOnly(lazy(async () => (await import('./commands/plan.js')).planCommand));
const statusCommand = printOnly(lazy(async () => (await import('./commands/status.js')).statusCommand));
const exportCommand = printOnly(lazy(async () => (await import('./commands/export.js')).exportCommand));
const labCommand = lazy(async () => (await import('./commands/lab.js')).labCommand);
const demoCommand = lazy(async () => (await import('./commands/demo.js')).demoCommand);
const parseCommand = printOnly(lazy(async () => (await import('./commands/parse.js')).parseCommand));

export function buildProgram(run: (action: Action, opts: CommonOptions & Record<string, unknown>, args: string[]) => void): Command {
  const program = new Command('upshift')
    .description('Upgrade Cisco IOS-XE and Palo Alto PAN-OS fleets from an Excel workbook, with approval gates.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run upshift --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const add = (name: string, description: string, set: 'all' | 'read' | 'workbook', action: Action, isDefault = false, extra: Parameters<typeof withCommonOptions>[2] = {}) => {
    const cmd = withCommonOptions(new Command(name).description(description), set, extra).exitOverride().showHelpAfterError('(run upshift --help for usage)');
    cmd.action((opts: CommonOptions & Record<string, unknown>, command: Command) => run(action, opts, command.args));
    program.addCommand(cmd, { isDefault });
    return cmd;
  };

  withRecordOptions(add('tui', 'interactive console (default when stdout is a terminal)', 'all', tuiCommand, true));
  withRecordOptions(add('check', 'import, connect, collect facts, run pre-checks, write readiness back (read-only)', 'read', batchCommand('check')));
  withRecordOptions(add('stage', 'check, back up configs, transfer and verify images (nothing disruptive)', 'all', batchCommand('stage')));
  withRecordOptions(add('run', 'full upgrade: check, stage, gates, activate/reload, post-checks, commit or rollback', 'all', batchCommand('run')));
  // --serve-address changes the copy commands a run sends, so the plan takes it too.
  add('plan', 'print every step and command per device; sends nothing', 'read', planCommand, false, { acceptOthers: true, show: ['--serve-address'] })
    .option('--refresh', 'collect facts first (read-only)');
  // Read-only: they take no lock, and accept (and ignore) the options of a pasted run command line.
  add('status', 'summary of the state database: counts per status, devices needing attention, the ETA of a run under way (exit 0 all done, 1 some not)', 'workbook', statusCommand, false, { acceptOthers: true, show: ['--only'] })
    .option('--md', 'print the change summary (Markdown, as export writes beside the workbook)');
  add('export', 'write the updated workbook plus an Audit sheet, and the change summary FILE.md beside it', 'workbook', exportCommand, false, { acceptOthers: true })
    .requiredOption('--out <file>', 'the workbook to write');
  const count = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 5000) throw new InvalidArgumentError('must be a whole number from 1 to 5000');
    return n;
  };
  const speed = (v: string) => {
    const n = Number(v);
    if (!(n > 0 && n <= 10_000)) throw new InvalidArgumentError('must be a number above 0 (1 = real lab timings, 100 = a hundred times faster)');
    return n;
  };
  const chaos = (v: string) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
    const p = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
    if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError('must be a probability: 5% or 0.05 (from 0 to 1)');
    return p;
  };
  const seed = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('must be a whole number from 0 to 4294967295');
    return n;
  };
  add('lab', 'start the built-in device lab and write a workbook pointing at it', 'workbook', labCommand)
    .option('--devices <n>', 'number of simulated devices to upgrade, plus a Panorama when there are firewalls (default: the example fleet: 12 to upgrade, plus a Panorama and a jump host)', count)
    .option('--mix <models>', 'comma-separated models to cycle through: cat9300, cat9300-stack, cat9500-svl, cat9400, isr4451, asr1001x, c8000v, panos')
    .option('--faults <spec>', 'faults per device: host=fault+fault,… or fault@N for the Nth device (e.g. corrupt@2,lon-acc-1=never-returns)')
    .option('--speed <x>', 'speed factor for every lab delay', speed, 1)
    .option('--chaos <p>', 'random disconnects: each IOS-XE device drops a session mid-output, drops its first copy and refuses its first login after a boot, each with this probability (5% or 0.05)', chaos)
    .option('--chaos-seed <n>', 'seed of the --chaos draws (the lab prints the one it used; the same seed replays a run)', seed)
    .option('--out <file>', 'the workbook to write', 'lab.xlsx');
  withRecordOptions(add('demo', 'the lab and the console in one process (what npm start runs)', 'all', demoCommand))
    .option('--speed <x>', 'speed factor for every lab delay', speed, 10)
    .option('--faults <spec>', 'lab faults (default: lon-wan-1=regression, to show a rollback gate)');
  const parse = new Command('parse')
    .description('parse a saved device output (stdin if no FILE) and print the structured result as JSON')
    .requiredOption('--platform <p>', 'iosxe')
    .requiredOption('--command <cmd>', 'the command that produced the output, e.g. "show version"')
    .option('--verbose', 'also list the lines the parser did not understand (unparsedLines)')
    .argument('[file]', 'file holding the output')
    .exitOverride();
  parse.action((file: string | undefined, opts: CommonOptions & Record<string, unknown>) => run(parseCommand, opts, file ? [file] : []));
  program.addCommand(parse);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | null = null;
  const program = buildProgram((action, opts, args) => {
    pending = action(opts, args);
  });
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  // Help and the version only print, as status does.
  if (first === 'help' || argv.slice(2).some((a) => ['-h', '--help', '-V', '--version'].includes(a))) quietWhenStdoutCloses();
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (first !== undefined && argv[2] === first && !known.includes(first) && first !== 'help') {
    process.stderr.write(`upshift: unknown command '${first}' (run upshift --help for the list)\n`);
    return 2;
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
    }
    throw err;
  }
  if (!pending) return 0;
  try {
    return await pending;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`upshift: ${err.message}\n`);
      return 2;
    }
    if (err instanceof LockHeldError) {
      process.stderr.write(`upshift: ${err.message}\n`);
      return 3;
    }
    throw err;
  }
}
