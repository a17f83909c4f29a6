// From a workbook row and a device's facts to what the driver decides from:
// what is wanted (target, image, settings), the plan, and the pre-check context.
import type { ActivationPlan, Driver, Facts, PrecheckContext, UpgradeWant } from '../drivers/contract.js';
import { DeviceError } from '../drivers/errors.js';
import { normalizeVersion } from '../common/versions.js';
import { upgradeSettings } from './context.js';
import { Stop } from './outcomes.js';
import type { DeviceRun } from './steps.js';
import { isA } from '../common/errors.js';

export const sameVersion = (a: string, b: string) => normalizeVersion(a) === normalizeVersion(b);

export function wantFor(dr: DeviceRun): UpgradeWant {
  const { row, ctx } = dr;
  const img = row.image ? ctx.inventory.images.find((i) => i.file.toLowerCase() === row.image!.toLowerCase()) : undefined;
  if (row.image && !img) throw new Stop('blocked', 'not-upgradable', `image ${row.image} is not in the Images sheet`);
  return {
    targetVersion: dr.target!,
    image: img ? { file: img.file, version: img.version, size: img.size, md5: img.md5, sha512: img.sha512, models: img.models } : null,
    settings: upgradeSettings(ctx.settings),
    paths: ctx.inventory.paths,
  };
}

export function planFor(dr: DeviceRun, driver: Driver, f: Facts): ActivationPlan {
  try {
    return driver.rules.plan(f, wantFor(dr));
  } catch (err) {
    if (isA(err, DeviceError)) throw new Stop('blocked', 'not-upgradable', err.message);
    throw err;
  }
}

export function precheckContext(dr: DeviceRun, switchoverDone: boolean): PrecheckContext {
  const { ctx } = dr;
  const peerRow = dr.row.haPeer ? ctx.inventory.devices.find((d) => d.hostname.toLowerCase() === dr.row.haPeer!.toLowerCase()) : undefined;
  const peerVersion = peerRow ? ctx.store.state(peerRow.hostname)?.current_version : null;
  return {
    settings: upgradeSettings(ctx.settings),
    peer: peerRow ? { hostname: peerRow.hostname, onTarget: !!peerVersion && sameVersion(peerVersion, dr.target!) } : null,
    switchoverDone,
  };
}

/** What the device runs now, for the console and the next decision. */
export function recordFacts(dr: DeviceRun, driver: Driver, f: Facts): void {
  dr.ctx.store.saveFacts(dr.hostname, f);
  dr.ctx.bus.emit({ type: 'facts', hostname: dr.hostname, facts: f, summary: driver.rules.summarize(f) });
  dr.patch({ current_version: f.version, model: f.model, serial: f.serial, target_version: dr.target });
}
