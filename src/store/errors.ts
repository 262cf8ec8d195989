/** What an append refuses, decided under the image's lock so concurrent writers cannot both pass. */
import { MAX_SIGNATURES_PER_IMAGE } from '../limits.js';

/** An upload whose name an existing signature of the image already has (OpenShift: 409). */
export class SignatureNameTakenError extends Error {
  override readonly name = 'SignatureNameTakenError';
  constructor(readonly signatureName: string) {
    super(`a signature named ${signatureName} exists`);
  }
}

/** An append that would take the image past MAX_SIGNATURES_PER_IMAGE; nothing was written. */
export class SignatureLimitError extends Error {
  override readonly name = 'SignatureLimitError';
  constructor(readonly existing: number) {
    super(
      `the image has ${existing} signatures; at most ${MAX_SIGNATURES_PER_IMAGE} are kept per image (hosts fail a pull that reads more)`,
    );
  }
}

/** Throws when new signatures cannot be added; `names` are the existing entries' names. */
export function checkAppend(
  existing: number,
  existingNames: Iterable<string | null>,
  added: ReadonlyArray<{ readonly name?: string | undefined }>,
): void {
  const taken = new Set(existingNames);
  for (const { name } of added) {
    if (name === undefined) continue;
    if (taken.has(name)) throw new SignatureNameTakenError(name);
    taken.add(name);
  }
  if (existing + added.length > MAX_SIGNATURES_PER_IMAGE) throw new SignatureLimitError(existing);
}
