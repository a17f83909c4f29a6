// `upshift [tui]`: the console on a terminal; on anything else the batch
// output, with a notice saying so.
import { render } from 'ink';
import { App, MAX_FPS } from '../../ui/App.js';
import { setColor, colorEnabled } from '../../ui/theme.js';
import { batchCommand } from './batch.js';
import { ConsoleSession } from '../console-session.js';
import { openState, validate, type Validated } from '../run-setup.js';
import type { CommonOptions } from '../options.js';

export async function tuiCommand(opts: CommonOptions): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    const command = opts.yes || (opts.approve ?? []).length > 0 ? 'run' : 'check';
    process.stderr.write(`upshift: not a terminal, so no console: running "upshift ${command}" with line output instead${command === 'check' ? ' (read-only; an unattended upgrade is "upshift run --yes")' : ''}\n`);
    return batchCommand(command)(opts);
  }
  const v = await validate(opts, false);
  return runConsole(v, opts);
}

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';

/** Runs the console until the operator quits; returns the exit code of the last run. */
export async function runConsole(v: Validated, opts: CommonOptions, banner?: string): Promise<number> {
  setColor(colorEnabled());
  const state = openState(v, 'console');
  const session = new ConsoleSession(v, opts, state, banner);
  let forced = false;
  process.stdout.write(ALT_SCREEN_ON);
  const app = render(<App controller={session} onQuit={(f) => {
    forced = f;
    app.unmount();
  }} />, { exitOnCtrlC: false, patchConsole: true, maxFps: MAX_FPS });
  // A terminal closing or a kill stops as safely as q does.
  const onSignal = (sig: NodeJS.Signals) => void session.stop(`stopped by ${sig}`).then(() => app.unmount());
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  session.begin();
  try {
    await app.waitUntilExit();
  } finally {
    process.stdout.write(ALT_SCREEN_OFF);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
  }
  if (forced) {
    process.stderr.write(`upshift: quit at once; steps in flight were interrupted. The journal in ${v.paths.state} lets the next run observe those devices before doing anything.\n`);
    process.exit(3);
  }
  await session.close();
  const counts = [...session.model.counts].filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join('  ');
  process.stdout.write(`upshift: ${counts}\nstate: ${v.paths.state}  ·  workbook: ${v.paths.workbook}\n`);
  // As batch commands end: a device left activated and uncommitted undoes the upgrade by itself later.
  for (const d of session.model.devices) if (d.reason === 'uncommitted') process.stdout.write(`warning: ${d.row.hostname}: ${d.message ?? ''}\n`);
  return session.exitCode;
}
