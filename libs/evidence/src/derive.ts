import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import type { EvidenceStore } from './storage/evidence-store.js';

/** The largest side of the copy staff see, and of its thumbnail, in pixels. */
const DISPLAY_PIXELS = 2560;
const THUMBNAIL_PIXELS = 320;

/**
 * Makes the copies of a photo that staff screens show: turned the right way up, re-encoded as JPEG
 * with no metadata at all (sharp keeps none unless asked), so no EXIF, GPS position, camera serial or
 * embedded thumbnail survives. The original stays untouched for evidential use.
 */
export async function deriveImageCopies(store: EvidenceStore, originalKey: string, keys: { display: string; thumbnail: string }): Promise<void> {
  for (const [key, pixels] of [
    [keys.display, DISPLAY_PIXELS],
    [keys.thumbnail, THUMBNAIL_PIXELS],
  ] as const) {
    const transform = sharp({ failOn: 'error', limitInputPixels: 100_000_000 })
      .rotate()
      .resize({ width: pixels, height: pixels, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, mozjpeg: true });
    const output = new PassThrough();
    const original = await store.get(originalKey);
    await Promise.all([pipeline(original, transform, output), store.put(key, output, { contentType: 'image/jpeg' })]);
  }
}
