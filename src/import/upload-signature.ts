/**
 * The upload use case (`PUT /extensions/v2/…`, `sigmirror sign --upload`): a signature a client
 * hands us, already checked to be a simple-signing OpenPGP message for this image (the API's
 * signature-object.ts), stored unverified with the same parsed metadata an import records, so
 * listings, the console and `images describe` show its claims whichever way it arrived.
 * The store refuses a taken name or a full image under its lock (store/errors.ts).
 */
import { signatureMetadata } from '../signature/index.js';
import type { ImageKey, SignatureStore } from '../store/index.js';

/** One uploaded signature. */
export interface Upload {
  /** Binary OpenPGP bytes, exactly as the mirror will serve them. */
  readonly bytes: Uint8Array;
  /** The signatures API name, `<digest>@<id>`. */
  readonly name: string;
  /** The token name that uploaded it. */
  readonly by: string | undefined;
}

/** What the upload did: its new index, or the index already holding the same bytes. */
export type UploadResult = { readonly added: number } | { readonly duplicateOf: number };

export async function uploadSignature(
  store: SignatureStore,
  image: ImageKey,
  upload: Upload,
): Promise<UploadResult> {
  const result = await store.append(
    image,
    [{ bytes: upload.bytes, name: upload.name, parsed: signatureMetadata(upload.bytes, image.digest) }],
    { origin: 'upload', by: upload.by },
  );
  return result.added.length ? { added: result.added[0]! } : { duplicateOf: result.duplicates[0]! };
}
