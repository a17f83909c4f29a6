// The firewall's software manager: the list it last fetched from the update
// server (`request system software check`), the images on /opt/panrepo, and
// downloads and installs as jobs, with the refusals a real firewall gives.
import type { PanosFault } from '../faults.js';
import { panDate } from './format.js';
import type { JobList } from './jobs.js';
import { catalogue, compareVersions, contentNumber, installRefusal, MIN_CONTENT, trainIndex, trainOf, type Release } from './versions.js';
import { cdata, errorMsg, Raw, success, xmlOf } from './xml.js';

export const UPDATE_SERVER_UNREACHABLE = 'Failed to check upgrade info due to Unknown error. Please check network connectivity and try again.';
export const SOFTWARE_MANAGER_BUSY = 'The software manager is currently in use. Please try again later.';

/** What the software manager needs from its firewall. */
export interface SoftwareHost {
  readonly version: string;
  /** The image's file name on the update server: PanOS_3200-11.1.4-h7. */
  imageFile(version: string): string;
  readonly faults: Set<PanosFault>;
  readonly jobs: JobList;
  /** A job's length at this lab's speed (ms), as a multiple of the lab's PAN-OS job time. */
  jobMs(factor: number): number;
  /** The HA peer's software manager when the peer is up; undefined without HA. */
  peerSoftware(): SoftwareManager | null | undefined;
  contentVersion(): string;
  log(kind: string, detail?: string): void;
}

const PANREPO_TOTAL_MB = 23 * 1024;
const PANREPO_SYSTEM_MB = 1800;

export class SoftwareManager {
  /** Images on /opt/panrepo: version → size in MB. */
  readonly disk = new Map<string, number>();
  /** The list fetched by the last `check` (null: never checked). */
  cache: { at: number; releases: Release[] } | null = null;
  installed: string | null = null;
  private busyUntil: number | null = null;
  private readonly offered: Release[];
  /** Old images and core files nobody cleaned up (what fills the disk under `disk-full`). */
  private otherMb = 0;

  constructor(private readonly host: SoftwareHost, extraVersions: (string | null)[], private readonly busyMs: number) {
    this.offered = catalogue([host.version, ...extraVersions]);
    this.disk.set(host.version, this.release(host.version).sizeMb);
    this.otherMb = host.faults.has('disk-full') ? PANREPO_TOTAL_MB - this.usedMb() - 500 : 0;
    if (host.faults.has('stale-info')) {
      // A check ran long ago: the list stops at the running feature release.
      this.cache = { at: Date.parse('2024-06-03T04:12:40Z'), releases: this.offered.filter((r) => trainIndex(r.version) <= trainIndex(host.version)) };
    }
  }

  private release(v: string): Release {
    return this.offered.find((r) => r.version === v) ?? catalogue([v]).find((r) => r.version === v)!;
  }

  usedMb(): number {
    return PANREPO_SYSTEM_MB + this.otherMb + [...this.disk.values()].reduce((a, b) => a + b, 0);
  }

  freeMb(): number {
    return PANREPO_TOTAL_MB - this.usedMb();
  }

  get totalPanrepoMb(): number {
    return PANREPO_TOTAL_MB;
  }

  isDownloaded(v: string): boolean {
    return this.disk.has(v);
  }

  /** `request system software check`: asks the update server and refreshes the cached list. */
  check(): string {
    if (this.host.faults.has('update-unreachable')) return errorMsg(UPDATE_SERVER_UNREACHABLE);
    this.cache = { at: Date.now(), releases: this.offered };
    this.host.log('software-check');
    return this.listXml(this.offered);
  }

  /** `request system software info`: the cached list (plus the images on disk), without asking anyone. */
  info(): string {
    const listed = new Map((this.cache?.releases ?? []).map((r) => [r.version, r]));
    for (const v of this.disk.keys()) if (!listed.has(v)) listed.set(v, this.release(v));
    return this.listXml([...listed.values()].sort((a, b) => compareVersions(b.version, a.version)));
  }

  private listXml(releases: Release[]): string {
    const latest = releases.reduce<string | null>((top, r) => (!top || compareVersions(r.version, top) > 0 ? r.version : top), null);
    return success(xmlOf({ 'sw-updates': {
      '@last-updated-at': this.cache ? panDate(this.cache.at) : '', msg: null,
      versions: releases.map((r) => ({
        version: r.version, filename: this.host.imageFile(r.version), size: r.sizeMb, 'size-kb': r.sizeMb * 1024 + 311, 'released-on': r.releasedOn,
        'release-notes': new Raw(cdata(` https://www.paloaltonetworks.com/documentation/${trainOf(r.version).replace('.', '-')}/pan-os/pan-os-release-notes `)),
        downloaded: this.disk.has(r.version) ? 'yes' : 'no', current: r.version === this.host.version ? 'yes' : 'no', latest: r.version === latest ? 'yes' : 'no', uploaded: 'no',
      })),
    } }));
  }

  /** `request system software download [sync-to-peer "yes"] version "X"`: a Downld job. */
  download(version: string | undefined, syncToPeer: boolean): string {
    const rel = version ? this.cache?.releases.find((r) => r.version === version) : undefined;
    if (!version || !rel) {
      return errorMsg(`${version ?? '(no version)'} is not a valid software version for download. Run 'request system software check' to refresh the list of available versions.`);
    }
    const job = this.host.jobs.add('Downld', 'software', this.host.jobMs(Math.max(0.5, rel.sizeMb / 650)), () => this.finishDownload(rel, syncToPeer));
    this.host.log('download', version);
    return success(`<msg><line>Download job enqueued with jobid ${job.id}</line></msg><job>${job.id}</job>`, 19);
  }

  private finishDownload(rel: Release, syncToPeer: boolean): { ok: boolean; lines: string[] } {
    if (!this.disk.has(rel.version) && this.freeMb() < rel.sizeMb) {
      return { ok: false, lines: [`Failed to download ${this.host.imageFile(rel.version)}: not enough free space on /opt/panrepo (${rel.sizeMb} MB needed, ${Math.max(0, Math.floor(this.freeMb()))} MB free). Delete unused software images and try again.`] };
    }
    this.disk.set(rel.version, rel.sizeMb);
    const lines = ['Successfully downloaded', 'Preloading into software manager', 'Successfully loaded into software manager'];
    if (!syncToPeer) return { ok: true, lines };
    const peer = this.host.peerSoftware();
    if (peer === undefined) return { ok: true, lines: [...lines, 'HA is not enabled: the image was not synced to a peer'] };
    if (peer === null) return { ok: false, lines: [...lines, 'Failed to sync the image to the HA peer: the peer is not reachable'] };
    peer.receive(rel);
    return { ok: true, lines: [...lines, 'Successfully synced the image to the HA peer'] };
  }

  /** The HA peer's copy of an image (download with sync-to-peer). */
  receive(rel: Release): void {
    if (this.freeMb() >= rel.sizeMb || this.disk.has(rel.version)) this.disk.set(rel.version, rel.sizeMb);
    this.host.log('image-synced', rel.version);
  }

  /** True while the `busy` / `busy-job` window is open; the window opens at the first install request. */
  private busy(): boolean {
    if (!this.host.faults.has('busy') && !this.host.faults.has('busy-job')) return false;
    this.busyUntil ??= Date.now() + this.busyMs;
    return Date.now() < this.busyUntil;
  }

  /** `request system software install version "X"`: an SWInstall job, refused up front or failed by the job. */
  install(version: string | undefined): string {
    if (!version || !/^\d+\.\d+\.\d+(-h\d+)?$/.test(version)) return errorMsg(`${version ?? '(no version)'} is not a valid software version`);
    if (!this.disk.has(version)) return errorMsg(`Failed to install ${version}: the image has not been downloaded. Download it first with 'request system software download version ${version}'.`);
    const busy = this.busy();
    if (busy && this.host.faults.has('busy')) return errorMsg(SOFTWARE_MANAGER_BUSY);
    const reason = busy ? SOFTWARE_MANAGER_BUSY : installRefusal(this.host.version, version, (v) => this.disk.has(v)) ?? this.contentRefusal(version);
    const job = this.host.jobs.add('SWInstall', 'software', this.host.jobMs(reason ? 0.15 : 1.5), () => {
      if (reason) return { ok: false, lines: [`Failed to install ${version} with the following errors.`, `SW version is ${version}`, reason, `Failed to install   version  ${version}  type  panos`] };
      this.installed = version;
      return { ok: true, lines: [`Successfully installed ${version}.`, 'A reboot is required to run the new software.'] };
    });
    this.host.log('install', version);
    return success(`<msg><line>Software install job enqueued with jobid ${job.id}. Run 'show jobs id ${job.id}' to monitor its status. Please reboot the device after the installation is done.</line></msg><job>${job.id}</job>`, 19);
  }

  private contentRefusal(version: string): string | null {
    const need = MIN_CONTENT[trainOf(version)];
    const have = this.host.contentVersion();
    if (!need || contentNumber(have) >= need || trainIndex(version) <= trainIndex(this.host.version)) return null;
    return `Content version ${need} or later is required to install ${version} (installed: ${have}). Install a newer Applications and Threats content release first.`;
  }

  /** After the restart the firewall runs the installed image (or, with `old-version`, the one it had). */
  boot(): string | null {
    const next = this.installed;
    this.installed = null;
    return next;
  }
}
