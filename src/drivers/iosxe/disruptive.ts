// The disruptive IOS-XE operations, each separate so the engine can gate it:
// activate (reload or ISSU), switchover, rollback; and waiting for the device
// to come back, deciding from what it reports (version, uptime), never from
// the mere passing of time.
import type { ActivationPlan, Facts, StepResult } from '../contract.js';
import { DeviceError } from '../errors.js';
import { normalizeVersion } from '../../common/versions.js';
import { DIALOGUES, WRITE_MEMORY } from './dialogues.js';
import { activationCommands } from './plan.js';
import { parseShowBoot } from './parsers/boot.js';
import { parseDir } from './parsers/dir.js';
import type { IosxeSession } from './session.js';

const INSTALL_DIALOGUES = [DIALOGUES.proceed, DIALOGUES.saveAndProceed, DIALOGUES.bootConfig];

function failedLines(out: string): string | null {
  const lines = out.split('\n').filter((l) => /FAILED|%Error|Operation aborted/i.test(l));
  return lines.length ? lines.join('\n') : null;
}

export function result<D = undefined>(message: string, sent: string[], received: string, data?: D): StepResult<D> {
  return { outcome: 'ok', message, sent, received: received.trim().split('\n').slice(-12).join('\n'), data };
}

async function installActivate(s: IosxeSession, command: string, step: string, expectReload: boolean): Promise<string> {
  const out = await s.run(command, { step, timeout: 'operation', dialogues: INSTALL_DIALOGUES, expectClose: expectReload, allowErrors: true });
  const failed = failedLines(out);
  if (failed) throw new DeviceError(s.target.hostname, step, 'command', `"${command}" failed`, failed, false);
  if (expectReload && !s.isClosed) {
    // Back at the prompt without a reload: the device did not take the activation.
    throw new DeviceError(s.target.hostname, step, 'command', `"${command}" returned without reloading the device`, out.trim().split('\n').slice(-4).join('\n'), false);
  }
  return out;
}

export async function activate(s: IosxeSession, p: ActivationPlan, step = 'activate'): Promise<StepResult<{ reloads: boolean; issu?: string }>> {
  const sent: string[] = [];
  const run = async (cmd: string, expectClose = false) => {
    sent.push(cmd);
    return cmd.startsWith('install ') ? installActivate(s, cmd, step, expectClose) : s.run(cmd, { step, dialogues: WRITE_MEMORY });
  };
  const cmds = activationCommands(p);
  switch (p.kind) {
    case 'install':
    case 'install-oneshot':
      await run(cmds[0]);
      return result(`activating ${p.targetVersion}; the device reloads`, sent, await run(cmds[1], true), { reloads: true });
    case 'issu': {
      await run(cmds[0]);
      const out = await run(cmds[1], false);
      return result(`the standby runs ${p.targetVersion}; the switchover comes next`, sent, out, { reloads: false, issu: 'standby-upgraded' });
    }
    case 'convert':
    case 'bundle': {
      const config = cmds.slice(1, cmds.indexOf('end'));
      sent.push('configure terminal', ...config, 'end');
      await s.configure(config, step);
      await run('write memory');
      const boot = parseShowBoot(await s.run('show boot', { step }));
      const want = p.kind === 'bundle' ? `${p.filesystem}${p.image!.file}` : `${p.filesystem}packages.conf`;
      if (boot.bootVariable[0] !== want) throw new DeviceError(s.target.hostname, step, 'command', `the boot variable is ${boot.bootVariable.join(';') || 'empty'} after saving, not ${want}; not reloading`, undefined, false);
      if (p.kind === 'convert') return result(`converting to install mode on ${p.targetVersion}; the device reloads`, sent, await run(cmds.at(-1)!, true), { reloads: true });
      sent.push('reload');
      const out = await s.run('reload', { step, dialogues: [DIALOGUES.saveYesNo, DIALOGUES.reload], expectClose: true, allowErrors: true });
      if (!s.isClosed) throw new DeviceError(s.target.hostname, step, 'command', '"reload" did not reload the device', out.trim(), false);
      return result(`booting ${want}; the device reloads`, sent, out, { reloads: true });
    }
    default:
      throw new DeviceError(s.target.hostname, step, 'precondition', `no activation of kind ${p.kind} on IOS-XE`, undefined, false);
  }
}

export async function switchover(s: IosxeSession, step = 'switchover'): Promise<StepResult<{ reloads: boolean }>> {
  await s.run('write memory', { step, dialogues: WRITE_MEMORY });
  const out = await s.run('redundancy force-switchover', { step, dialogues: [DIALOGUES.saveYesNo, DIALOGUES.switchover], expectClose: true, allowErrors: true });
  if (!s.isClosed) throw new DeviceError(s.target.hostname, step, 'command', 'the switchover did not happen', out.trim(), false);
  return result('switched over to the standby; the session dropped as expected', ['write memory', 'redundancy force-switchover'], out, { reloads: false });
}

export async function rollback(s: IosxeSession, p: ActivationPlan, facts: Facts, step = 'rollback'): Promise<StepResult<{ reloads: boolean }>> {
  if (p.kind === 'install' || (p.kind === 'issu' && normalizeVersion(facts.version) === normalizeVersion(p.targetVersion))) {
    const out = await installActivate(s, 'install abort', step, true);
    return result(`aborting the activation; back to ${p.previousVersion} after the reload`, ['install abort'], out, { reloads: true });
  }
  if (p.kind === 'issu') {
    const out = await s.run('install abort issu', { step, timeout: 'operation', dialogues: [DIALOGUES.proceed], allowErrors: true });
    const failed = failedLines(out);
    if (failed) throw new DeviceError(s.target.hostname, step, 'command', '"install abort issu" failed', failed, false);
    return result(`ISSU aborted; the standby is back on ${p.previousVersion}`, ['install abort issu'], out, { reloads: false });
  }
  if (p.kind === 'bundle') {
    const config = ['no boot system', ...p.previousBoot.map((b) => `boot system ${p.stack && b.endsWith('.bin') ? 'switch all ' : ''}${b}`)];
    await s.configure(config, step);
    await s.run('write memory', { step, dialogues: WRITE_MEMORY });
    const out = await s.run('reload', { step, dialogues: [DIALOGUES.saveYesNo, DIALOGUES.reload], expectClose: true, allowErrors: true });
    return result(`boot variable restored to ${p.previousBoot.join(';')}; the device reloads`, ['configure terminal', ...config, 'end', 'write memory', 'reload'], out, { reloads: true });
  }
  // Committed one-shot or conversion: activate the previous image again, if it is still on flash.
  const listing = parseDir(await s.run(`dir ${p.filesystem}`, { step }), `dir ${p.filesystem}`);
  const padded = p.previousVersion.split('.').map((x) => (/^\d$/.test(x.replace(/[a-z]$/, '')) ? `0${x}` : x)).join('.');
  const previous = listing.files.find((f) => f.name.endsWith('.bin') && (f.name.includes(`.${padded}.`) || f.name.includes(`.${p.previousVersion}.`)));
  if (!previous) throw new DeviceError(s.target.hostname, step, 'precondition', `no image of ${p.previousVersion} left on ${p.filesystem}: roll back by hand`, undefined, false);
  const cmd = `install add file ${p.filesystem}${previous.name} activate commit`;
  await s.run('write memory', { step, dialogues: WRITE_MEMORY });
  const out = await installActivate(s, cmd, step, true);
  return result(`re-installing ${previous.name}; the device reloads`, ['write memory', cmd], out, { reloads: true });
}

export interface ReturnProbe {
  /** Opens a session and reads the facts, or throws. */
  facts(): Promise<Facts>;
  /** Resolves true as soon as the device's port accepts connections (tried every `everyMs`), false after `withinMs`. */
  listening?(withinMs: number, everyMs: number): Promise<boolean>;
}

/** Waits until the device answers on `version`, deciding from what it reports. */
export async function waitForReturn(device: string, probe: ReturnProbe, expect: { version: string; timeoutMs: number; since: number; pollMs?: number }, step = 'wait'): Promise<StepResult<{ facts: Facts; attempts: number }>> {
  const deadline = expect.since + expect.timeoutMs;
  const poll = expect.pollMs ?? Math.min(10_000, Math.max(250, expect.timeoutMs / 60));
  let lastProblem = 'not reachable yet';
  let attempts = 0;
  while (Date.now() < deadline) {
    attempts++;
    let portClosed = false;
    try {
      const f = await probe.facts();
      const elapsed = (Date.now() - expect.since) / 1000;
      if (normalizeVersion(f.version) === normalizeVersion(expect.version)) {
        return result(`back on ${f.version} after ${Math.round(elapsed)} s`, [], '', { facts: f, attempts });
      }
      // The device answers on another version: has it reloaded since, or not yet gone down?
      if (f.uptimeSeconds !== null && f.uptimeSeconds < elapsed + 120) {
        throw new DeviceError(device, step, 'wrong-version', `came back on ${f.version}, not ${expect.version}`, f.lastReloadReason ? `last reload reason: ${f.lastReloadReason}` : undefined, false);
      }
      lastProblem = `still up on ${f.version} (uptime ${f.uptimeSeconds ?? '?'} s): the reload has not started`;
    } catch (err) {
      if (err instanceof DeviceError && !err.transient) throw err;
      lastProblem = (err as Error).message;
      portClosed = err instanceof DeviceError && err.kind === 'connect';
    }
    // While the port refuses, watch it open (a TCP connect every sixth of the interval: 333 ms
    // with the default 30 min reload_timeout) and log in only then: a login attempt per
    // interval against a refusing port learns nothing more.
    if (portClosed && probe.listening) await probe.listening(Math.max(0, deadline - Date.now()), Math.max(25, poll / 6));
    else await new Promise((r) => setTimeout(r, Math.max(0, Math.min(poll, deadline - Date.now()))));
  }
  throw new DeviceError(device, step, 'not-returned', `did not come back on ${expect.version} within ${Math.round(expect.timeoutMs / 1000)} s (ROMmon, powered off, or a failed boot?); last: ${lastProblem}`, undefined, false);
}
