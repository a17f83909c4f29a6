// The one driver contract (NAPALM's idea; docs/architecture.md). The engine
// sees devices only through this: facts as typed data, pure decisions
// (plan, pre-checks, the step sequence, what a gate says), and operations
// that return results as data — each disruptive one separate so it can be
// gated. Drivers know nothing of the engine.
import type { IosxeFacts } from './iosxe/types.js';
import type { PanosFacts } from './panos/types.js';

export type { IosxeFacts } from './iosxe/types.js';
export type { PanosFacts } from './panos/types.js';

export type Platform = 'iosxe' | 'panos';

export interface SshAuth { username: string; password?: string; keyFile?: string; passphrase?: string; enable?: string }
export interface ApiAuth { username?: string; password?: string; apiKey?: string; verifyTls: boolean; tlsFingerprint?: string }

export interface DeviceTarget {
  hostname: string;
  host: string;
  port: number;
  platform: Platform;
  ssh?: SshAuth;
  api?: ApiAuth;
  /** iosxe: SSH jump host; panos: the Panorama to go through. */
  via?: { hostname: string; host: string; port: number; ssh?: SshAuth; api?: ApiAuth } | null;
}

export interface ImageSpec { file: string; version: string; size: number | null; md5: string | null; sha512: string | null; models: string[] }

/** What every platform's facts say, whatever the platform. */
export interface BaseFacts {
  hostname: string;
  model: string | null;
  serial: string | null;
  version: string;
  uptimeSeconds: number | null;
  lastReloadReason: string | null;
  /** This device's role in an HA pair of separate devices (a PAN-OS pair); null when it is not in one. */
  pairRole: 'active' | 'passive' | 'suspended' | 'other' | null;
  /**
   * An activation that waits for a commit, null when there is none: what it is, the timer
   * as the device prints it, and when that timer undoes it (ISO time, when the device says).
   */
  uncommitted: { detail: string; autoAbort: string | null; abortsAt: string | null } | null;
  collectedAt: string;
}

/** What a device is: the facts every other step decides from, typed per platform. */
export type Facts = IosxeFacts | PanosFacts;

/** One pre-check. `remedy` names a gated step that can fix it (free flash by removing inactive images). */
export interface Check { name: string; ok: boolean; detail: string; remedy?: 'cleanup' }

export interface Snapshot {
  routes: number | null;
  routesBySource: Record<string, number>;
  arp: number | null;
  bgp: { address: string; state: string; prefixes: number | null }[];
  ospf: { routerId: string; state: string }[];
  interfaces: { name: string; up: boolean }[];
  sessions: number | null;
  takenAt: string;
  /**
   * An HA member's part when the snapshot was taken: `active` carries the pair's traffic,
   * `standby` (passive, suspended, initial…) forwards nothing. Absent outside a pair. A member
   * whose part changed is compared with the member that carries the traffic now.
   */
  haRole?: 'active' | 'standby';
  /** Whose state this is when not the device's own: the HA peer a standby member was compared through. */
  of?: string;
  /**
   * The same state by item, per named area (routes, arp, bgp, ipsec…): the
   * post-check names each item that went missing. Where both snapshots have
   * an area, it replaces the count of the same name above.
   */
  areas?: SnapshotArea[];
}

/** One item of a snapshot area: a route, an ARP entry, a peer, a tunnel, a licence… */
export interface SnapshotItem {
  /** Stable across a reload: "default 10.20.0.0/22 via 10.2.7.254", a peer's address, a tunnel's name. */
  key: string;
  /** As the device says it: Established, active, up, a version… */
  state: string;
  /** Whether the item counts as working; one that was up and is not (or is gone) is missing. */
  up: boolean;
  /** A number that must not fall to 0 while the item was up with more (a peer's prefixes). */
  value?: number;
}

/**
 * Items compared one by one. `margin` names the Settings margin that lets a
 * share of the items go missing (routes, ARP); `none` lets none go.
 * `counts` are numbers compared within the margin (sessions: active, TCP, UDP).
 */
export interface SnapshotArea {
  name: string;
  margin: 'route' | 'arp' | 'session' | 'none';
  items: SnapshotItem[] | null;
  counts?: Record<string, number>;
}

/** A step's result; `D` types what the step hands back to the engine (the facts after a wait…). */
export interface StepResult<D = undefined> {
  outcome: 'ok' | 'skipped';
  message: string;
  /** What was sent, in order (secrets never appear). */
  sent: string[];
  /** What came back, trimmed for the journal. */
  received: string;
  data?: D;
}

/**
 * What a disruptive step hands back: whether the device reloads (a wait follows only then), and
 * when the reload was asked for, where the step did other work first (a PAN-OS rollback installs,
 * then restarts): the wait's reload_timeout counts from then.
 */
export interface Disrupted { reloads: boolean; restartedAt?: number }

/** A long step's progress; `part` says which of several transfers (a base image, then the target) this is. */
export interface Progress { step: string; done: number; total: number | null; note?: string; part?: { index: number; count: number } }

/** Where a driver records what it sent and what the device answered, secrets already masked (SSH text, API calls). */
export interface Transcript {
  write(direction: 'sent' | 'received', text: string): void;
  /** The driver is done with it (a later write may open it again). */
  close?(): void;
}

export interface DriverHooks {
  onProgress?(p: Progress): void;
  onLog?(line: string): void;
}

/** How an upgrade is carried out on this device, decided by the driver from facts. */
export type ActivationKind = 'install' | 'install-oneshot' | 'bundle' | 'convert' | 'issu' | 'panos';

export interface ActivationPlan {
  kind: ActivationKind;
  /** The image file to transfer (IOS-XE); null where the device fetches its software itself (PAN-OS). */
  image: ImageSpec | null;
  targetVersion: string;
  filesystem: string;
  /** Boot variable before the change, for a bundle-mode rollback. */
  previousBoot: string[];
  previousVersion: string;
  stack: boolean;
  /** The target is already added (install mode): activate it without adding it again. */
  added?: boolean;
  /** IOS-XE one-shot install: the rollback point of the committed state before the upgrade (its way back). */
  rollbackPoint?: number;
  /** Releases installed one after the other, the target last (a PAN-OS path through intermediate releases). */
  hops?: string[];
  /** Base images downloaded (not installed) before each hop (PAN-OS). */
  baseImages?: string[];
  /** Downloads are copied to the HA peer as well (PAN-OS `sync-to-peer`, Settings `panos_sync_to_peer`). */
  syncToPeer?: boolean;
  /** PAN-OS HA: the pair's order (Settings panos_ha_order); the member that carries the traffic at its turn is suspended first. */
  haOrder?: 'passive-first' | 'active-first';
  /**
   * What the device was made of when planned (IOS-XE): the members a wait must see back. Kept in
   * the journal with the plan, so a run started after a kill knows it even if the device then
   * looks smaller (its standby still away after a switchover reports Simplex).
   */
  topology?: { kind: 'none' | 'stack' | 'dual-sup' | 'svl'; members: number };
}

/** The Settings keys drivers decide from (mapped by the engine from the workbook's Settings sheet). */
export interface UpgradeSettings {
  flashMargin: number;
  cpuMaxPercent: number;
  commitAfterPostcheck: boolean;
  convertToInstall: boolean;
  issu: 'auto' | 'never';
  panosCpuMaxPercent: number;
  panosSyncToPeer: boolean;
  panosHaOrder: 'passive-first' | 'active-first';
  allowDowngrade: boolean;
  reloadTimeoutMs: number;
  /** API requests per second toward one Panorama. */
  panoramaRps: number;
}

/** What the workbook asks of a device. */
export interface UpgradeWant {
  targetVersion: string;
  /** The Images sheet row for `image` (IOS-XE); null when the platform needs none. */
  image: ImageSpec | null;
  settings: UpgradeSettings;
  /** Operator-given paths (PAN-OS `Paths` sheet): from → through `via` → to. */
  paths?: { from: string; to: string; via: string[] }[];
}

/** What the engine knows around a device when it asks for pre-checks. */
export interface PrecheckContext {
  settings: UpgradeSettings;
  /** The HA peer (a separate device), and whether it already runs the target. */
  peer: { hostname: string; onTarget: boolean } | null;
  /** A switchover of this device was journaled as done (it is suspended by upshift). */
  switchoverDone: boolean;
}

export type StepKind = 'backup' | 'cleanup' | 'stage' | 'verify' | 'snapshot' | 'install' | 'switchover' | 'activate' | 'wait' | 'postcheck' | 'commit' | 'rollback';
/** The gates a step may need (the engine adds `promote`, which belongs to no device). */
export type StepGate = 'reload' | 'switchover' | 'rollback' | 'cleanup';
/** Where a command stops: `stage` runs the `stage` steps, `run` all of them. */
export type StepPhase = 'stage' | 'upgrade';

/** One step of a device's upgrade, as data: `upshift plan` prints these, the engine runs them. */
export interface StepSpec {
  /** Journal name, unique in the sequence: `activate`, or `activate 11.0.2` for one hop of several. */
  id: string;
  kind: StepKind;
  gate: StepGate | null;
  disruptive: boolean;
  phase: StepPhase;
  /** The release a hop step installs or waits for; the target when absent. */
  version?: string;
  commands: string[];
  note?: string;
  /** Only when a pre-check asks for this step as its remedy (a cleanup when flash is short). */
  onlyAsRemedy?: boolean;
}

/**
 * A step's journal name: its kind, and for one hop of several the release it works on
 * (`activate 11.0.2`). Rules build ids with `stepId`; the engine reads them back with
 * `stepOfId` (reconcile after a crash: what kind of step was open, and for which release).
 */
export function stepId(kind: StepKind, version?: string): string {
  return version ? `${kind} ${version}` : kind;
}

/** The id of the post-check after a rollback (both platforms' way back ends with it). */
export const AFTER_ROLLBACK_CHECK = 'postcheck-rollback';

export function stepOfId(id: string): { kind: string; version: string | null } {
  const at = id.indexOf(' ');
  return at < 0 ? { kind: id, version: null } : { kind: id.slice(0, at), version: id.slice(at + 1) };
}

export interface UpgradeSequence {
  steps: StepSpec[];
  /** What undoes the upgrade after a failed post-check (each gated where it disrupts). */
  onFailure: StepSpec[];
  /**
   * What brings a device back into service when its upgrade stops after a switchover and before
   * anything was installed (a refused reload, a stop): PAN-OS makes a suspended member functional
   * again. Nothing here reloads, so it runs without a gate.
   */
  restore?: StepSpec[];
}

/** Where the engine's image server or an SCP push gives the image (IOS-XE). */
export type ImageSource = { method: 'http'; url: string } | { method: 'scp'; localFile: string };

/** What a gate tells the operator: what stops, for how long, who else is affected, the way back. */
export interface GateImpact { impact: string; blastRadius: string[]; rollback: string | null }

export interface WaitExpectation {
  version: string;
  timeoutMs: number;
  since: number;
  pollMs?: number;
  /** The plan of the activation being followed (its topology: what must come back), when there is one. */
  plan?: ActivationPlan | null;
}

/** What a console shows of a device's facts, computed by its driver. */
export interface FactsSummary {
  model: string | null;
  serial: string | null;
  version: string;
  /** How it runs its software: "install mode", "bundle mode", "HA passive"… */
  mode: string | null;
  /** standalone, stack of 3, StackWise Virtual, dual supervisor, HA pair. */
  redundancy: string;
  storage: { label: string; free: number | null; total: number | null } | null;
  cpu: number | null;
  /** Things a person should notice (unsaved configuration, an uncommitted install…). */
  notes: string[];
}

/**
 * A platform's pure decisions, as data and functions of facts: they need no
 * connection, so `upshift plan` and the console use them from stored facts.
 */
export interface PlatformRules {
  readonly platform: Platform;
  /** The read-only commands of a facts read with readiness, as a plan shows them. */
  readonly factsCommands: readonly string[];
  /** How this device is upgraded to what the workbook wants (throws a DeviceError when it cannot be). */
  plan(facts: Facts, want: UpgradeWant): ActivationPlan;
  /** Every pre-check with a reason the operator can act on. */
  precheck(facts: Facts, plan: ActivationPlan, ctx: PrecheckContext): Check[];
  /** The steps from backup to commit, and the way back (its commands as these facts call for). */
  sequence(plan: ActivationPlan, facts: Facts): UpgradeSequence;
  /** The exact commands a step sends (for the plan and the gate dialog); `facts`: what the device shows, where the commands depend on it (a rollback). */
  commandsFor(kind: StepKind, plan: ActivationPlan, opts?: { source?: ImageSource; version?: string; facts?: Facts }): string[];
  /** What a gate of this step says about its impact. */
  gateImpact(spec: StepSpec, plan: ActivationPlan, facts: Facts, ctx: { peer: string | null; reloadTimeoutMs: number }): GateImpact;
  /** After a crash: whether the facts show that an interrupted disruptive step took place. */
  stepHappened(kind: StepKind, facts: Facts, plan: ActivationPlan | null, target: string): boolean;
  /** What a console shows of the facts. */
  summarize(facts: Facts): FactsSummary;
}

/** A device as the engine sees it: its platform's rules, and operations that return results as data. */
export interface Driver {
  readonly target: DeviceTarget;
  readonly rules: PlatformRules;
  connect(): Promise<void>;
  close(): Promise<void>;
  /** The facts; with `readiness`, also what only the pre-checks need (CPU, saved configuration…). */
  facts(opts?: { step?: string; readiness?: boolean }): Promise<Facts>;
  /** Where the device can reach upshift's image server (null: push with SCP, or no transfer at all). */
  localAddress(): Promise<string | null>;
  snapshot(step?: string): Promise<Snapshot>;
  backup(dir: string): Promise<StepResult<{ file: string }>>;
  /** Copies (or downloads) the software unless a verified copy is already there. */
  stage(plan: ActivationPlan, source: ImageSource | null, version?: string): Promise<StepResult>;
  verify(plan: ActivationPlan, version?: string): Promise<StepResult>;
  /**
   * Not disruptive: installs the software for the next boot where the platform separates that
   * from the reload (PAN-OS), so that its refusals and retries come before the reload gate.
   * Only sequences that list an `install` step call it.
   */
  install(plan: ActivationPlan, version?: string): Promise<StepResult>;
  /** Disruptive: reloads (or starts an ISSU on) the device; `restartedAt` when the reload itself came after other work. */
  activate(plan: ActivationPlan, version?: string): Promise<StepResult<Disrupted>>;
  /** Disruptive: hands the traffic to the standby or HA peer. */
  switchover(plan: ActivationPlan): Promise<StepResult<Disrupted>>;
  /** Polls until the device (every member of it) answers on the expected version, or fails after the timeout. */
  waitForReturn(expect: WaitExpectation): Promise<StepResult<{ facts: Facts }>>;
  commit(plan: ActivationPlan): Promise<StepResult>;
  /** Disruptive: undoes an activation. */
  rollback(plan: ActivationPlan): Promise<StepResult<Disrupted>>;
  /** Deletes inactive images (gated: it removes files). */
  cleanup(plan: ActivationPlan): Promise<StepResult>;
}
