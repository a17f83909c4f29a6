// The command tree of the simulated CLI, per mode. Keywords match by unique
// prefix as on IOS (`sh ip int br`); a key in <angle brackets> takes the rest
// of the line as arguments.
import type { CliSession, Mode } from './cli.js';
import {
  dir, showBoot, showFileSystems, showIpArp, showIpBgpSummary, showIpInterfaceBrief, showIpOspfNeighbor,
  showIpRouteSummary, showProcessesCpu, showRunningConfig,
} from './render.js';
import { showInstallSummary, showRedundancy, showSwitch, showVersion } from './render-system.js';
import { reloadPeerCommand, switchoverCommand } from './ha.js';
import { installCommand } from './install.js';
import { showInstallRollback } from './rollback.js';
import { copyCommand, deleteCommand, verifyCommand } from './copy.js';

export type Handler = (s: CliSession, args: string[], raw: string) => Promise<void>;
export interface CommandNode { [keyword: string]: CommandNode | Handler }

const show = (render: (s: CliSession) => string): Handler => async (s) => s.out(render(s));
/** Fixed Cat9k switches and StackWise Virtual have `show switch`; modular chassis and routers do not. */
const hasSwitchTable = (s: CliSession) => s.state.model.switchTable || s.state.model.redundancy === 'svl';
const notOnThisPlatform = (ok: (s: CliSession) => boolean, h: Handler): Handler => async (s, a, raw) => (ok(s) ? h(s, a, raw) : s.invalid(raw, raw.lastIndexOf(' ') + 1));

const terminal: CommandNode = {
  length: { '<n>': async (s, [n]) => {
    if (s.state.faults.has('paging') && n === '0') return s.write('Command authorization failed.\n');
    s.term.length = Number(n);
  } },
  width: { '<n>': async (s, [n]) => void (s.term.width = Number(n)) },
  monitor: async (s) => s.monitor.set(true),
  exec: { prompt: { timestamp: async (s) => void (s.execTimestamp = true) } },
  no: {
    // A line where logging stays on (console-like) takes the command and goes on logging.
    monitor: async (s) => void (s.state.faults.has('syslog-sticky') || s.monitor.set(false)),
    exec: { prompt: { timestamp: async (s) => void (s.execTimestamp = false) } },
  },
};

const showTree: CommandNode = {
  version: show((s) => showVersion(s.state)),
  'running-config': show((s) => showRunningConfig(s.state)),
  'startup-config': show((s) => showRunningConfig(s.state, 'startup').replace(/^Building configuration\.\.\.\n\nCurrent configuration : \d+ bytes/, 'Using 4211 out of 33554432 bytes')),
  install: { summary: show((s) => showInstallSummary(s.state)), rollback: show((s) => showInstallRollback(s.state)) },
  boot: show((s) => showBoot(s.state, s.device.bootedWith)),
  redundancy: show((s) => showRedundancy(s.state)),
  switch: { '': notOnThisPlatform(hasSwitchTable, show((s) => showSwitch(s.state))), detail: notOnThisPlatform(hasSwitchTable, show((s) => showSwitch(s.state))) },
  ip: {
    route: { summary: show((s) => showIpRouteSummary(s.state)) },
    arp: show((s) => showIpArp(s.state)),
    bgp: { summary: show((s) => showIpBgpSummary(s.state)) },
    ospf: { neighbor: show((s) => showIpOspfNeighbor(s.state)) },
    interface: { brief: show((s) => showIpInterfaceBrief(s.state)) },
  },
  processes: { cpu: show((s) => showProcessesCpu(s.state)) },
  file: { systems: show((s) => showFileSystems(s.state)) },
  clock: show(() => `*${new Date().toUTCString().slice(17, 25)}.000 UTC ${new Date().toUTCString().slice(0, 16)}\n`),
};

const leave: Handler = async (s) => {
  s.end();
  await s.term.flush();
  s.term.close();
  s.device.closeSession(s);
};

const user: CommandNode = {
  enable: async (s) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const secret = await s.ask('Password: ', false);
      if (secret === null) return;
      if (s.state.enableSecret !== null && secret === s.state.enableSecret) {
        s.mode = 'enable';
        return;
      }
    }
    await s.write('% Bad secrets\n\n');
  },
  terminal,
  show: { version: showTree.version, clock: showTree.clock, ip: { interface: { brief: (showTree.ip as CommandNode).interface } } } as CommandNode,
  exit: leave, logout: leave, quit: leave,
};

const writeMemory: Handler = async (s) => s.device.saveConfig(s);

const enable: CommandNode = {
  show: showTree,
  terminal,
  dir: { '': async (s) => s.out(dir(s.state, s.state.fs)), '<fs>': async (s, [fs]) => {
    if (fs.replace(/\/$/, '').toLowerCase() !== s.state.fs) return s.write(`%Error opening ${fs} (No such device)\n`);
    return s.out(dir(s.state, s.state.fs));
  } },
  copy: { '<src>': copyCommand },
  verify: { '<args>': verifyCommand },
  delete: { '<args>': deleteCommand },
  install: { '<args>': installCommand },
  write: { '': writeMemory, memory: writeMemory },
  configure: { '': async (s) => void (s.mode = 'config'), terminal: async (s) => void (s.mode = 'config') },
  // Command authorization is asked before the command runs: a refused reload changes nothing.
  reload: { '': async (s) => (s.state.faults.has('reload-refused') ? s.write('Command authorization failed.\n') : s.device.reloadCommand(s)) },
  redundancy: {
    'force-switchover': async (s) => switchoverCommand(s.device, s),
    reload: { peer: async (s) => reloadPeerCommand(s.device, s) },
  },
  disable: async (s) => void (s.mode = 'user'),
  exit: leave, logout: leave, quit: leave,
};

const bootSystem: Handler = async (s, args) => {
  const path = args[args.length - 1];
  s.state.bootConfig = s.state.bootConfig.filter((b) => b !== path).concat(path);
  s.state.configChanged();
};

const config: CommandNode = {
  hostname: { '<name>': async (s, [name]) => {
    s.state.hostname = name;
    s.state.configChanged();
  } },
  boot: { system: { '<path>': bootSystem }, manual: async (s) => void ((s.state.manualBoot = true), s.state.configChanged()) },
  no: {
    boot: {
      system: { '': async (s) => void ((s.state.bootConfig = []), s.state.configChanged()), '<path>': async (s, args) => {
        const path = args[args.length - 1];
        s.state.bootConfig = s.state.bootConfig.filter((b) => b !== path);
        s.state.configChanged();
      } },
      manual: async (s) => void ((s.state.manualBoot = false), s.state.configChanged()),
    },
    ip: { scp: { server: { enable: async (s) => void ((s.state.scpServer = false), s.state.configChanged()) } } },
  },
  ip: { scp: { server: { enable: async (s) => void ((s.state.scpServer = true), s.state.configChanged()) } } },
  logging: { buffered: { '<size>': async (s, args, raw) => {
    const size = Number(args[args.length - 1]);
    if (!Number.isInteger(size) || size < 4096 || size > 2147483647) return s.invalid(raw, raw.lastIndexOf(' ') + 1);
    s.state.loggingBuffered = size;
    s.state.configChanged();
  } } },
  end: async (s) => void (s.mode = 'enable'),
  exit: async (s) => void (s.mode = 'enable'),
  do: { '<command>': async (s, args) => {
    s.mode = 'enable';
    try {
      await s.execute(args.join(' '));
    } finally {
      if (s.mode === 'enable') s.mode = 'config';
    }
  } },
};

export const COMMANDS: Record<Mode, CommandNode> = { user, enable, config };
