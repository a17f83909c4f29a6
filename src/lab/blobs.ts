// File contents held by simulated devices, stored once per distinct content
// (a 1,000-device lab holds a handful of images, not a thousand copies).
import { createHash } from 'node:crypto';

export interface Blob {
  id: string; // sha256 hex
  bytes: Buffer;
}

export class BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  // A blob never changes, so its digests are computed once (the simulated device's
  // verify time comes from the lab clock, not from hashing).
  private readonly digests = new Map<string, string>();

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
    const key = `${algo}:${id}`;
    let digest = this.digests.get(key);
    if (digest === undefined) {
      digest = createHash(algo).update(bytes).digest('hex');
      this.digests.set(key, digest);
    }
    return digest;
  }
}
