import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { EvidenceStore } from './storage/evidence-store.js';

/** The largest side of the copy staff see, and of its thumbnail, in pixels. */
const DISPLAY_PIXELS = 2560;
const THUMBNAIL_PIXELS = 320;

/**
 * What libvips says when the bytes themselves cannot be decoded: a format it does not know, a damaged
 * or truncated file (a JPEG header followed by anything else), or one larger than the pixel limit.
 * The same bytes fail the same way every time, so such a file is given up on at once.
 */
const UNDECODABLE = /unsupported image format|corrupt|premature end|datastream contains no image|read error|unable to parse|no frames|exceeds pixel limit|bad (huffman|header)|not a (jpeg|png|gif|webp)/i;

/** The photo's bytes cannot be decoded: trying again cannot help. */
export class UndecodableImage extends Error {
  constructor(readonly decoderMessage: string) {
    super(`the image cannot be decoded: ${decoderMessage.split('\n')[0]}`);
    this.name = 'UndecodableImage';
  }
}

/**
 * Makes the copies of a photo that staff screens show: turned the right way up, re-encoded as JPEG
 * with no metadata at all (sharp keeps none unless asked), so no EXIF, GPS position, camera serial or
 * embedded thumbnail survives. The original stays untouched for evidential use.
 *
 * Rejects with UndecodableImage when the decoder cannot read the bytes; any other failure (the store,
 * memory) rejects as it came, to be retried.
 */
export async function deriveImageCopies(store: EvidenceStore, originalKey: string, keys: { display: string; thumbnail: string }): Promise<void> {
  // Loaded on first use: sharp and libvips hold memory that only photos need (an api or web never loads it).
  const { default: sharp } = await import('sharp');
  for (const [key, pixels] of [
    [keys.display, DISPLAY_PIXELS],
    [keys.thumbnail, THUMBNAIL_PIXELS],
  ] as const) {
    const transform = sharp({ failOn: 'error', limitInputPixels: 100_000_000 })
      .rotate()
      .resize({ width: pixels, height: pixels, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, mozjpeg: true });
    // Which stream failed decides what the failure means: the decoder's own error, or the store's.
    let decoderError: Error | undefined;
    transform.once('error', (error: Error) => (decoderError = error));
    const output = new PassThrough();
    const original = await store.get(originalKey);
    try {
      await Promise.all([pipeline(original, transform, output), store.put(key, output, { contentType: 'image/jpeg' })]);
    } catch (error) {
      if (decoderError && UNDECODABLE.test(decoderError.message)) throw new UndecodableImage(decoderError.message);
      throw decoderError ?? error;
    }
  }
}
