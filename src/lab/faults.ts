// Faults a simulated device can be given (per device, from --faults or tests).
export const IOSXE_FAULTS = [
  'auth', // every login is refused
  'slow', // output arrives in small chunks with pauses
  'disconnect-copy', // the first image copy drops the session half way
  'corrupt', // copied images are stored with damaged bytes
  'flash-full', // flash has almost no free space
  'never-returns', // after a reload the device never answers again
  'old-version', // after a reload the device comes back on the version it had
  'rommon', // after a reload the device stops in ROMmon: no SSH
  'host-key', // the device presents a new SSH host key after its next reload
  'regression', // after a reload fewer routes, ARP entries and neighbours
  'cpu', // 5-minute CPU at 95%
  'dirty-install', // an activated, uncommitted package with its auto-abort timer running
  'unsaved', // running-config differs from startup-config
  'standby-cold', // the standby supervisor / SVL peer is not STANDBY HOT
  'paging', // terminal length 0 is refused: paging stays on
  'kbd-auth', // the login offers keyboard-interactive only, as behind many AAA servers
  'echo-ahead', // typed-ahead lines are echoed as they arrive, not when the CLI reads them
  'syslog', // `terminal monitor` is on from login: log messages arrive at any moment until `terminal no monitor`
  'syslog-sticky', // as syslog, but `terminal no monitor` is ignored (logging stays on, as on a console-like line)
  'timestamps', // `exec prompt timestamp` on the line: every show output starts with the load and time header
  'hung', // the first `show install summary` after each boot never returns its prompt (its output comes very late)
  'drop-early', // `install … activate` drops the session before SUCCESS / "Install will reload" is printed
] as const;
export type IosxeFault = (typeof IOSXE_FAULTS)[number];

export const PANOS_FAULTS = ['auth', 'slow', 'never-returns', 'old-version', 'regression', 'busy', 'disk-full', 'pending-changes', 'not-synced'] as const;
export type PanosFault = (typeof PANOS_FAULTS)[number];

/** Parses "host1=corrupt,host2=auth+slow" or "corrupt@3" (the third device) style lists. */
export function parseFaultSpec(spec: string): { target: string; faults: string[] }[] {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const [target, list] = item.includes('=') ? item.split('=', 2) : ['', item];
    return { target, faults: list.split('+').map((f) => f.trim()).filter(Boolean) };
  });
}
