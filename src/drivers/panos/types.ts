// PAN-OS facts: what the XML API tells about a firewall, typed
// (docs/devices/panos-api.md). `readiness` holds what only the pre-checks
// need, read when facts are asked for with `readiness`.
import type { BaseFacts } from '../contract.js';

export interface PanosHa {
  /** This member's state: active, passive, suspended, non-functional, initial. */
  local: string;
  /** The release this member runs, as HA reports it (build-rel). */
  localVersion: string | null;
  /** The peer's state as this member sees it (unknown while it is away). */
  peer: string;
  peerVersion: string | null;
  /** running-sync: synchronized, synchronization in progress, not synchronized. */
  sync: string;
  /** running-sync-enabled: whether configuration sync is on at all. */
  syncEnabled: boolean;
  peerConnected: boolean;
  /** Active-Passive, Active-Active. */
  mode: string | null;
  preemptive: boolean | null;
  peerPreemptive: boolean | null;
  priority: number | null;
  /** The peer's device priority (a lower number is the higher priority; it decides preemption). */
  peerPriority: number | null;
  /** build-compat: Match, Mismatch, Unknown. */
  buildCompat: string | null;
  peerSerial: string | null;
}

export interface PanosSoftware { version: string; sizeMb: number; downloaded: boolean; current: boolean }

export interface PanosJob { id: string; type: string; status: string; result: string; progress: string }

export interface PanosLicense { feature: string; expires: string | null; expired: boolean }

export interface PanosLock { kind: 'config' | 'commit'; holder: string; created: string | null; comment: string | null }

export interface PanosCertificate {
  name: string;
  /** RSA or EC, and the key size in bits (RSA) or the curve's (EC). */
  algorithm: string | null;
  keyBits: number | null;
  /** Hash of the certificate's signature (sha1, sha256…), null when it cannot be read. */
  signatureHash: string | null;
  notAfter: string | null;
}

export interface PanosReadiness {
  pendingChanges: boolean | null;
  fullCommitRequired: boolean | null;
  locks: PanosLock[];
  jobs: PanosJob[];
  licenses: PanosLicense[];
  /** Support contract: its expiry, and where that came from (the update server, or the support licence when the server could not be asked). */
  support: { expires: string | null; level: string | null; source: 'update-server' | 'licence' | null; error: string | null };
  ntp: { synched: string | null; servers: { name: string; status: string; reachable: boolean }[] };
  /** Panoramas the firewall is configured with (none: not managed) and whether each is connected. */
  panorama: { address: string; connected: boolean }[];
  mpCpuPercent: number | null;
  /** Average over the last minutes per data plane (all its cores). */
  dpCpuPercent: { dp: string; percent: number }[];
  mpMemoryPercent: number | null;
  /** Data planes' clocks minus the management plane's (seconds), and how precisely that could be measured. */
  clockSkewS: { dp: number; skew: number }[];
  clockResolutionS: number;
  certificates: PanosCertificate[];
}

export interface PanosFacts extends BaseFacts {
  platform: 'panos';
  family: string | null;
  ha: PanosHa | null;
  software: PanosSoftware[];
  /**
   * Where the software list came from: the update server (`check`), or the
   * firewall's cached list (`info`) — either because only the cache was read,
   * or because the update server could not be reached (`softwareCheckError`).
   */
  softwareSource: 'check' | 'info';
  softwareCheckError: string | null;
  diskFreeMb: number | null;
  diskTotalMb: number | null;
  appVersion: string | null;
  threatVersion: string | null;
  avVersion: string | null;
  advancedRouting: boolean;
  multiVsys: boolean;
  /** device-certificate-status of `show system info` (Valid, None, Expired…); null when this release does not report it. */
  deviceCertificate: string | null;
  readiness: PanosReadiness | null;
}
