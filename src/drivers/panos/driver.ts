// The PAN-OS driver: the contract's operations over the XML API, directly or
// through Panorama (target=<serial>). The work is done in facts.ts,
// snapshot.ts, software.ts, ha.ts and wait.ts; this class holds the
// connection and says what each step sent.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationPlan, Disrupted, Driver, DeviceTarget, DriverHooks, Facts, Snapshot, StepResult, Transcript, WaitExpectation } from '../contract.js';
import { DeviceError } from '../errors.js';
import { isA } from '../../common/errors.js';
import { PanosApi } from './client.js';
import { CLI, CMD } from './commands.js';
import { readFacts, type Conn } from './facts.js';
import { commitHa, suspend } from './ha.js';
import { panosRules } from './rules.js';
import { takeSnapshot } from './snapshot.js';
import { install, ok, stage, verify, type JobOptions } from './software.js';
import type { PanosFacts } from './types.js';
import { waitForReturn } from './wait.js';
import { list, rawConfig, text, type Xml } from './xml.js';

export interface PanosDriverOptions {
  hooks?: DriverHooks;
  /** How often jobs and a returning firewall are polled (the engine's poll interval). */
  pollMs?: number;
  jobTimeoutMs?: number;
  /** API requests per second toward the Panorama this firewall is reached through. */
  panoramaRps?: number;
  /** First wait after "software manager in use" (default: 15 polls, 30 s at the default poll). */
  busyBackoffMs?: number;
  busyAttempts?: number;
  /** How long an HA pair may take to settle after a suspend or a functional (default: 60 polls). */
  haSettleMs?: number;
  /** Each API call and its answer, masked (the console's session pane and the transcripts folder). */
  transcript?: Transcript;
}

export class PanosDriver implements Driver {
  readonly rules = panosRules;
  private readonly api: PanosApi;
  private serial: string | undefined;
  private readonly conn: Conn & { forgetKey(): boolean };
  private readonly jobs: JobOptions;

  constructor(readonly target: DeviceTarget, private readonly opts: PanosDriverOptions = {}) {
    const via = target.via;
    const auth = via ? via.api : target.api;
    if (!auth) throw new DeviceError(target.hostname, 'connect', 'auth', `no API credentials for ${via ? via.hostname : target.hostname}`, undefined, false);
    this.api = via
      ? new PanosApi({ label: via.hostname, host: via.host, port: via.port, auth, rps: opts.panoramaRps ?? 10 }, undefined, opts.transcript)
      : new PanosApi({ label: target.hostname, host: target.host, port: target.port, auth }, undefined, opts.transcript);
    const pollMs = opts.pollMs ?? 2000;
    this.jobs = { hooks: opts.hooks, pollMs, jobTimeoutMs: opts.jobTimeoutMs ?? 60 * 60_000, busyBackoffMs: opts.busyBackoffMs ?? pollMs * 15, busyAttempts: opts.busyAttempts ?? 6 };
    const name = target.hostname;
    this.conn = {
      name,
      op: async (cmd, step) => this.api.op(cmd, name, step, await this.route(step)),
      opText: async (cmd, step) => this.api.opText(cmd, name, step, await this.route(step)),
      configShow: async (xpath, step) => this.api.configShow(xpath, name, step, await this.route(step)),
      forgetKey: () => this.api.forgetKey(),
    };
  }

  private get name(): string {
    return this.target.hostname;
  }

  private get ha() {
    const pollMs = this.opts.pollMs ?? 2000;
    return { pollMs, settleMs: this.opts.haSettleMs ?? pollMs * 60 };
  }

  /** The serial to address through Panorama (undefined when direct). */
  private async route(step: string): Promise<string | undefined> {
    if (!this.target.via) return undefined;
    if (!this.serial) await this.connect(step);
    return this.serial;
  }

  async connect(step = 'connect'): Promise<void> {
    await this.api.ensureKey(this.name, step);
    if (!this.target.via || this.serial) return;
    // Behind Panorama the firewall is addressed by serial: find it by hostname, or by an address only it has
    // (among all managed firewalls, so a restarting one is found too: its calls then answer "not connected").
    // One listing serves every firewall behind the same Panorama.
    const address = `@${this.target.host}`;
    const serial = await this.api.serialOf(this.name, async (serials) => {
      const devices = list(((await this.api.op(CMD.devices, this.name, step)).devices as Xml | undefined)?.entry);
      const byAddress = new Map<string, string[]>();
      for (const d of devices) {
        const s = text(d.serial) || String(d['@name'] ?? '');
        if (text(d.hostname)) serials.set(text(d.hostname).toLowerCase(), s);
        byAddress.set(text(d['ip-address']), [...(byAddress.get(text(d['ip-address'])) ?? []), s]);
      }
      // An address only one firewall has identifies it too (the workbook's hostname may differ from the firewall's).
      for (const [ip, list] of byAddress) if (list.length === 1) serials.set(`@${ip}`, list[0]);
    }) ?? (await this.api.serialOf(address, async () => undefined));
    if (!serial) throw new DeviceError(this.name, step, 'precondition', `${this.target.via.hostname} manages no firewall named ${this.name} (show devices all)`, undefined, false);
    this.serial = serial;
  }

  async close(): Promise<void> {
    this.api.close();
    this.opts.transcript?.close?.();
  }

  async facts(opts: { step?: string; readiness?: boolean } = {}): Promise<PanosFacts> {
    const step = opts.step ?? 'facts';
    await this.connect(step);
    return readFacts(this.conn, { step, readiness: opts.readiness ?? false });
  }

  /** Firewalls download their software themselves: no image server. */
  async localAddress(): Promise<string | null> {
    return null;
  }

  async snapshot(step = 'snapshot'): Promise<Snapshot> {
    await this.connect(step);
    return takeSnapshot(this.conn, step);
  }

  /** The running configuration as the firewall printed it, and the device state bundle when the API gives one. */
  async backup(dir: string, step = 'backup'): Promise<StepResult<{ file: string }>> {
    await this.connect(step);
    const body = await this.api.opRaw(CMD.configRunning, this.name, step, await this.route(step));
    const config = rawConfig(body);
    if (!config) throw new DeviceError(this.name, step, 'parse', 'show config running returned no <config>', body.slice(0, 200), false);
    const folder = join(dir, this.name);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = join(folder, `${stamp}.xml`);
    writeFileSync(file, `<?xml version="1.0"?>\n${config}\n`, { mode: 0o600 });
    let state = '';
    try {
      const bundle = await this.api.exportFile('device-state', this.name, step, await this.route(step));
      const stateFile = join(folder, `${stamp}-device-state.tgz`);
      writeFileSync(stateFile, bundle, { mode: 0o600 });
      state = `; device state saved to ${stateFile}`;
    } catch (err) {
      if (!(isA(err, DeviceError) && (err.kind === 'api' || err.kind === 'auth'))) throw err;
      state = `; no device state bundle (${err.deviceSaid ?? err.detail})`;
    }
    return ok(`running configuration saved to ${file}${state}`, [CLI.configRunning, CLI.deviceState], { file });
  }

  /** The hop a step works on and the release it starts from. */
  private hop(plan: ActivationPlan, version?: string): { v: string; from: string } {
    const hops = plan.hops ?? [plan.targetVersion];
    const v = version ?? hops[hops.length - 1];
    const i = hops.indexOf(v);
    return { v, from: i > 0 ? hops[i - 1] : plan.previousVersion };
  }

  async stage(plan: ActivationPlan, _source: unknown, version?: string, step = 'stage'): Promise<StepResult> {
    await this.connect(step);
    const { v, from } = this.hop(plan, version);
    return stage(this.conn, plan, v, from, step, this.jobs);
  }

  async verify(plan: ActivationPlan, version?: string, step = 'verify'): Promise<StepResult> {
    await this.connect(step);
    const { v, from } = this.hop(plan, version);
    return verify(this.conn, v, from, step);
  }

  /** The install job (retried while the software manager is busy), before the reload gate: nothing restarts here. */
  async install(plan: ActivationPlan, version?: string, step = 'install'): Promise<StepResult> {
    await this.connect(step);
    const { v } = this.hop(plan, version);
    const sent = await install(this.conn, v, step, this.jobs);
    return ok(`${v} installed for the next boot${sent.length > 1 ? ` (after ${sent.length - 1} busy refusal${sent.length > 2 ? 's' : ''})` : ''}; nothing restarted`, sent);
  }

  /** The restart into the release the install step installed. */
  async activate(_plan: ActivationPlan, _version?: string, step = 'activate'): Promise<StepResult<Disrupted>> {
    await this.connect(step);
    return ok(await this.restart(step), [CLI.restart], { reloads: true });
  }

  /**
   * `request restart system`, sent once. Firewalls answer it with success, with an error envelope
   * saying "Command succeeded with no output", or not at all (the connection goes with the
   * restart): none of these is a failure, and the wait after it tells whether it restarted
   * (docs/devices/panos-api.md, "Restart").
   */
  private async restart(step: string): Promise<string> {
    try {
      await this.conn.opText(CMD.restart, step);
      return 'the firewall restarts';
    } catch (err) {
      if (!isA(err, DeviceError)) throw err;
      if (/Command succeeded with no output/i.test(`${err.deviceSaid ?? ''} ${err.detail}`)) return 'the firewall restarts (it answered "Command succeeded with no output" as an error)';
      if (err.kind === 'connect' && err.transient) return `the firewall restarts, or not: the connection went before its answer (${err.detail}); the wait tells`;
      throw err;
    }
  }

  async switchover(_plan: ActivationPlan, step = 'switchover'): Promise<StepResult<Disrupted>> {
    await this.connect(step);
    return suspend(this.conn, step, this.ha);
  }

  async waitForReturn(expect: WaitExpectation, step = 'wait'): Promise<StepResult<{ facts: Facts }>> {
    const r = await waitForReturn(this.conn, expect, step);
    return { ...r, data: { facts: await this.facts({ step }) } };
  }

  async commit(plan: ActivationPlan, step = 'commit'): Promise<StepResult> {
    await this.connect(step);
    return commitHa(this.conn, plan, step, this.ha);
  }

  /** The previous release installed again (busy refusals retried), then the restart; the wait counts from the restart. */
  async rollback(plan: ActivationPlan, step = 'rollback'): Promise<StepResult<Disrupted>> {
    await this.connect(step);
    const sent = await install(this.conn, plan.previousVersion, step, this.jobs);
    const restartedAt = Date.now();
    const restarted = await this.restart(step);
    return ok(`${plan.previousVersion} installed again${sent.length > 1 ? ` (after ${sent.length - 1} busy refusal${sent.length > 2 ? 's' : ''})` : ''}; ${restarted}`, [...sent, CLI.restart], { reloads: true, restartedAt });
  }

  async cleanup(): Promise<StepResult> {
    return { ...ok('PAN-OS keeps its software images; nothing to remove', []), outcome: 'skipped' };
  }
}
