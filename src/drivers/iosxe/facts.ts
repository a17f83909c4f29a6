// Facts of an IOS-XE device, collected with read-only show commands.
import type { Facts, Member } from '../contract.js';
import { DeviceError } from '../errors.js';
import type { IosxeSession } from './session.js';
import { parseShowVersion } from './parsers/version.js';
import { parseDir } from './parsers/dir.js';
import { parseInstallSummary } from './parsers/install.js';
import { parseRedundancy } from './parsers/redundancy.js';
import { parseShowSwitch } from './parsers/switch.js';
import { parseShowBoot } from './parsers/boot.js';
import { parseCpu } from './parsers/misc.js';
import { ParseError } from './parsers/common.js';

const refused = (text: string) => /Invalid input detected|^%/m.test(text);

/** Running and startup configuration, compared without their header lines. */
function configBody(text: string): string {
  return text.split('\n').filter((l) => !/^(Building configuration|Current configuration|Using \d+ out of|! Last configuration change|! NVRAM config last updated|!Time:)/.test(l.trim())).join('\n').trim();
}

/**
 * `readiness` adds what only the pre-checks need (CPU load, running vs startup
 * configuration); polling for a device's return does without.
 */
export async function collectFacts(s: IosxeSession, step = 'facts', readiness = false): Promise<Facts> {
  const parsed = <T>(command: string, text: string, parse: (t: string) => T, optional: boolean): T | null => {
    if (optional && refused(text)) return null;
    if (!optional) s.failIfRefused(command, text, step);
    try {
      return parse(text);
    } catch (err) {
      if (err instanceof ParseError) throw new DeviceError(s.target.hostname, step, 'parse', err.message, undefined, false);
      throw err;
    }
  };
  const ver = parsed('show version', await s.run('show version', { step }), parseShowVersion, false)!;
  const fs = /^([a-z0-9-]+:)/i.exec(ver.image ?? '')?.[1].toLowerCase() ?? (ver.model?.startsWith('C9') ? 'flash:' : 'bootflash:');
  // What show version told (the filesystem, a Catalyst) decides the rest, asked all at once.
  const switchTable = ver.model?.startsWith('C9') ?? false;
  const commands = [`dir ${fs}`, 'show install summary', 'show redundancy', ...(switchTable ? ['show switch'] : []), 'show boot', ...(readiness ? ['show processes cpu | include CPU utilization'] : [])];
  const outputs = await s.runReadOnly(commands, step);
  const answer = <T>(command: string, parse: (t: string) => T, optional = true) => parsed(command, outputs[commands.indexOf(command)], parse, optional);
  const dir = answer(`dir ${fs}`, (t) => parseDir(t, `dir ${fs}`), false);
  const install = answer('show install summary', parseInstallSummary);
  const red = answer('show redundancy', parseRedundancy);
  const sw = switchTable ? answer('show switch', (t) => parseShowSwitch(t)) : null;
  const boot = answer('show boot', parseShowBoot);
  const cpu = readiness ? answer('show processes cpu | include CPU utilization', parseCpu) : null;
  const running = readiness ? await s.run('show running-config', { step, timeout: 'operation' }) : null;
  const startup = readiness ? await s.run('show startup-config', { step, timeout: 'operation', allowErrors: true }) : null;
  if (running !== null && startup !== null) s.configRead = { running, startup, at: Date.now(), afterSent: s.sent.length };

  const duplex = red?.hardwareMode === 'Duplex';
  const switchMembers = sw?.members ?? [];
  // A 9200/9300/3850 stack also reports Duplex (its standby switch runs SSO): only the
  // 9400/9500/9600 families form StackWise Virtual. Unknown models count as stacks (no ISSU).
  const svlFamily = /^C9[456]\d/i.test(ver.model ?? '');
  const kind = switchMembers.length > 1 ? (duplex && svlFamily ? 'svl' : 'stack') : duplex ? 'dual-sup' : 'none';
  let members: Member[] = [];
  if (switchMembers.length > 0) {
    members = switchMembers.map((m, i) => {
      const detail = ver.switches.find((x) => x.number === m.number);
      // Without a switch table (9500/9600 SVL), the versions come from show redundancy: this side is the active.
      const version = detail?.version ?? (kind === 'svl' ? (m.role === 'Active' ? red?.localVersion : red?.peerVersion) ?? null : null);
      return { number: m.number, role: m.role, state: m.state, version, model: detail?.model ?? ver.model, serial: detail?.serial ?? null };
    });
  } else if (kind === 'dual-sup') {
    members = [
      { number: 1, role: 'Active', state: red?.localState ?? null, version: red?.localVersion ?? ver.version, model: ver.model, serial: ver.serial },
      { number: 2, role: 'Standby', state: red?.peerState ?? null, version: red?.peerVersion ?? null, model: ver.model, serial: null },
    ];
  }
  return {
    hostname: ver.hostname ?? s.hostname,
    platform: 'iosxe',
    model: ver.model,
    serial: ver.serial,
    version: ver.version!,
    image: ver.image,
    bootMode: ver.bootMode,
    uptimeSeconds: ver.uptimeSeconds,
    lastReloadReason: ver.lastReloadReason,
    filesystem: dir?.filesystem ?? fs,
    flashTotal: dir?.totalBytes ?? null,
    flashFree: dir?.freeBytes ?? null,
    files: (dir?.files ?? []).filter((f) => !f.isDirectory).map((f) => ({ name: f.name, size: f.size })),
    redundancy: { kind, operatingMode: red?.operatingMode ?? null, peerState: duplex ? red?.peerState ?? null : null, members },
    install: install ? { packages: install.packages.map((p) => ({ state: p.state, version: p.version })), uncommitted: install.uncommitted, autoAbortTimer: install.autoAbortTimer } : null,
    bootVariable: boot?.bootVariable ?? [],
    manualBoot: boot?.manualBoot ?? null,
    configRegister: ver.configRegister ?? boot?.configRegister ?? null,
    configSaved: running === null || startup === null || refused(startup) ? null : configBody(running) === configBody(startup),
    cpu5min: cpu?.fiveMinutes ?? null,
    extra: { switchMembers: switchMembers.length, pagingOff: s.pagingOff },
    collectedAt: new Date().toISOString(),
  };
}
