/**
 * Releases as the store holds them: their ConfigMap and their listing rows. Reads only.
 */
import {
  releaseKey,
  RELEASE_REGISTRY,
  type ImagePage,
  type ImageQuery,
  type SignatureStore,
} from '../store/index.js';
import { signatureConfigMap, type SignatureConfigMap } from './configmap.js';

/** The ConfigMap with every stored signature of a release; undefined when the release is unknown. */
export async function storedConfigMap(
  store: SignatureStore,
  digest: string,
): Promise<SignatureConfigMap | undefined> {
  const key = releaseKey(digest);
  if (!(await store.summary(key))) return undefined;
  const signatures: Uint8Array[] = [];
  for (const entry of await store.list(key)) {
    const bytes = await store.read(key, entry.index);
    if (bytes) signatures.push(bytes);
  }
  return signatureConfigMap(digest, signatures);
}

/** A page of the release listing (the image index, restricted to release keys). */
export function listReleases(
  store: SignatureStore,
  query: Omit<ImageQuery, 'registry' | 'repository'>,
): Promise<ImagePage> {
  return store.listImages({ ...query, registry: RELEASE_REGISTRY });
}
