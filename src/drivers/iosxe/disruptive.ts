// The disruptive IOS-XE operations, each separate so the engine can gate it:
// activate (reload or ISSU), switchover, rollback. Each knows whether the
// device drops the session (a reload, a switchover, an ISSU's switchover)
// and takes that drop as the expected outcome; following the device back is
// return-watch.ts's job.
import type { ActivationPlan, StepResult } from '../contract.js';
import type { IosxeFacts } from './types.js';
import { DeviceError } from '../errors.js';
import { DIALOGUES, REFUSED_NO_DROP, WRITE_MEMORY } from './dialogues.js';
import { activationCommands, previousImage, rollbackCommands } from './plan.js';
import { parseShowBoot } from './parsers/boot.js';
import type { IosxeSession } from './session.js';
import { configure } from './config-mode.js';

const INSTALL_DIALOGUES = [DIALOGUES.proceed, DIALOGUES.saveAndProceed, DIALOGUES.bootConfig];

// Case matters: the device prints its result as `FAILED:`; `Login failed` in a message kept for its
// result words (a `SUCCESS:` glued after it, session.ts) is not the install's failure.
const FAILURE = /FAILED|%Error|Operation aborted/;
/** An earlier, interrupted attempt added the target after the plan was made (its add went on without upshift). */
const ALREADY_ADDED = /Super package already added/i;

function failedLines(out: string): string | null {
  const lines = out.split('\n').filter((l) => FAILURE.test(l));
  return lines.length ? lines.join('\n') : null;
}

export function result<D = undefined>(message: string, sent: string[], received: string, data?: D): StepResult<D> {
  return { outcome: 'ok', message, sent, received: received.trim().split('\n').slice(-12).join('\n'), data };
}

/**
 * An install command that reloads the device (or, for an ISSU, switches
 * over): the session dropping is the expected end, whether after SUCCESS or
 * before the device printed it. `mayStayUp`: the device may carry on in the
 * background and drop the session later (an ISSU whose prompt returns early).
 */
async function installActivate(s: IosxeSession, command: string, step: string, expectReload: boolean, mayStayUp = false): Promise<string> {
  const out = await s.run(command, { step, timeout: 'operation', dialogues: INSTALL_DIALOGUES, expectClose: expectReload, noDropIf: FAILURE, allowErrors: true });
  const failed = failedLines(out);
  if (failed) throw new DeviceError(s.target.hostname, step, 'command', `"${command}" failed`, s.masked(failed), false);
  if (expectReload && !s.isClosed && !mayStayUp) {
    // Back at the prompt without a reload: the device did not take the activation.
    throw new DeviceError(s.target.hostname, step, 'command', `"${command}" returned without reloading the device`, s.masked(out.trim().split('\n').slice(-4).join('\n')), false);
  }
  return out;
}

/**
 * Bundle mode and the conversion to install mode (an activation, or its rollback): the
 * boot configuration, saved and read back. A boot variable that did not take stops here.
 */
async function saveBoot(s: IosxeSession, config: string[], want: string, step: string): Promise<void> {
  await configure(s, config, step);
  await s.run('write memory', { step, dialogues: WRITE_MEMORY });
  const [shown] = await s.runReadOnly(['show boot'], step);
  s.failIfRefused('show boot', shown, step);
  const boot = parseShowBoot(shown);
  // `flash:/x.bin` and `flash:x.bin` name the same file.
  if ((boot.bootVariable[0] ?? '').replace(/:\//, ':') !== want.replace(/:\//, ':')) {
    throw new DeviceError(s.target.hostname, step, 'command', `the boot variable is ${boot.bootVariable.join(';') || 'empty'} after saving, not ${want}; not reloading`, undefined, false);
  }
}

/** `reload`, which must drop the session: a reload the device refused (command authorization, a declined question) is an error. */
async function reload(s: IosxeSession, step: string): Promise<string> {
  const out = await s.run('reload', { step, dialogues: [DIALOGUES.saveYesNo, DIALOGUES.reload], expectClose: true, noDropIf: REFUSED_NO_DROP, allowErrors: true });
  if (!s.isClosed) throw new DeviceError(s.target.hostname, step, 'command', '"reload" did not reload the device', s.masked(out.trim()) || undefined, false);
  return out;
}

/** How the session ended, for the step's message. */
function dropNote(out: string, s: IosxeSession): string {
  if (!s.isClosed) return 'the session is still up; the device carries on and drops it at the switchover';
  return /SUCCESS: install_/.test(out) ? 'the session dropped as expected' : 'the session dropped before the device confirmed (as it does when the active reloads early)';
}

/** The commands of an activation that make the device go down (or start to). */
const DISRUPTIVE_COMMAND = /^install |^reload$/;

/** An activation whose session was lost before anything disruptive was sent (write memory, show boot): safe to start again. */
export class NothingSent extends DeviceError {}

/** Runs an activation or a rollback; a session lost before its disruptive command was sent ends in NothingSent. */
async function untilDisruptive<T>(s: IosxeSession, body: () => Promise<T>): Promise<T> {
  const from = s.sent.length;
  try {
    return await body();
  } catch (err) {
    if (err instanceof DeviceError && err.transient && !s.sent.slice(from).some((c) => DISRUPTIVE_COMMAND.test(c))) {
      throw new NothingSent(err.device, err.step, err.kind, `${err.detail} (before anything disruptive was sent)`, err.deviceSaid, true);
    }
    throw err;
  }
}

export function activate(s: IosxeSession, p: ActivationPlan, step = 'activate'): Promise<StepResult<{ reloads: boolean; issu?: string }>> {
  return untilDisruptive(s, () => activateWith(s, p, step, []));
}

async function activateWith(s: IosxeSession, p: ActivationPlan, step: string, sent: string[]): Promise<StepResult<{ reloads: boolean; issu?: string }>> {
  const run = async (cmd: string, expectClose = false) => {
    sent.push(cmd);
    return cmd.startsWith('install ') ? installActivate(s, cmd, step, expectClose) : s.run(cmd, { step, dialogues: WRITE_MEMORY });
  };
  const cmds = activationCommands(p);
  // Refused because the target is already added: activate what is there (nothing was activated).
  const orAdded = async (attempt: () => Promise<string>, mayStayUp: boolean): Promise<string> => {
    try {
      return await attempt();
    } catch (err) {
      const again = activationCommands({ ...p, added: true })[1];
      if (p.added || p.kind === 'install-oneshot' || !(err instanceof DeviceError && ALREADY_ADDED.test(err.deviceSaid ?? ''))) throw err;
      sent.push(again);
      return installActivate(s, again, step, true, mayStayUp);
    }
  };
  switch (p.kind) {
    case 'install':
    case 'install-oneshot': {
      await run(cmds[0]);
      const out = await orAdded(() => run(cmds[1], true), false);
      return result(`activating ${p.targetVersion}; the device reloads${p.stack ? ' (every stack member)' : ''}: ${dropNote(out, s)}`, sent, out, { reloads: true });
    }
    case 'issu': {
      // ISSU: the standby is upgraded and comes back STANDBY HOT, then the device switches
      // over by itself: the session with the active drops, the new active answers on the
      // same address, and the old active follows onto the new version.
      await run(cmds[0]);
      sent.push(cmds[1]);
      const out = await orAdded(() => installActivate(s, cmds[1], step, true, true), true);
      return result(`ISSU to ${p.targetVersion} under way (standby first, then the switchover): ${dropNote(out, s)}`, sent, out, { reloads: true, issu: 'switching-over' });
    }
    case 'convert':
    case 'bundle': {
      const want = p.kind === 'bundle' ? `${p.filesystem}${p.image!.file}` : `${p.filesystem}packages.conf`;
      sent.push(...cmds.slice(0, cmds.indexOf('write memory') + 1));
      await saveBoot(s, cmds.slice(1, cmds.indexOf('end')), want, step);
      if (p.kind === 'convert') return result(`converting to install mode on ${p.targetVersion}; the device reloads`, sent, await run(cmds.at(-1)!, true), { reloads: true });
      sent.push('reload');
      return result(`booting ${want}; the device reloads`, sent, await reload(s, step), { reloads: true });
    }
    default:
      throw new DeviceError(s.target.hostname, step, 'precondition', `no activation of kind ${p.kind} on IOS-XE`, undefined, false);
  }
}

export async function switchover(s: IosxeSession, step = 'switchover'): Promise<StepResult<{ reloads: boolean }>> {
  await s.run('write memory', { step, dialogues: WRITE_MEMORY });
  const out = await s.run('redundancy force-switchover', { step, dialogues: [DIALOGUES.saveYesNo, DIALOGUES.switchover], expectClose: true, noDropIf: REFUSED_NO_DROP, allowErrors: true });
  if (!s.isClosed) throw new DeviceError(s.target.hostname, step, 'command', 'the switchover did not happen', out.trim(), false);
  return result('switched over to the standby; the session dropped as expected', ['write memory', 'redundancy force-switchover'], out, { reloads: false });
}

export function rollback(s: IosxeSession, p: ActivationPlan, facts: IosxeFacts, step = 'rollback'): Promise<StepResult<{ reloads: boolean }>> {
  return untilDisruptive(s, () => rollbackWith(s, p, facts, step));
}

/** Sends exactly `rollbackCommands(p, facts)`: what the rollback gate showed, from the same rules. */
async function rollbackWith(s: IosxeSession, p: ActivationPlan, facts: IosxeFacts, step: string): Promise<StepResult<{ reloads: boolean }>> {
  const cmds = rollbackCommands(p, facts);
  switch (p.kind) {
    case 'install':
    case 'issu': {
      if (cmds[0] === 'install abort issu') {
        // Stopped before its switchover: the standby goes back, nothing reloads the active.
        const out = await s.run(cmds[0], { step, timeout: 'operation', dialogues: [DIALOGUES.proceed], allowErrors: true });
        const failed = failedLines(out);
        if (failed) throw new DeviceError(s.target.hostname, step, 'command', `"${cmds[0]}" failed`, s.masked(failed), false);
        return result(`ISSU aborted; the standby is back on ${p.previousVersion}`, cmds, out, { reloads: false });
      }
      const out = await installActivate(s, cmds[0], step, true);
      return result(`aborting the activation; back to ${p.previousVersion} after the reload`, cmds, out, { reloads: true });
    }
    case 'bundle': {
      await saveBoot(s, cmds.slice(1, cmds.indexOf('end')), p.previousBoot[0] ?? '', step);
      const out = await reload(s, step);
      return result(`boot variable restored to ${p.previousBoot.join(';')}; the device reloads`, cmds, out, { reloads: true });
    }
    case 'install-oneshot': {
      // Committed as it activated: `install add` of the previous image would be refused (its
      // packages are still added), the way back is the rollback point from before.
      if (p.rollbackPoint === undefined) throw new DeviceError(s.target.hostname, step, 'precondition', 'no rollback point recorded before the upgrade: roll back by hand', undefined, false);
      const out = await installActivate(s, cmds[0], step, true);
      return result(`rolling back to rollback point ${p.rollbackPoint} (${p.previousVersion}); the device reloads`, cmds, out, { reloads: true });
    }
    case 'convert': {
      // Committed: activate the previous release's image again, if it is still on flash.
      const previous = previousImage(p, facts);
      if (!previous) throw new DeviceError(s.target.hostname, step, 'precondition', `no image of ${p.previousVersion} left on ${p.filesystem}: roll back by hand`, undefined, false);
      await s.run(cmds[0], { step, dialogues: WRITE_MEMORY });
      const out = await installActivate(s, cmds[1], step, true);
      return result(`re-installing ${previous}; the device reloads`, cmds, out, { reloads: true });
    }
    default:
      throw new DeviceError(s.target.hostname, step, 'precondition', `no rollback of kind ${p.kind} on IOS-XE`, undefined, false);
  }
}
