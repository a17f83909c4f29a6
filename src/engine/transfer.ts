// How an image reaches a device: pulled over HTTP from upshift's image server,
// or pushed with SCP. One decision, read by the run and by `upshift plan`, so the
// plan never shows a copy the run would not send.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationPlan, Check, ImageSource } from '../drivers/contract.js';

export interface TransferChoice {
  /** Settings `transfer`. */
  transfer: 'http' | 'scp';
  /** Whether an image server is (or will be) listening. */
  server: boolean;
  /** The address the device reaches upshift on: --serve-address, else the local address of its SSH connection; null when unknown (a jump host). */
  address: string | null;
}

export function transferMethod(c: TransferChoice): 'http' | 'scp' {
  return c.transfer === 'scp' || !c.server || !c.address ? 'scp' : 'http';
}

export function imageSourceFor(c: TransferChoice, localFile: string, url: (address: string) => string): ImageSource {
  return transferMethod(c) === 'http' ? { method: 'http', url: url(c.address!) } : { method: 'scp', localFile };
}

/**
 * upshift's own pre-check beside the driver's: the image is in the local repository (it is
 * served or pushed from there). `upshift plan` lists it as the run does it.
 */
export function imageFileCheck(plan: ActivationPlan, imagesDir: string): Check | null {
  if (!plan.image) return null;
  const file = join(imagesDir, plan.image.file);
  const there = existsSync(file);
  return { name: 'image-file', ok: there, detail: there ? `${plan.image.file} in the image repository` : `${file} not found in the image repository` };
}
