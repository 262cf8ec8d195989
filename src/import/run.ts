/**
 * One import job's use case, whatever it names: an image (its lookaside signatures) or a release
 * key (the release stores). Failures come out as ImportFailure only.
 */
import { isReleaseKey, releaseKey, type ImageKey } from '../store/index.js';
import { importFailureOf } from './failure.js';
import { importImage, type ImportDeps, type ImportResult } from './import-image.js';
import { importRelease } from './import-release.js';

export async function runImport(image: ImageKey, deps: ImportDeps): Promise<ImportResult> {
  try {
    return isReleaseKey(image) ? await importRelease(image.digest, deps) : await importImage(image, deps);
  } catch (err) {
    throw importFailureOf(err);
  }
}

/**
 * The release key to import beside an image of a configured release repository
 * (`release.repositories`), or undefined: a release key is never itself a release image.
 */
export function releaseImportOf(
  image: ImageKey,
  releaseRepositories: readonly string[],
): ImageKey | undefined {
  if (isReleaseKey(image)) return undefined;
  return releaseRepositories.includes(`${image.registry}/${image.repository}`)
    ? releaseKey(image.digest)
    : undefined;
}
