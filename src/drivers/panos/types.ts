// PAN-OS facts: what the XML API tells about a firewall (docs/devices/panos-api.md).
import type { BaseFacts } from '../contract.js';

export interface PanosHa {
  /** This member's state: active, passive, suspended, non-functional, initial. */
  local: string;
  peer: string;
  peerVersion: string | null;
  /** running-sync: synchronized, synchronization in progress, not synchronized. */
  sync: string;
  peerConnected: boolean;
  mode: string | null;
  preemptive: boolean | null;
}

export interface PanosSoftware { version: string; sizeMb: number; downloaded: boolean; current: boolean }

export interface PanosFacts extends BaseFacts {
  platform: 'panos';
  ha: PanosHa | null;
  software: PanosSoftware[];
  /** Where the software list came from: the update server (`check`), or the firewall's cache (`info`). */
  softwareSource: 'check' | 'info' | null;
  diskFreeMb: number | null;
  pendingChanges: boolean | null;
  runningJobs: string[];
  expiredLicenses: string[];
  appVersion: string | null;
}
