/**
 * An image's listing status from what the store holds (issue: signature console):
 * `unsigned` — known, no signatures; `unverified` — never checked; `verified` — the latest check
 * (one `verify --save` run: the records sharing its `at`) trusted at least one signature, so none
 * failed since; `failed` — the latest check trusted none. Pure.
 */
import { redactUrl } from '../redact.js';
import type { ImageKey, ImageStatus, ImageSummary, SignatureEntry } from './types.js';
import { imageReference } from '../reference/index.js';

export function imageStatus(signatures: readonly SignatureEntry[]): {
  status: ImageStatus;
  lastVerifiedAt: string | null;
} {
  if (signatures.length === 0) return { status: 'unsigned', lastVerifiedAt: null };
  let latest: string | null = null;
  let trustedInLatest = false;
  for (const entry of signatures)
    for (const record of entry.verifications) {
      if (latest === null || record.at > latest) {
        latest = record.at;
        trustedInLatest = record.verdict === 'trusted';
      } else if (record.at === latest && record.verdict === 'trusted') trustedInLatest = true;
    }
  if (latest === null) return { status: 'unverified', lastVerifiedAt: null };
  return { status: trustedInLatest ? 'verified' : 'failed', lastVerifiedAt: latest };
}

/** The listing row of an image from its metadata. */
export function summarize(
  image: ImageKey,
  meta: { signatures: readonly SignatureEntry[]; lastImportAt?: string | null; source?: string | null },
): ImageSummary {
  return {
    registry: image.registry,
    repository: image.repository,
    digest: image.digest,
    reference: imageReference(image),
    signatures: meta.signatures.length,
    ...imageStatus(meta.signatures),
    lastImportAt: meta.lastImportAt ?? null,
    // Stored before query values were redacted too: never shown with a secret.
    source: meta.source ? redactUrl(meta.source) : null,
  };
}
