// Generated image files: deterministic bytes (so hashes are stable), written
// to the images folder the workbook's Images sheet points at.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabImage {
  platform: 'iosxe';
  version: string; // normal form, e.g. 17.9.5
  file: string;
  family: string;
  size: number;
  md5: string;
  sha512: string;
  sha256: string;
  bytes: Buffer;
}

/** 17.9.5 → 17.09.05 as in Cisco file names. */
export function paddedVersion(version: string): string {
  return version.split('.').map((p) => (/^\d$/.test(p.replace(/[a-z]$/, '')) ? `0${p}` : p)).join('.');
}

export function imageFileName(prefix: string, version: string): string {
  return `${prefix}.${paddedVersion(version)}.SPA.bin`;
}

/** Pseudo-random, reproducible content: SHA-256 in counter mode over the name. */
export function makeImage(prefix: string, family: string, version: string, size: number): LabImage {
  const file = imageFileName(prefix, version);
  const bytes = Buffer.alloc(size);
  const header = Buffer.from(`UPSHIFT-LAB-IMAGE ${file} version=${version}\n`);
  header.copy(bytes, 0, 0, Math.min(header.length, size));
  let offset = header.length;
  for (let i = 0; offset < size; i++) {
    const block = createHash('sha256').update(`${file}:${i}`).digest();
    block.copy(bytes, offset, 0, Math.min(block.length, size - offset));
    offset += block.length;
  }
  return {
    platform: 'iosxe', version, file, family, size, bytes,
    md5: createHash('md5').update(bytes).digest('hex'),
    sha512: createHash('sha512').update(bytes).digest('hex'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export function writeImages(dir: string, images: LabImage[]): void {
  mkdirSync(dir, { recursive: true });
  for (const img of images) writeFileSync(join(dir, img.file), img.bytes);
}
