// Driver targets for lab devices, with a known_hosts file the lab wrote.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/lab.js';
import type { DeviceTarget, ImageSpec, UpgradeSettings } from '../../src/drivers/contract.js';
import { KnownHosts } from '../../src/drivers/ssh/known-hosts.js';
import { writeImages, type LabImage } from '../../src/lab/images.js';
import { tempDir } from './workbooks.js';

export function iosxeTarget(lab: Lab, hostname: string, extra: Partial<DeviceTarget> = {}): DeviceTarget {
  const { host, port } = lab.endpoint(hostname);
  return {
    hostname, host, port, platform: 'iosxe',
    ssh: { username: lab.credentials.username, password: lab.credentials.password, enable: lab.credentials.enable },
    ...extra,
  };
}

export function labKnownHosts(lab: Lab): KnownHosts {
  const file = join(tempDir(), 'known_hosts');
  writeFileSync(file, lab.knownHosts());
  return new KnownHosts(file);
}

export function imageSpec(img: LabImage): ImageSpec {
  return { file: img.file, version: img.version, size: img.size, md5: img.md5, sha512: img.sha512, models: [] };
}

export function imageFiles(lab: Lab): Map<string, string> {
  const dir = join(tempDir(), 'images');
  writeImages(dir, lab.images());
  return new Map(lab.images().map((i) => [i.file, join(dir, i.file)]));
}

/** The lab image for a device's model family. */
export function imageFor(lab: Lab, hostname: string): LabImage {
  const prefix = lab.device(hostname).state.model.imagePrefix;
  return lab.images().find((i) => i.file.startsWith(prefix))!;
}

/** Settings as the engine hands them to drivers (the workbook's defaults). */
export const SETTINGS: UpgradeSettings = {
  flashMargin: 2.5, cpuMaxPercent: 80, commitAfterPostcheck: true, convertToInstall: false, issu: 'auto',
  panosCpuMaxPercent: 80, panosSyncToPeer: false, panosHaOrder: 'passive-first', allowDowngrade: false, reloadTimeoutMs: 30 * 60_000, panoramaRps: 10,
};

/** No HA peer, no switchover done: the pre-check context of a lone device. */
export const ALONE = { settings: SETTINGS, peer: null, switchoverDone: false };
