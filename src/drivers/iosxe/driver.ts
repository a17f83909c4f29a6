// The IOS-XE driver: the contract's operations over one SSH session,
// reconnecting when the device has dropped it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationPlan, Driver, DeviceTarget, DriverHooks, Facts, ImageSource, Snapshot, StepResult, WaitExpectation } from '../contract.js';
import { DeviceError, mask } from '../errors.js';
import { DIALOGUES } from './dialogues.js';
import { configHead } from './config-compare.js';
import { ParseError } from './parsers/common.js';
import { tailOf } from '../ssh/channel.js';
import { waitListening } from '../ssh/listening.js';
import { activate, NothingSent, result, rollback, switchover } from './disruptive.js';
import { topologyOf, waitForReturn, widerTopology, type Topology } from './return-watch.js';
import { collectFacts, FACTS_COMMANDS } from './facts.js';
import { sameRelease, SNAPSHOT_COMMANDS, stageCommands } from './plan.js';
import { iosxeRules } from './rules.js';
import type { IosxeFacts, StageInput } from './types.js';
import { parseInstallSummary } from './parsers/install.js';
import { IosxeSession, type SessionOptions } from './session.js';
import { deviceDigest, httpPull, presentAndVerified } from './transfer.js';
import { stageByScp } from './scp-stage.js';
import { parseArp, parseBgpSummary, parseInterfaceBrief, parseOspfNeighbors, parseRouteSummary } from './parsers/tables.js';

/** How old the pre-check's read of the configuration may be to serve as the backup. */
const CONFIG_READ_FRESH_MS = 60_000;

export interface IosxeDriverOptions extends SessionOptions {
  hooks?: DriverHooks;
}

export class IosxeDriver implements Driver {
  readonly rules = iosxeRules;
  private session: IosxeSession | null = null;
  private readonly secrets: string[];
  /** The members the device had when last seen whole: a wait for its return expects them all back. */
  private topology: Topology | null = null;

  constructor(readonly target: DeviceTarget, private readonly opts: IosxeDriverOptions) {
    this.secrets = [target.ssh?.password, target.ssh?.enable, target.ssh?.passphrase].filter((s): s is string => !!s);
  }

  private async open(step: string): Promise<IosxeSession> {
    if (this.session && !this.session.isClosed) return this.session;
    this.session?.close();
    this.session = await IosxeSession.open(this.target, this.opts, step);
    return this.session;
  }

  async connect(): Promise<void> {
    await this.open('connect');
  }

  async close(): Promise<void> {
    this.session?.close();
    this.session = null;
    this.opts.transcript?.close?.();
  }

  /**
   * Where the device can reach upshift: the local address of this SSH connection. Behind a
   * jump host upshift cannot tell which address the device would reach: null (push with SCP).
   */
  async localAddress(): Promise<string | null> {
    if (this.target.via) return null;
    return (await this.open('connect')).localAddress;
  }

  /** The facts; with `readiness`, also CPU load and whether the configuration is saved (for pre-checks). */
  async facts(opts: { step?: string; readiness?: boolean } = {}): Promise<IosxeFacts> {
    const step = opts.step ?? 'facts';
    const f = await collectFacts(await this.open(step), step, opts.readiness ?? false);
    this.topology = topologyOf(this.topology, f);
    return f;
  }

  async snapshot(step = 'snapshot'): Promise<Snapshot> {
    const s = await this.open(step);
    const outputs = await s.runReadOnly(SNAPSHOT_COMMANDS, step);
    // A protocol that is not running answers "% …" or nothing at all (OSPF without neighbours): no figure, not a failure.
    const optional = <T>(i: number, parse: (t: string) => T): T | null => {
      const out = outputs[i];
      if (out.trim() === '') return null;
      if (/^\s*%/m.test(out) && !/Route Source|Neighbor|Protocol|Interface/.test(out)) return null;
      try {
        return parse(out);
      } catch (err) {
        // An output that lacks what the command always prints: said as the device's error, naming the command.
        // Transient: on a terminal whose log messages garble every read, a later attempt may read it clean.
        if (err instanceof ParseError) throw new DeviceError(this.target.hostname, step, 'parse', `"${SNAPSHOT_COMMANDS[i]}": ${err.message}`, s.masked(tailOf(out)) || undefined, true);
        throw err;
      }
    };
    const routes = optional(0, parseRouteSummary);
    const arp = optional(1, parseArp);
    const bgp = optional(2, parseBgpSummary);
    const ospf = optional(3, parseOspfNeighbors);
    const ifs = optional(4, parseInterfaceBrief);
    return {
      routes: routes?.total ?? null,
      routesBySource: routes?.bySource ?? {},
      arp: arp ? arp.entries.length : null,
      bgp: (bgp?.neighbors ?? []).map((n) => ({ address: n.address, state: n.state, prefixes: n.prefixesReceived })),
      ospf: (ospf?.neighbors ?? []).map((n) => ({ routerId: n.routerId, state: n.state })),
      interfaces: (ifs?.interfaces ?? []).map((i) => ({ name: i.name, up: i.status === 'up' && i.protocol === 'up' })),
      sessions: null,
      takenAt: new Date().toISOString(),
    };
  }

  async backup(dir: string, step = 'backup'): Promise<StepResult<{ file: string }>> {
    const s = await this.open(step);
    // The pre-check read both moments ago on this session and nothing was sent since: that read is the backup.
    const read = s.configRead && s.configRead.afterSent === s.sent.length && Date.now() - s.configRead.at < CONFIG_READ_FRESH_MS ? s.configRead : null;
    s.configRead = null;
    const [running, startup] = read ? [read.running, read.startup] : await s.readConfigurations(step, 'operation');
    s.failIfRefused('show running-config', configHead(running), step);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const folder = join(dir, this.target.hostname);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // The device's own secrets stay as the device stores them; upshift's credentials are masked.
    const file = join(folder, `${stamp}.cfg`);
    writeFileSync(file, mask(running, this.secrets), { mode: 0o600 });
    writeFileSync(join(folder, `${stamp}.startup.cfg`), mask(startup, this.secrets), { mode: 0o600 });
    const how = read ? ' (as read for the pre-checks just before)' : '';
    return result(`running and startup configuration${how} saved to ${file}`, read ? [] : ['show running-config', 'show startup-config'], '', { file });
  }

  async stage(plan: ActivationPlan, source: ImageSource | null, _version?: string, step = 'stage'): Promise<StepResult> {
    if (!plan.image || !source) throw new DeviceError(this.target.hostname, step, 'precondition', 'no image to transfer', undefined, false);
    const input: StageInput = { image: plan.image, filesystem: plan.filesystem, method: source.method, url: source.method === 'http' ? source.url : undefined, localFile: source.method === 'scp' ? source.localFile : undefined };
    const s = await this.open(step);
    const state = await presentAndVerified(s, input, step);
    if (state === 'verified') return { ...result(`${input.image.file} is already on ${input.filesystem} with the right digest; not copied again`, [`dir ${input.filesystem}`], ''), outcome: 'skipped' };
    if (input.method === 'http') {
      const out = await httpPull(s, input, step);
      return result(`${input.image.file} copied to ${input.filesystem}${state === 'different' ? ' (replacing a different file of that name)' : ''}`, stageCommands(input), out);
    }
    return stageByScp(s, s.transport, this.target.hostname, input, this.opts.hooks ?? {}, step);
  }

  async verify(plan: ActivationPlan, _version?: string, step = 'verify'): Promise<StepResult> {
    const image = plan.image;
    const filesystem = plan.filesystem;
    if (!image) throw new DeviceError(this.target.hostname, step, 'precondition', 'no image to verify', undefined, false);
    const s = await this.open(step);
    const d = await deviceDigest(s, image, filesystem, step);
    if (d.actual !== d.expected) {
      throw new DeviceError(this.target.hostname, step, 'hash-mismatch', `${filesystem}${image.file} does not match the Images sheet: the device computed ${d.algo} ${d.actual}, the sheet says ${d.expected}`, undefined, false);
    }
    return result(`${d.algo} of ${filesystem}${image.file} matches the Images sheet`, [`verify /${d.algo} ${filesystem}${image.file}`], `${d.algo} ${d.actual}`);
  }

  /** Never in an IOS-XE sequence: `install add … activate` installs and activates in one command. */
  async install(_plan: ActivationPlan, _version?: string, step = 'install'): Promise<StepResult> {
    throw new DeviceError(this.target.hostname, step, 'precondition', 'IOS-XE installs as it activates: there is no separate install step', undefined, false);
  }

  activate(plan: ActivationPlan, _version?: string, step = 'activate'): Promise<StepResult<{ reloads: boolean }>> {
    return this.onceMoreIfNothingSent(step, (s) => activate(s, plan, step));
  }

  /** The session went before the disruptive command was sent: nothing happened, so once more on a new session. */
  private async onceMoreIfNothingSent<T>(step: string, run: (s: IosxeSession) => Promise<T>): Promise<T> {
    try {
      return await run(await this.open(step));
    } catch (err) {
      if (!(err instanceof NothingSent)) throw err;
      await this.close();
      return run(await this.open(step));
    }
  }

  async switchover(_plan: ActivationPlan, step = 'switchover'): Promise<StepResult<{ reloads: boolean }>> {
    // The old active reloads and the session drops: what follows waits for the device to answer again.
    const r = await switchover(await this.open(step), step);
    return { ...r, data: { reloads: true } };
  }

  async waitForReturn(expect: WaitExpectation, step = 'wait'): Promise<StepResult<{ facts: Facts }>> {
    await this.close();
    const r = await waitForReturn(this.target.hostname, {
      facts: async () => {
        try {
          return await this.facts({ step });
        } catch (err) {
          await this.close();
          throw err;
        }
      },
      // Through a jump host the port cannot be probed from here.
      listening: this.target.via ? undefined : (withinMs, everyMs) => waitListening(this.target.host, this.target.port, withinMs, everyMs),
    }, { ...expect, topology: widerTopology(this.topology, expect.plan?.topology) }, step);
    // What each poll sent (the facts read), as the plan lists it.
    return { ...r, sent: [...FACTS_COMMANDS] };
  }

  async commit(plan: ActivationPlan, step = 'commit'): Promise<StepResult> {
    if (plan.kind !== 'install' && plan.kind !== 'issu') return { ...result(`nothing to commit (${plan.kind})`, [], ''), outcome: 'skipped' };
    const s = await this.open(step);
    // Observe first: a commit interrupted after the device made it must not be made again.
    const [summary] = await s.runReadOnly(['show install summary'], step);
    const packages = /Installed Package/.test(summary) ? parseInstallSummary(summary).packages : [];
    if (packages.length > 0 && !packages.some((p) => p.state === 'U') && packages.some((p) => p.state === 'C' && sameRelease(p.version, plan.targetVersion))) {
      return { ...result(`${plan.targetVersion} is already committed`, ['show install summary'], ''), outcome: 'skipped' };
    }
    const out = await s.run('install commit', { step, timeout: 'operation', allowErrors: true });
    if (!/SUCCESS: install_commit/.test(out)) throw new DeviceError(this.target.hostname, step, 'command', '"install commit" failed', out.trim().split('\n').slice(-3).join('\n'), false);
    return result(`${plan.targetVersion} committed`, ['show install summary', 'install commit'], out);
  }

  async rollback(plan: ActivationPlan, step = 'rollback'): Promise<StepResult<{ reloads: boolean }>> {
    const facts = await this.facts({ step });
    return this.onceMoreIfNothingSent(step, (s) => rollback(s, plan, facts, step));
  }

  async cleanup(_plan: ActivationPlan, step = 'cleanup'): Promise<StepResult> {
    const s = await this.open(step);
    const facts = await collectFacts(s, step);
    const keep = facts.install?.packages.filter((p) => p.state !== 'I').map((p) => p.version) ?? [];
    const out = await s.run('install remove inactive', {
      step, timeout: 'operation', allowErrors: true,
      dialogues: [{ ...DIALOGUES.removeFiles }],
    });
    if (/Nothing to clean/i.test(out)) return { ...result('no inactive files to remove', ['install remove inactive'], out), outcome: 'skipped' };
    if (!/SUCCESS: install_remove/.test(out)) throw new DeviceError(this.target.hostname, step, 'command', '"install remove inactive" failed', out.trim().split('\n').slice(-3).join('\n'), false);
    return result(`inactive files removed (kept ${keep.join(', ') || 'the running version'})`, ['install remove inactive'], out);
  }
}

