// Facts of an IOS-XE device, collected with read-only show commands typed
// ahead together: one exchange for all of them.
import type { IosxeFacts, Member } from './types.js';
import { DeviceError } from '../errors.js';
import type { IosxeSession } from './session.js';
import { buildLabelOf, parseShowVersion } from './parsers/version.js';
import { parseDir } from './parsers/dir.js';
import { parseInstallSummary } from './parsers/install.js';
import { parseInstallRollback } from './parsers/rollback.js';
import { parseRedundancy } from './parsers/redundancy.js';
import { parseShowSwitch } from './parsers/switch.js';
import { parseShowBoot } from './parsers/boot.js';
import { parseCpu } from './parsers/misc.js';
import { ParseError } from './parsers/common.js';
import { compareConfigs } from './config-compare.js';

const refused = (text: string) => /Invalid input detected|^%/m.test(text);

/** The running configuration's comment lines that say when it changed and when it was last saved. */
export const CONFIG_HEADER = 'show running-config | include ^! (Last configuration change|No configuration change|NVRAM config last updated)';
const CPU = 'show processes cpu | include CPU utilization';

/** What every facts read sends (typed ahead together); with readiness, also CPU and the config header. */
export const FACTS_COMMANDS = ['show version', 'dir', 'show install summary', 'show redundancy', 'show switch', 'show boot'];
export const READINESS_COMMANDS = [CPU, CONFIG_HEADER];
/** Read with readiness in install mode only: the rollback point a committed one-shot install goes back to. */
export const ROLLBACK_POINTS = 'show install rollback';

/** "10:12:33 UTC Thu Dec 3 2026 by netops" → time (to the second) and zone. */
function stampOf(text: string): { at: number; zone: string } | null {
  const m = /^(\d{1,2}:\d\d:\d\d)(?:\.\d+)? (\S+) \w{3} (\w{3}) (\d{1,2}) (\d{4})/.exec(text.trim());
  const at = m ? Date.parse(`${m[3]} ${m[4]} ${m[5]} ${m[1]} UTC`) : NaN;
  return m && !Number.isNaN(at) ? { at, zone: m[2] } : null;
}

/**
 * Whether the running configuration is saved, from its header lines: saved
 * when nothing changed since the restart, or when NVRAM was written at or
 * after the last change; never saved without an NVRAM line. null when the
 * lines are not there or cannot be compared. Only `true` is final: the lines
 * count changes, not what they left behind, so for false and null both
 * configurations are read and compared.
 */
export function configSavedFromHeader(text: string): boolean | null {
  const change = /^! Last configuration change at (.+)$/m.exec(text);
  const unchanged = /^! No configuration change since last restart/m.test(text);
  const nvram = /^! NVRAM config last updated at (.+)$/m.exec(text);
  if (!change && !unchanged) return null;
  if (!nvram) return false;
  if (!change) return true;
  const changed = stampOf(change[1]);
  const saved = stampOf(nvram[1]);
  if (!changed || !saved || changed.zone !== saved.zone) return null;
  return saved.at >= changed.at;
}

/** "active on install_activate, time before rollback - 01:49:42" → when the timer runs out. */
export function abortsAt(timer: string | null, now = Date.now()): string | null {
  const m = timer ? /(\d+):(\d{2}):(\d{2})\s*$/.exec(timer) : null;
  return m ? new Date(now + ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000).toISOString() : null;
}

/**
 * The rollback point ids, as listed (newest first); null when the device refuses the command
 * or prints what upshift cannot read: only a one-shot install's rollback needs them, and
 * without them that rollback stops and says so.
 */
async function readRollbackIds(s: IosxeSession, step: string): Promise<number[] | null> {
  const [text] = await s.runReadOnly([ROLLBACK_POINTS], step);
  if (refused(text)) return null;
  try {
    return parseInstallRollback(text).points.map((p) => p.id);
  } catch (err) {
    if (err instanceof ParseError) return null;
    throw err;
  }
}

/**
 * `readiness` adds what only the pre-checks need (CPU load, running vs startup
 * configuration); polling for a device's return does without.
 */
export async function collectFacts(s: IosxeSession, step = 'facts', readiness = false): Promise<IosxeFacts> {
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
  // `dir` lists the default file system, the one the device boots from on the platforms upshift
  // knows; show version's image path tells if not (then that file system is listed after).
  const commands = [...FACTS_COMMANDS, ...(readiness ? READINESS_COMMANDS : [])];
  const outputs = await s.runReadOnly(commands, step);
  const answer = <T>(command: string, parse: (t: string) => T, optional = true) => parsed(command, outputs[commands.indexOf(command)], parse, optional);
  const ver = answer('show version', parseShowVersion, false)!;
  const build = buildLabelOf(outputs[commands.indexOf('show version')]);
  if (ver.version === null) {
    // An engineering or special build on a chassis without a switch table (9400, 9500 SVL, 9600, routers) names no
    // release anywhere: without it nothing can be planned or verified, so it is said here, with what the device printed.
    throw new DeviceError(s.target.hostname, step, 'parse', `show version names no release number${build ? ` (an engineering or special build: ${build.label})` : ''}, so upshift cannot tell which release runs; upgrade it by hand or onto a release first`, build?.banner, false);
  }
  const fs = /^([a-z0-9-]+:)/i.exec(ver.image ?? '')?.[1].toLowerCase() ?? (ver.model?.startsWith('C9') ? 'flash:' : 'bootflash:');
  let dir = answer('dir', (t) => parseDir(t, 'dir'));
  if (dir?.filesystem?.toLowerCase() !== fs) dir = parsed(`dir ${fs}`, (await s.runReadOnly([`dir ${fs}`], step))[0], (t) => parseDir(t, `dir ${fs}`), false);
  const install = answer('show install summary', parseInstallSummary);
  const red = answer('show redundancy', parseRedundancy);
  // Only Catalysts have stack or StackWise Virtual members; elsewhere the command is refused.
  const sw = ver.model?.startsWith('C9') ? answer('show switch', (t) => parseShowSwitch(t)) : null;
  const boot = answer('show boot', parseShowBoot);
  const cpu = readiness ? answer(CPU, parseCpu) : null;
  const rollbackIds = readiness && ver.bootMode === 'install' ? await readRollbackIds(s, step) : null;
  let configSaved = readiness ? configSavedFromHeader(outputs[commands.indexOf(CONFIG_HEADER)]) : null;
  if (readiness && configSaved !== true) {
    // No header lines to go by, or they say a change came after the last save: a change that
    // was undone (ip scp server on for a transfer, then off) counts there too. The texts,
    // read together, say whether anything is unsaved.
    const read = await compareConfigs(s, step);
    s.configRead = { running: read.running, startup: read.startup, at: Date.now(), afterSent: s.sent.length };
    configSaved = read.same ?? configSaved;
  }

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
    version: ver.version,
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
    configSaved,
    cpu5min: cpu?.fiveMinutes ?? null,
    rollbackIds,
    pagingOff: s.pagingOff,
    buildLabel: build?.label ?? null,
    pairRole: null,
    uncommitted: install?.uncommitted || install?.autoAbortTimer ? { detail: 'an activated, uncommitted install', autoAbort: install.autoAbortTimer, abortsAt: abortsAt(install.autoAbortTimer) } : null,
    collectedAt: new Date().toISOString(),
  };
}
