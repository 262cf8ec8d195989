/**
 * Rebuilds the image index from the store's own files (after a restore, or an index lost with
 * Redis). First, signatures without metadata (a lookaside tree copied in by hand) are adopted with
 * the claims `describe` reads, so they too appear in listings, verify and the console.
 */
import type { ImageIndex } from './redis-index.js';
import type { AdoptResult, DescribeSignature, ImageSummary, SignatureStore } from './types.js';

/** What a reindex did. */
export interface ReindexResult {
  readonly indexed: number;
  readonly adopted: AdoptResult;
}

export async function reindex(
  store: SignatureStore,
  index: ImageIndex,
  describe: DescribeSignature,
): Promise<ReindexResult> {
  const adopted = await store.adoptUntracked(describe);
  async function* rows(): AsyncIterable<ImageSummary> {
    for await (const image of store.images()) {
      const row = await store.summary(image);
      if (row) yield row;
    }
  }
  return { indexed: await index.rebuild(rows()), adopted };
}
