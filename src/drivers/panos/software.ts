// Software on a firewall: downloads and installs are jobs, followed by id to
// FIN and judged by their result, with progress. A busy software manager
// ("currently in use", at once or as a failed job) is waited out with
// backoff, a bounded number of times, before anything is restarted.
import type { ActivationPlan, DriverHooks, StepResult } from '../contract.js';
import { DeviceError } from '../errors.js';
import { isA } from '../../common/errors.js';
import { isBusy } from './client.js';
import { CLI, CMD } from './commands.js';
import { softwareList, type Conn } from './facts.js';
import { jobLines } from './parse-system.js';
import { hopBases } from './paths.js';
import { list, text, type Xml } from './xml.js';

export interface JobOptions {
  hooks?: DriverHooks;
  /** How often a job is polled. */
  pollMs: number;
  jobTimeoutMs: number;
  /** First wait after a busy software manager (doubles each time). */
  busyBackoffMs: number;
  /** Install attempts while the software manager is busy, in all. */
  busyAttempts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const ok = <D = undefined>(message: string, sent: string[], data?: D): StepResult<D> => ({ outcome: 'ok', message, sent, received: '', data });

/** Enqueues a job; its id. */
async function enqueue(c: Conn, cmd: string, what: string, step: string): Promise<string> {
  const r = await c.op(cmd, step);
  const id = text(list(r.job)[0]);
  if (!id) throw new DeviceError(c.name, step, 'api', `${what} was not enqueued`, list((r.msg as Xml | undefined)?.line).map((l) => text(l)).join(' ') || undefined, false);
  return id;
}

/** Follows a job to FIN; its result and detail lines. A lost connection while polling is waited out until the job's deadline. */
async function follow(c: Conn, id: string, what: string, step: string, o: JobOptions, part?: { index: number; count: number }): Promise<{ ok: boolean; lines: string[] }> {
  const deadline = Date.now() + o.jobTimeoutMs;
  let last = 'not polled yet';
  while (Date.now() < deadline) {
    try {
      const j = list((await c.op(CMD.job(id), step)).job)[0];
      const status = text(j?.status);
      const progress = Number(text(j?.progress));
      if (status !== 'FIN' && Number.isFinite(progress)) o.hooks?.onProgress?.({ step, done: progress, total: 100, note: what, part });
      if (status === 'FIN') {
        o.hooks?.onProgress?.({ step, done: 100, total: 100, note: what, part });
        return { ok: text(j?.result) === 'OK', lines: jobLines(j) };
      }
      last = `${status || 'unknown'} ${Number.isFinite(progress) ? `${progress}%` : ''}`.trim();
    } catch (err) {
      if (!(isA(err, DeviceError) && err.transient)) throw err;
      last = err.message;
    }
    await sleep(o.pollMs);
  }
  throw new DeviceError(c.name, step, 'timeout', `${what} (job ${id}) did not finish within ${Math.round(o.jobTimeoutMs / 1000)} s (last: ${last})`, undefined, false);
}

/**
 * `request system software check`, then the hop's base image and release
 * unless already on the disk (with sync-to-peer when the plan says so).
 */
export async function stage(c: Conn, plan: ActivationPlan, version: string, from: string, step: string, o: JobOptions): Promise<StepResult> {
  const sent = [CLI.softwareCheck];
  const sw = await softwareList(c, step, true);
  if (sw.error) sent.push(CLI.softwareInfo);
  const wanted = [...hopBases(from, [version])[0], version];
  const sync = plan.syncToPeer ?? false;
  const fetched: string[] = [];
  // Which download of how many: a progress bar starting again is the next image, not a step back.
  const todo = wanted.filter((v) => !sw.software.find((s) => s.version === v)?.downloaded);
  for (const v of wanted) {
    const entry = sw.software.find((s) => s.version === v);
    if (entry?.downloaded) continue;
    if (!entry) {
      throw new DeviceError(c.name, step, 'precondition', `${v} is not offered by the update server${sw.error ? ` (the firewall's cached list: the update server could not be reached: ${sw.error})` : ''}`, undefined, false);
    }
    sent.push(CLI.download(v, sync));
    const what = `download of ${v}`;
    const r = await follow(c, await enqueue(c, CMD.download(v, sync), what, step), what, step, o, { index: todo.indexOf(v) + 1, count: todo.length });
    if (!r.ok) {
      const said = r.lines.join(' | ');
      throw new DeviceError(c.name, step, /free space|not enough space|disk/i.test(said) ? 'no-space' : 'command', `${what} failed`, said || undefined, false);
    }
    fetched.push(v);
  }
  if (fetched.length === 0) return { ...ok(`${wanted.join(' and ')} already downloaded; not downloaded again`, sent), outcome: 'skipped' };
  return ok(`downloaded ${fetched.join(' and ')}${sync ? ' (synced to the HA peer)' : ''}`, sent);
}

/** The hop's release and its base image are on the disk, loaded into the software manager. */
export async function verify(c: Conn, version: string, from: string, step: string): Promise<StepResult> {
  const sw = await softwareList(c, step, false);
  const needed = [...hopBases(from, [version])[0], version];
  const missing = needed.filter((v) => !sw.software.find((s) => s.version === v)?.downloaded);
  if (missing.length) throw new DeviceError(c.name, step, 'precondition', `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not downloaded on the firewall`, undefined, false);
  return ok(`${needed.join(' and ')} downloaded and loaded into the software manager`, [CLI.softwareInfo]);
}

/** Installs a release as a job; while the software manager is busy, waits and tries again (bounded). What was sent. */
export async function install(c: Conn, version: string, step: string, o: JobOptions): Promise<string[]> {
  const sent: string[] = [];
  const what = `install of ${version}`;
  let wait = o.busyBackoffMs;
  const started = Date.now();
  let lastSaid = '';
  for (let attempt = 1; attempt <= o.busyAttempts; attempt++) {
    sent.push(CLI.install(version));
    let busy: string | null = null;
    try {
      const id = await enqueue(c, CMD.install(version), what, step);
      const r = await follow(c, id, what, step, o);
      if (r.ok) return sent;
      const said = r.lines.join(' | ');
      if (!isBusy(said)) throw new DeviceError(c.name, step, 'command', `${what} (job ${id}) failed; nothing was restarted`, said || undefined, false);
      busy = said;
    } catch (err) {
      if (!(isA(err, DeviceError) && err.kind === 'api' && isBusy(`${err.deviceSaid ?? ''} ${err.detail}`))) throw err;
      busy = err.deviceSaid ?? err.detail;
    }
    lastSaid = busy;
    if (attempt === o.busyAttempts) break;
    o.hooks?.onLog?.(`${what}: the software manager is busy (${busy}); trying again in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${o.busyAttempts})`);
    await sleep(wait);
    wait = Math.min(wait * 2, 5 * 60_000);
  }
  throw new DeviceError(c.name, step, 'api', `${what} refused ${o.busyAttempts} times over ${Math.round((Date.now() - started) / 1000)} s: the software manager stayed busy; nothing was restarted`, lastSaid || undefined, false);
}
