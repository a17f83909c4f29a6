// `install …` on the simulated device, with its questions (save, proceed,
// boot config, remove files) and the output and failure lines real devices
// print (docs/devices/iosxe-sessions.md); ISSU's activation is in ha.ts.
import type { CliSession } from './cli.js';
import type { Handler } from './commands.js';
import { paddedVersion } from '../images.js';
import { issuAbort, issuActivate, issuBusy } from './ha.js';
import { logLine } from './syslog.js';
import { rollbackCommand } from './rollback.js';

const VERBS = ['add', 'activate', 'commit', 'abort', 'remove', 'auto-abort-timer', 'rollback'];

export function installStamp(date = new Date()): string {
  const s = date.toUTCString(); // "Thu, 22 Oct 2020 15:53:26 GMT"
  const [dow, dd, mon, yyyy, time] = s.replace(',', '').split(' ');
  return `${dow} ${mon} ${dd.replace(/^0/, ' ')} ${time} UTC ${yyyy}`;
}

interface Options { activate: boolean; commit: boolean; issu: boolean; quiet: boolean; abortMinutes: number | null }

function parseOptions(words: string[]): Options | string {
  const o: Options = { activate: false, commit: false, issu: false, quiet: false, abortMinutes: null };
  for (let i = 0; i < words.length; i++) {
    const w = words[i].toLowerCase();
    const is = (kw: string) => w.length >= 2 && kw.startsWith(w);
    if (is('activate')) o.activate = true;
    else if (is('commit')) o.commit = true;
    else if (is('issu')) o.issu = true;
    else if (is('prompt-level') && words[i + 1]?.toLowerCase() === 'none') { o.quiet = true; i++; }
    else if (is('auto-abort-timer') && /^\d+$/.test(words[i + 1] ?? '')) { o.abortMinutes = Number(words[++i]); }
    else return words[i];
  }
  return o;
}

export const installCommand: Handler = async (s, args, raw) => {
  const verb = VERBS.filter((v) => args[0] && v.startsWith(args[0].toLowerCase()));
  if (verb.length !== 1) return s.invalid(raw, raw.indexOf(args[0] ?? '') >= 0 ? raw.indexOf(args[0] ?? '') : raw.length);
  const rest = args.slice(1);
  switch (verb[0]) {
    case 'add': {
      if (!rest[0] || !'file'.startsWith(rest[0].toLowerCase()) || !rest[1]) return s.write('% Incomplete command.\n\n');
      const opts = parseOptions(rest.slice(2));
      if (typeof opts === 'string') return s.invalid(raw, raw.lastIndexOf(opts));
      return add(s, rest[1], opts);
    }
    case 'activate': {
      const opts = parseOptions(rest);
      if (typeof opts === 'string') return s.invalid(raw, raw.lastIndexOf(opts));
      return activate(s, { ...opts, activate: true }, 'install_activate');
    }
    case 'commit':
      return commit(s);
    case 'abort':
      return abort(s, rest[0]?.toLowerCase().startsWith('is') ?? false);
    case 'remove':
      if (!rest[0] || !'inactive'.startsWith(rest[0].toLowerCase())) return s.write('% Incomplete command.\n\n');
      return removeInactive(s);
    case 'auto-abort-timer':
      if (!s.state.autoAbort) return s.write('FAILED: install_auto_abort_timer : No auto abort timer is running\n');
      s.device.stopAutoAbort();
      return s.write(`install_auto_abort_timer: START ${installStamp()}\nSUCCESS: install_auto_abort_timer ${installStamp()}\n`);
    default:
      return rollbackCommand(s, rest);
  }
};

async function add(s: CliSession, fileArg: string, o: Options): Promise<void> {
  const d = s.state;
  const op = o.activate ? (o.commit ? 'install_add_activate_commit' : 'install_add_activate') : 'install_add';
  const name = fileArg.replace(/^[a-z0-9-]+:\/?/i, '');
  const file = d.files.get(name);
  await s.write(`${op}: START ${installStamp()}\n`);
  if (d.issu) return s.write(issuBusy(op));
  if (!file) return s.write(`FAILED: ${op} : File ${fileArg} does not exist\n`);
  if (d.mode === 'bundle' && !(o.activate && o.commit)) {
    return s.write(`[1]  R0 FAILED: Booted in bundle mode. For Bundle-to-Install mode conversion, please use one-shot CLI - install add file <> activate commit\nFAILED: install_add /${d.fs.replace(':', '')}/${name} ${installStamp()}\n`);
  }
  if (d.packages.some((p) => p.state === 'U')) return s.write(`FAILED: ${op} : Cannot perform add operation as previous installation is pending commit\n`);
  // The system check comes before anything is added.
  if (o.issu && issuRefusal(s)) return s.write(`FAILED: ISSU requirement pre-check (${issuRefusal(s)})\nFAILED: ${op} ${installStamp()}\n`);
  const version = d.fileVersion(name);
  await s.write(`${op}: Adding ${o.issu ? 'ISSU' : 'PACKAGE'}\n${op}: Checking whether new add is allowed ....\n`);
  await s.device.clock.sleep(s.device.timings.installAddMs / 3);
  if (!version) return s.write(`[1] ${s.device.tag(0)} FAILED: Failed to validate image ${d.fs}${name}: the image is corrupt or not valid for this platform\nFAILED: ${op} ${d.fs}${name}\n`);
  if (d.packages.some((p) => p.version === version && p.state === 'I')) {
    return s.write(`FAILED: ${op} : Super package already added. Add operation not allowed. 'install remove inactive' can be used to discard added packages\n`);
  }
  const needKb = Math.ceil((file.size * 2.2) / 1024);
  const freeKb = Math.floor(d.freeBytes() / 1024);
  if (needKb > freeKb) {
    return s.write(`[1] ${s.device.tag(0)} FAILED: /${d.fs.replace(':', '')} requires ${needKb} KB of free space, but only ${freeKb} KB is available\nFAILED: ${op} /${d.fs.replace(':', '')}/${name} ${installStamp()}\n`);
  }
  // How the members are named in the result: `[1 2 3]` on a stack, `[R0 R1]` on dual supervisors, `[1/R0 2/R0]` on SVL.
  const members = d.model.redundancy === 'dual-sup' ? s.device.tags().join(' ') : d.model.redundancy === 'svl' ? d.members.map((m) => `${m.number}/R0`).join(' ') : d.members.map((m) => m.number).join(' ');
  if (d.model.redundancy === 'dual-sup') {
    // Dual supervisors copy to the standby and add on both (iosxe.md 1.7/1.9: the genielibs C9400 mock, the allieddigital capture).
    await s.write(`Copying image file: ${d.fs}/${name} to standby\nInfo: Finished copying ${d.fs}/${name} to standby\n--- Starting Add ---\nPerforming Add on Active/Standby\n`);
  } else {
    if (d.members.length > 1) await s.write(`--- Starting initial file syncing ---\n[1]: Copying ${d.fs}${name} from ${s.device.tag(0)} to ${s.device.tags().join(' ')}\nInfo: Finished copying ${d.fs}${name} to the selected ${d.model.redundancy === 'svl' ? 'Chassis' : 'Switch'}\nFinished initial file syncing\n`);
    await s.write(`--- Starting Add ---\nPerforming Add on all members\n`);
  }
  for (const t of s.device.tags()) await s.write(`  [1] Add package(s) on ${t}\n`);
  await s.device.clock.sleep((s.device.timings.installAddMs * 2) / 3);
  for (const t of s.device.tags()) await s.write(`  [1] Finished Add on ${t}\n`);
  await s.write(`Checking status of Add on [${members}]\nAdd: Passed on [${members}]\nFinished Add\n\nImage added. Version: ${paddedVersion(version)}.0.${1000 + version.length * 97}\n`);
  d.writeInstallFiles(version, file.size); // also for a one-shot conversion from bundle mode
  d.packages.push({ version, state: 'I', file: name });
  s.state.log('install', `add ${name} (${version})`);
  if (!o.activate) return s.write(`SUCCESS: ${op}  ${installStamp()}\n`);
  return activate(s, o, op);
}

async function activate(s: CliSession, o: Options, op: string): Promise<void> {
  const d = s.state;
  if (op === 'install_activate') await s.write(`${op}: START ${installStamp()}\n`);
  if (op === 'install_activate' && d.issu) return s.write(issuBusy(op));
  if (op === 'install_activate' && d.packages.some((p) => p.state === 'U')) return s.write(`FAILED: ${op} : Cannot perform activate operation as previous installation is pending commit\n`);
  const pkg = [...d.packages].reverse().find((p) => p.state === 'I');
  if (!pkg) return s.write(`FAILED: ${op} : No package is added; use 'install add file' first\n`);
  if (o.issu && issuRefusal(s)) return s.write(`FAILED: ISSU requirement pre-check (${issuRefusal(s)})\nFAILED: ${op} ${installStamp()}\n`);
  if (d.mode === 'bundle') {
    if (!o.quiet) {
      const a = await s.ask(`Please confirm you have changed boot config to ${d.fs}packages.conf [y/n]`);
      if (a === null) return;
      if (a.trim().toLowerCase() !== 'y') return s.write(`${op}: Operation aborted by user\n`);
    }
    if (!/packages\.conf/.test(d.bootSaved[0] ?? '')) return s.write(`FAILED: ${op} : boot variable on next reload is not ${d.fs}packages.conf\n`);
  }
  if (!(await askSaveIfModified(s, op, o.quiet))) return;
  await s.write(`${op}: Activating ${o.issu ? 'ISSU' : 'PACKAGE'}\nFollowing packages shall be activated:\n/${d.fs.replace(':', '')}/${pkg.file}\n\n`);
  // The install manager logs the start as it asks: on a monitoring terminal the
  // message lands after the question, and the answer's echo after the message.
  const started = logLine(d, 'INSTALL-5-INSTALL_START_INFO', `${memberPrefix(s)}install_engine: Started install activate ${o.issu ? 'ISSU' : 'NONE'}`);
  if (!o.quiet) {
    const a = await s.ask('This operation may require a reload of the system. Do you want to proceed? [y/n]', true, started);
    if (a === null) return;
    if (a.trim().toLowerCase() !== 'y') return s.write(`${op}: Operation aborted by user\n`);
  } else s.monitor.emit(started);
  s.state.log('install', `activate ${pkg.version}${o.issu ? ' issu' : ''}${o.commit ? ' commit' : ''}`);
  if (o.issu) return issuActivate(s.device, s, op, pkg, { commit: o.commit, abortMinutes: o.abortMinutes });
  await s.write('--- Starting Activate ---\nPerforming Activate on all members\n');
  for (const t of s.device.tags()) await s.write(`  [1] Activate package(s) on ${t}\n`);
  await s.device.clock.sleep(s.device.timings.activateMs);
  await s.write(`Finished Activate\n\n`);
  const previous = d.packages.find((p) => p.state === 'C');
  if (d.mode === 'bundle') d.mode = 'install'; // one-shot conversion: packages.conf now names the new version
  pkg.state = o.commit ? 'C' : 'U';
  if (o.commit && previous) previous.state = 'I';
  if (o.commit) d.addRollbackPoint(pkg.version);
  if (!o.commit) s.device.pendingAutoAbortMinutes = o.abortMinutes ?? 120;
  if (d.faults.has('drop-early')) {
    // The active reloads before the result is printed: the session just ends.
    s.state.log('install', 'session dropped before SUCCESS');
    return s.device.reload('Install', { now: true });
  }
  if (o.commit) await s.write('--- Starting Commit ---\nPerforming Commit on all members\nFinished Commit operation\n\n');
  if (d.model.family === 'c8000v') await s.write('Send model notification for install_activate before reload\n');
  await s.write(`Install will reload the system now!\nSUCCESS: ${op}  ${installStamp()}\n`);
  s.device.reload('Install');
}

/**
 * An install that reloads asks to save a modified configuration first; false when it
 * stops there (refused with prompt-level none, quit, the session gone).
 */
export async function askSaveIfModified(s: CliSession, op: string, quiet: boolean): Promise<boolean> {
  if (!s.state.configDirty) return true;
  if (quiet) {
    await s.write(`[1]  R0 FAILED: System configuration has been modified. Please save configuration and resubmit command.\nFAILED: ${op} ${installStamp()}\n`);
    return false;
  }
  const a = await s.ask('System configuration has been modified.\nPress Yes(y) to save the configuration and proceed.\nPress No(n) for proceeding without saving the configuration.\nPress Quit(q) to exit, you may save configuration and re-enter the command. [y/n/q]');
  if (a === null) return false;
  const c = a.trim().toLowerCase();
  if (c === 'q' || (c !== 'y' && c !== 'n')) {
    await s.write(`${op}: Operation aborted by user\n`);
    return false;
  }
  if (c === 'y') await s.device.saveConfig(s, { quiet: true });
  return true;
}

async function commit(s: CliSession): Promise<void> {
  const d = s.state;
  await s.write(`install_commit: START ${installStamp()}\n`);
  if (d.issu) return s.write(issuBusy('install_commit'));
  const pkg = d.packages.find((p) => p.state === 'U');
  if (!pkg) return s.write('FAILED: install_commit : No uncommitted package to commit\n');
  await s.write('--- Starting Commit ---\nPerforming Commit on all members\n');
  for (const t of s.device.tags()) await s.write(`  [1] Commit packages(s) on ${t}\n  [1] Finished Commit on ${t}\n`);
  await s.device.clock.sleep(s.device.timings.activateMs / 3);
  for (const p of d.packages) if (p.state === 'C') p.state = 'I';
  pkg.state = 'C';
  d.addRollbackPoint(pkg.version);
  s.device.stopAutoAbort();
  s.state.log('install', `commit ${pkg.version}`);
  await s.write(`Checking status of Commit on [${d.members.map((m) => m.number).join(' ')}]\nCommit: Passed on [${d.members.map((m) => m.number).join(' ')}]\nFinished Commit\n\nSUCCESS: install_commit  ${installStamp()}\n`);
}

async function abort(s: CliSession, issu: boolean): Promise<void> {
  const d = s.state;
  await s.write(`install_abort: START ${installStamp()}\n`);
  if (issu) return issuAbort(s.device, s);
  if (d.issu) return s.write(issuBusy('install_abort'));
  const pkg = d.packages.find((p) => p.state === 'U');
  if (!pkg) return s.write('FAILED: install_abort : No uncommitted package to abort\n');
  const a = await s.ask('This operation may require a reload of the system. Do you want to proceed? [y/n]');
  if (a === null) return;
  if (a.trim().toLowerCase() !== 'y') return s.write('install_abort: Operation aborted by user\n');
  await s.write('--- Starting Abort ---\nPerforming Abort on all members\n');
  pkg.state = 'I';
  s.device.stopAutoAbort();
  s.state.log('install', `abort ${pkg.version}`);
  await s.write(`Finished Abort\nSUCCESS: install_abort  ${installStamp()}\n`);
  s.device.reload('Install');
}

/** Why this system cannot run an ISSU now (the System Check of `show issu state detail`), or null. */
function issuRefusal(s: CliSession): string | null {
  const d = s.state;
  if (d.mode !== 'install') return 'Install Boot: No';
  if (d.model.redundancy !== 'dual-sup' && d.model.redundancy !== 'svl') return 'Platform ISSU Support: No';
  if (d.peerState !== 'STANDBY HOT') return 'Standby Online: No';
  return null;
}

/** How a member prefixes its install messages: "Switch 1 R0/0: " on switches, "R0/0: " on routers. */
function memberPrefix(s: CliSession): string {
  return s.state.model.family === 'cat9k' && s.state.model.redundancy !== 'dual-sup' ? 'Switch 1 R0/0: ' : 'R0/0: ';
}

/** Files not needed by the committed or activated packages. */
export function inactiveFiles(s: CliSession): string[] {
  const d = s.state;
  const keep = new Set<string>(['packages.conf']);
  for (const p of d.packages) if (p.state !== 'I') for (const f of d.installFilesOf(p.version)) keep.add(f);
  const running = d.runningImage.replace(/^[a-z0-9-]+:\/?/i, '');
  if (d.mode === 'bundle') keep.add(running);
  return [...d.files.keys()].filter((f) => !keep.has(f) && (f.endsWith('.bin') || f.endsWith('.pkg') || f.endsWith('.conf')));
}

async function removeInactive(s: CliSession): Promise<void> {
  const d = s.state;
  await s.write(`install_remove: START ${installStamp()}\nCleaning up unnecessary package files\nNo path specified, will use booted path ${d.fs}packages.conf\nCleaning ${d.fs}\n  Scanning boot directory for packages ... done.\n  Preparing packages list to delete ...\n`);
  const files = inactiveFiles(s);
  if (files.length === 0) return s.write(`SUCCESS: No extra package or provisioning files found on media. Nothing to clean.\nSUCCESS: install_remove  ${installStamp()}\n`);
  await s.write(`The following files will be deleted:\n[${s.device.tag(0)}]:\n${files.map((f) => `/${d.fs.replace(':', '')}/${f}`).join('\n')}\n\n`);
  const a = await s.ask('Do you want to remove the above files? [y/n]');
  if (a === null) return;
  if (a.trim().toLowerCase() !== 'y') return s.write('install_remove: Operation aborted by user\n');
  await s.write(`[${s.device.tag(0)}]:\n`);
  for (const f of files) {
    d.files.delete(f);
    await s.write(`Deleting file ${d.fs}${f} ... done.\n`);
  }
  d.packages = d.packages.filter((p) => p.state !== 'I');
  s.state.log('install', `remove inactive (${files.length} files)`);
  await s.write(`SUCCESS: Files deleted.\n--- Starting Post_Remove_Cleanup ---\nPerforming Post_Remove_Cleanup on all members\nFinished Post_Remove_Cleanup\n\nSUCCESS: install_remove  ${installStamp()}\n`);
}
