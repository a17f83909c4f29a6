// `upshift check | stage | run`: the engine with line output (or JSON lines),
// gates answered by --yes / --approve, and the exit codes of docs/commands.md.
import { PolicyApprover } from '../../engine/gates.js';
import { runFleet } from '../../engine/runner.js';
import { planDevice, formatPlan } from '../../engine/plan.js';
import type { Facts } from '../../drivers/contract.js';
import type { RunCommand, RunContext } from '../../engine/context.js';
import { batchPrinter, heartbeatLine, type Level } from '../output.js';
import { heartbeat } from '../heartbeat.js';
import { masked } from '../masking.js';
import { openSession, validate, type Session } from '../run-setup.js';
import type { CommonOptions } from '../options.js';
import { guardStdout } from '../stdout.js';

export function batchCommand(command: RunCommand) {
  return async (opts: CommonOptions): Promise<number> => {
    const v = await validate(opts, true);
    // From here on a signal or a closed stdout stops safely: the lock taken next is always released.
    let session: Session | null = null;
    let pendingStop: string | null = null;
    let signals = 0;
    const stop = (reason: string, say: string) => {
      const ctx: RunContext | undefined = session?.ctx;
      if (ctx) {
        ctx.stop(reason);
        session!.bus.log('warn', say);
      } else pendingStop ??= reason;
    };
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals === 1) stop(`stopped by ${sig}`, `${sig}: no new steps start; devices in flight reach a safe point, then the state and the workbook are saved (again to quit now)`);
      else {
        process.stderr.write(`${sig} again: quitting now; the journal is in ${v.paths.state}\n`);
        process.exit(3);
      }
    };
    const stdout = guardStdout((reason) => {
      process.stderr.write(`upshift: ${reason}: stopping safely (no new steps; devices in flight reach a safe point; state and workbook saved)\n`);
      stop(`stopped: ${reason}`, `${reason}: no new steps start; devices in flight reach a safe point, then the state and the workbook are saved`);
    });
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // The terminal (or tmux pane) closing: as Ctrl+C, not a stop in the middle of a step.
    process.on('SIGHUP', onSignal);
    try {
      session = await openSession(v, opts, command, new PolicyApprover(!!opts.yes, opts.approve ?? []), v.credentials!);
      const { ctx, bus, store, secrets } = session;
      if (pendingStop) ctx.stop(pendingStop);
      const out = (line: string) => stdout.line(line);
      bus.on(masked(batchPrinter(out, { json: !!opts.json, level: opts.logLevel as Level }), secrets));
      // Silence during a 30-minute reload reads as a hang: a line per busy device at least every 10 s.
      const beat = heartbeat((hostname, step, text, at) => out(opts.json ? JSON.stringify({ type: 'heartbeat', hostname, step, text, at: at.toISOString() }) : heartbeatLine(hostname, step, text, at)), {
        everyMs: Number(process.env.UPSHIFT_HEARTBEAT_MS) || 10_000, reloadTimeoutMs: v.inventory.settings.reloadTimeoutMs,
      });
      bus.on(masked(beat, secrets));
      try {
        const outcome = await runFleet(ctx, v.selected);
        if (opts.dryRun && !opts.json) {
          out('\nwhat the rest of the run would send (nothing was sent):');
          for (const row of v.selected) {
            const facts = store.latestFacts<Facts>(row.hostname)?.facts ?? null;
            out(formatPlan(planDevice(row, facts, v.inventory, { hint: 'http://<upshift>:<port>/<token>', imagesDir: v.paths.images, serveAddress: opts.serveAddress })));
          }
        }
        const counts = new Map<string, number>();
        for (const s of outcome.statuses.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
        const summary = [...counts].map(([s, n]) => `${s} ${n}`).join('  ');
        if (opts.json) out(JSON.stringify({ type: 'summary', counts: Object.fromEntries(counts), exitCode: outcome.exitCode, stop: outcome.stop, stopped: outcome.stopped }));
        else out(`\n${command}: ${summary || 'no devices'}${outcome.stopped ? `  (stopped: ${outcome.stopped}; the next run resumes)` : ''}`);
        // A device left activated and uncommitted undoes the upgrade by itself later: say so last, where it is seen.
        for (const row of v.selected) {
          const s = store.state(row.hostname);
          if (s?.reason === 'uncommitted' && !opts.json) out(`warning: ${row.hostname}: ${s.message ?? ''}`);
        }
        await session.close(outcome.exitCode === 0 ? 'ok' : outcome.exitCode === 3 ? 'stopped' : 'attention');
        return outcome.exitCode;
      } catch (err) {
        await session.close('error');
        throw err;
      } finally {
        beat.close();
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      stdout.dispose();
    }
  };
}
