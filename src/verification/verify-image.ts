/**
 * Verifies every stored signature of one image (like `oc adm verify-image-signature`): one
 * report per signature, trusted when it passes every rule for the expected identity. Shared by
 * `sigmirror verify` and `POST /v1/verify`. Reads the store; never changes it (see save.ts).
 */
import {
  expectedIdentityRule,
  verifySignature,
  type Keyring,
  type SignatureAcceptanceRules,
} from '../signature/index.js';
import type { ImageKey, SignatureStore } from '../store/index.js';
import { signatureOutcome, type SignatureOutcome } from './report.js';
import { imageReference } from '../reference/index.js';

/** One stored signature's outcome: where it is, then the shared vocabulary (report.ts). */
export interface SignatureReport extends SignatureOutcome {
  readonly index: number;
  readonly sha256: string;
}

export interface ImageVerification {
  readonly image: ImageKey;
  readonly expectedIdentity: string;
  /** At least one signature is trusted for the expected identity. */
  readonly verified: boolean;
  readonly signatures: readonly SignatureReport[];
}

export interface VerifyImageInput {
  readonly store: SignatureStore;
  readonly image: ImageKey;
  readonly keyring: Keyring;
  readonly expectedIdentity: string;
  readonly strict?: boolean;
  readonly now?: Date;
}

/** The store does not know the image at all (never imported, uploaded or adopted). */
export class ImageUnknownError extends Error {
  override readonly name = 'ImageUnknownError';
  constructor(readonly image: ImageKey) {
    super(`no image ${imageReference(image)} is stored`);
  }
}

/** Throws ImageUnknownError for an image the store does not know (an unsigned one it knows is not that). */
export async function verifyImage(input: VerifyImageInput): Promise<ImageVerification> {
  const rules = {
    keyring: input.keyring,
    manifestDigest: input.image.digest,
    validateSignedReference: expectedIdentityRule(input.expectedIdentity),
    strict: input.strict ?? false,
    now: input.now ?? new Date(),
  };
  const reports = await reportStored(input.store, input.image, rules);
  return {
    image: input.image,
    expectedIdentity: input.expectedIdentity,
    verified: reports.some((r) => r.verdict === 'trusted'),
    signatures: reports,
  };
}

/**
 * One report per stored signature of `image`, checked against `rules` (shared with releases).
 * Throws ImageUnknownError when the store does not know it at all.
 */
export async function reportStored(
  store: SignatureStore,
  image: ImageKey,
  rules: SignatureAcceptanceRules,
): Promise<SignatureReport[]> {
  const entries = await store.list(image);
  if (entries.length === 0 && !(await store.summary(image))) throw new ImageUnknownError(image);
  const reports: SignatureReport[] = [];
  for (const entry of entries) {
    const bytes = await store.read(image, entry.index);
    if (!bytes) continue; // removed meanwhile
    reports.push({
      index: entry.index,
      sha256: entry.sha256,
      ...signatureOutcome(await verifySignature(bytes, rules)),
    });
  }
  return reports;
}
