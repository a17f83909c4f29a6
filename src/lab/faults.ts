// Faults a simulated device can be given (per device, from --faults or tests).
export const IOSXE_FAULTS = [
  'auth', // every login is refused
  'slow', // output arrives in small chunks with pauses
  'disconnect-copy', // the first image copy drops the session half way
  'corrupt', // copied images are stored with damaged bytes
  'flash-full', // flash has almost no free space
  'old-images', // the bundle of an older release is still on flash (install remove inactive deletes it): with flash-full, a cleanup frees room
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
  'reload-refused', // AAA command authorization refuses `reload` (Command authorization failed.): the device stays up
  'motd-secret', // the MOTD banner tells the enable secret in clear, as some lab and staging boxes' banners do
  'exec-refused', // AAA exec authorization refuses the login after the MOTD: `% Authorization failed.` and the connection closes
  'issu-standby-sync', // an ISSU's upgraded standby never reaches STANDBY HOT: the ISSU waits before its switchover until `install abort issu`
] as const;
export type IosxeFault = (typeof IOSXE_FAULTS)[number];

// PAN-OS faults and variants; what each does, and why: docs/devices/panos-api.md.
export const PANOS_FAULTS = [
  'auth', // keygen and Basic auth refused
  'slow', // every answer 600 ms late
  'never-returns', // after a restart the API stays unreachable
  'old-version', // after a restart the firewall runs the release it had
  'regression', // after a restart fewer sessions and routes
  'busy', // installs refused: software manager in use, for a while from the first install, then accepted
  'busy-job', // as busy, but the install job is enqueued and then fails with the manager-busy lines
  'disk-full', // only 500 MB free on /opt/panrepo: downloads that do not fit fail
  'pending-changes', // check pending-changes = yes
  'full-commit-required', // check full-commit-required = yes
  'config-lock', // an administrator holds a config lock
  'commit-lock', // an administrator holds a commit lock
  'not-synced', // HA running configuration not synchronized until sync-to-remote
  'update-unreachable', // software/content/support checks fail; software info still answers the cached list
  'stale-info', // the cached software list is from an old check: nothing newer than the running feature release
  'ntp-unsynced', // show ntp: synched LOCAL
  'panorama-disconnected', // show panorama-status Connected: no; Panorama lists it as not connected
  'content-old', // Applications and Threats content below what the next feature releases need
  'license-expired', // the Threat Prevention licence has expired
  'support-expired', // the support contract has expired
  'cpu-high', // MP and DP CPU around 90 %
  'mem-high', // MP memory 95 % used
  'cert-weak', // the configuration carries a shared certificate with a 1024-bit RSA key signed with SHA-1
  'clock-skew', // the data plane clock is 47 s ahead of the management plane
  'ha-peer-apart', // the HA peer runs a release of the next feature train
  'ha-plugin-mismatch', // after a restart onto another release than the peer: HA non-functional until both match
  'preempt', // HA preemption on (both members need it); the higher-priority member takes back active
  'bgp-down-after-reboot', // after a restart the BGP peers stay down (Active) and their routes are gone
  'ipsec-down-after-reboot', // after a restart the IPsec tunnels stay down (init)
  'routes-lost-after-reboot', // after a restart one static route in five is missing
  'warmup-403', // after a restart every request gets 403 Invalid Credential for a while
  'restart-error-envelope', // request restart system answers status="error" "Command succeeded with no output" (and restarts)
  'restart-drop', // request restart system: the connection closes before any answer (and it restarts)
  'mp-not-ready', // after a restart, for a while, show system info answers error code 22 (session timed out)
  'advanced-routing', // advanced routing engine: show advanced-routing answers, show routing does not
  'multi-dp', // a PA-5220: three data planes
  'multi-vsys', // multi-vsys on
] as const;
export type PanosFault = (typeof PANOS_FAULTS)[number];

/** Parses "host1=corrupt,host2=auth+slow" or "corrupt@3" (the third device) style lists. */
export function parseFaultSpec(spec: string): { target: string; faults: string[] }[] {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const [target, list] = item.includes('=') ? item.split('=', 2) : ['', item];
    return { target, faults: list.split('+').map((f) => f.trim()).filter(Boolean) };
  });
}
