// IOS-XE facts: what the show commands tell about a switch or router
// (docs/devices/iosxe-outputs.md).
import type { BaseFacts, ImageSpec } from '../contract.js';

export interface Member { number: number; role: string | null; state: string | null; version: string | null; model: string | null; serial: string | null }

export interface IosxeFacts extends BaseFacts {
  platform: 'iosxe';
  image: string | null;
  bootMode: 'install' | 'bundle' | null;
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
  /** The ids of `show install rollback` (newest first): read with readiness in install mode, otherwise null. */
  rollbackIds?: number[] | null;
  /** `terminal length 0` was taken (paging off). */
  pagingOff: boolean;
  /** An engineering or special build: the label `show version` prints instead of its release (`BLD_…`); null or absent on a release. */
  buildLabel?: string | null;
}

/** An image transfer: where the image comes from and where it goes. */
export interface StageInput { image: ImageSpec; method: 'http' | 'scp'; url?: string; localFile?: string; filesystem: string }
