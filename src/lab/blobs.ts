// File contents held by simulated devices, stored once per distinct content
// (a 1,000-device lab holds a handful of images, not a thousand copies).
import { createHash } from 'node:crypto';

export interface Blob {
  id: string; // sha256 hex
  bytes: Buffer;
}

export class BlobStore {
  private readonly blobs = new Map<string, Buffer>();

  put(bytes: Buffer): Blob {
    const id = createHash('sha256').update(bytes).digest('hex');
    if (!this.blobs.has(id)) this.blobs.set(id, bytes);
    return { id, bytes: this.blobs.get(id)! };
  }

  get(id: string): Buffer | undefined {
    return this.blobs.get(id);
  }

  hash(id: string, algo: 'md5' | 'sha512'): string {
    const bytes = this.blobs.get(id);
    if (!bytes) throw new Error(`no blob ${id}`);
    return createHash(algo).update(bytes).digest('hex');
  }
}
