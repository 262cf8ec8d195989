/** Rebuilds the image index from the store's own files (after a restore, or an index lost with Redis). */
import type { ImageIndex } from './redis-index.js';
import type { ImageSummary, SignatureStore } from './types.js';

export async function reindex(store: SignatureStore, index: ImageIndex): Promise<number> {
  async function* rows(): AsyncIterable<ImageSummary> {
    for await (const image of store.images()) {
      const row = await store.summary(image);
      if (row) yield row;
    }
  }
  return index.rebuild(rows());
}
