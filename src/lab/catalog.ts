// The lab's image catalogue: one generated image per (family, version), so a
// device can tell the version of a file from its bytes, as a real one reads
// the image header.
import type { BlobStore } from './blobs.js';
import { makeImage, type LabImage } from './images.js';
import type { IosxeModel } from './models.js';
import type { ImageCatalog } from './iosxe/state.js';

export class LabCatalog implements ImageCatalog {
  private readonly byBlob = new Map<string, LabImage>();
  private readonly byKey = new Map<string, LabImage & { blob: string }>();

  constructor(private readonly blobs: BlobStore, private readonly imageSize: number) {}

  image(model: IosxeModel, version: string): LabImage & { blob: string } {
    const key = `${model.imagePrefix}@${version}`;
    let img = this.byKey.get(key);
    if (!img) {
      const made = makeImage(model.imagePrefix, model.family, version, this.imageSize);
      const blob = this.blobs.put(made.bytes);
      img = { ...made, blob: blob.id };
      this.byKey.set(key, img);
      this.byBlob.set(blob.id, img);
    }
    return img;
  }

  versionOf(blobId: string): string | undefined {
    return this.byBlob.get(blobId)?.version;
  }

  fileFor(model: IosxeModel, version: string): { name: string; blob: string; size: number } {
    const img = this.image(model, version);
    return { name: img.file, blob: img.blob, size: img.size };
  }
}
