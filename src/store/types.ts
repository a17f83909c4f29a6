// What the workbook means, once validated.

export const PLATFORMS = ['iosxe', 'panos', 'panorama', 'jumphost'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** Rows that are upgraded; the others are helpers named in `via`. */
export const UPGRADABLE: readonly Platform[] = ['iosxe', 'panos'];

export interface DeviceRow {
  hostname: string;
  host: string;
  port: number | null;
  platform: Platform;
  targetVersion: string | null; // normal form (docs/workbook.md)
  image: string | null;
  site: string | null;
  role: string | null;
  group: string | null;
  wave: number | null;
  haPeer: string | null;
  via: string | null;
  credential: string;
  windowStart: Date | null;
  windowEnd: Date | null;
  enabled: boolean;
  notes: string | null;
  /** 1-based row in the Devices sheet. */
  row: number;
}

export interface ImageRow {
  platform: 'iosxe' | 'panos';
  version: string;
  file: string;
  md5: string | null;
  sha512: string | null;
  size: number | null;
  models: string[];
  row: number;
}

export interface Settings {
  concurrency: number;
  canary: number;
  batchSize: { count: number } | { percent: number };
  pauseBetweenWavesMs: number;
  maxFailurePercent: number;
  flashMargin: number;
  cpuMaxPercent: number;
  routeMarginPercent: number;
  arpMarginPercent: number;
  sessionMarginPercent: number;
  reloadTimeoutMs: number;
  /** How long a show command may stay silent before its session is given up and replaced. */
  commandTimeoutMs: number;
  transfer: 'http' | 'scp';
  commitAfterPostcheck: boolean;
  /** Convert bundle-mode devices to install mode. */
  convertToInstall: boolean;
  /** Use ISSU on dual-supervisor / StackWise Virtual where the release rules allow it. */
  issu: 'auto' | 'never';
  panosSyncToPeer: boolean;
  panosHaOrder: 'passive-first' | 'active-first';
  panosCpuMaxPercent: number;
  /** API requests per second toward one Panorama. */
  panoramaRps: number;
  allowDowngrade: boolean;
  /** manual: a promote gate after the canary wave holds the rest of the run. */
  promote: 'auto' | 'manual';
  monitorAfterCanaryMs: number;
  changeId: string | null;
  webhookUrl: string | null;
}

/** A row of the optional Paths sheet: upgrading `from` to `to` goes through `via` (PAN-OS). */
export interface PathRow { from: string; to: string; via: string[]; row: number }

export interface Inventory {
  file: string;
  devices: DeviceRow[];
  images: ImageRow[];
  settings: Settings;
  date1904: boolean;
  /** What the state database checks to recognise this workbook after a move (see ownership.ts). */
  identity?: string;
  /** The Paths sheet's rows (none when the sheet is absent). */
  paths?: PathRow[];
}

/** Columns upshift writes back (docs/workbook.md), in the order they are created. */
export const STATUS_COLUMNS = [
  'status', 'step', 'current_version', 'model', 'serial', 'readiness',
  'precheck', 'postcheck', 'started_at', 'finished_at', 'message',
] as const;
export type StatusColumn = (typeof STATUS_COLUMNS)[number];

export const DEVICE_STATUSES = [
  'pending', 'ready', 'blocked', 'staged', 'held', 'running', 'upgraded',
  'already-current', 'failed', 'rolled-back', 'needs-attention', 'skipped', 'cancelled',
] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** Header names are compared without case, spaces, `_` and `-` (docs/workbook.md). */
export function headerKey(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}
