// The one driver contract (SPEC §4). The engine sees only this: operations
// that return results as data, each disruptive one separate so it can be
// gated. Drivers know nothing of the engine.

export interface SshAuth { username: string; password?: string; keyFile?: string; passphrase?: string; enable?: string }
export interface ApiAuth { username?: string; password?: string; apiKey?: string; verifyTls: boolean; tlsFingerprint?: string }

export interface DeviceTarget {
  hostname: string;
  host: string;
  port: number;
  platform: 'iosxe' | 'panos';
  ssh?: SshAuth;
  api?: ApiAuth;
  /** iosxe: SSH jump host; panos: the Panorama to go through. */
  via?: { hostname: string; host: string; port: number; ssh?: SshAuth; api?: ApiAuth } | null;
}

export interface ImageSpec { file: string; version: string; size: number | null; md5: string | null; sha512: string | null; models: string[] }

export interface Member { number: number; role: string | null; state: string | null; version: string | null; model: string | null; serial: string | null }

/** What a device is: the facts every other step decides from. */
export interface Facts {
  hostname: string;
  platform: 'iosxe' | 'panos';
  model: string | null;
  serial: string | null;
  version: string;
  image: string | null;
  bootMode: 'install' | 'bundle' | null;
  uptimeSeconds: number | null;
  lastReloadReason: string | null;
  filesystem: string | null;
  flashTotal: number | null;
  flashFree: number | null;
  files: { name: string; size: number }[];
  redundancy: { kind: 'none' | 'stack' | 'dual-sup' | 'svl'; operatingMode: string | null; peerState: string | null; members: Member[] };
  install: { packages: { state: string; version: string }[]; uncommitted: boolean; autoAbortTimer: string | null } | null;
  bootVariable: string[];
  manualBoot: boolean | null;
  configRegister: string | null;
  configSaved: boolean | null;
  cpu5min: number | null;
  /** Platform specifics (PAN-OS HA state, disk, pending changes…). */
  extra: Record<string, unknown>;
  collectedAt: string;
}

export interface Check { name: string; ok: boolean; detail: string }

export interface Snapshot {
  routes: number | null;
  routesBySource: Record<string, number>;
  arp: number | null;
  bgp: { address: string; state: string; prefixes: number | null }[];
  ospf: { routerId: string; state: string }[];
  interfaces: { name: string; up: boolean }[];
  sessions: number | null;
  takenAt: string;
}

export interface StepResult {
  outcome: 'ok' | 'skipped';
  message: string;
  /** What was sent, in order (secrets never appear). */
  sent: string[];
  /** What came back, trimmed for the journal. */
  received: string;
  data?: Record<string, unknown>;
}

export interface Progress { step: string; done: number; total: number | null; note?: string }

export interface DriverHooks {
  onProgress?(p: Progress): void;
  onLog?(line: string): void;
}

/** How an upgrade is carried out on this device, decided from facts (see planActivation). */
export type ActivationKind = 'install' | 'install-oneshot' | 'bundle' | 'convert' | 'issu' | 'panos';

export interface ActivationPlan {
  kind: ActivationKind;
  image: ImageSpec | null;
  targetVersion: string;
  filesystem: string;
  /** Boot variable before the change, for a bundle-mode rollback. */
  previousBoot: string[];
  previousVersion: string;
  stack: boolean;
  /** The target is already added (install mode): activate it without adding it again. */
  added?: boolean;
}

export interface StageInput { image: ImageSpec; method: 'http' | 'scp'; url?: string; localFile?: string; filesystem: string }

export interface Driver {
  readonly target: DeviceTarget;
  connect(): Promise<void>;
  close(): Promise<void>;
  facts(): Promise<Facts>;
  snapshot(): Promise<Snapshot>;
  backup(dir: string): Promise<StepResult>;
  /** Copies the image unless a verified copy is already there. */
  stage(input: StageInput): Promise<StepResult>;
  verify(image: ImageSpec, filesystem: string): Promise<StepResult>;
  /** Disruptive: reloads (or starts an ISSU on) the device. */
  activate(plan: ActivationPlan): Promise<StepResult>;
  /** Disruptive: redundancy force-switchover. */
  switchover(): Promise<StepResult>;
  /** Polls until the device answers on the expected version, or fails after the timeout. */
  waitForReturn(expect: { version: string; timeoutMs: number; since: number; pollMs?: number }): Promise<StepResult>;
  commit(plan: ActivationPlan): Promise<StepResult>;
  /** Disruptive: undoes an activation. */
  rollback(plan: ActivationPlan): Promise<StepResult>;
  /** Deletes inactive images (gated: it removes files). */
  cleanup(): Promise<StepResult>;
  /** The exact commands a step would send, for `upshift plan` and the gate dialog. */
  commandsFor(step: 'backup' | 'stage' | 'verify' | 'activate' | 'switchover' | 'commit' | 'rollback' | 'cleanup', plan: ActivationPlan, stage?: StageInput): string[];
}
