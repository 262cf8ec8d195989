/**
 * What `sigmirror release configmap` and `release list` read and write: the ConfigMaps of stored
 * releases, every release row, and the manifest files (each through a temporary name and a rename).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ConfigMapTooLargeError,
  listReleases,
  manifestFileName,
  renderManifests,
  storedConfigMap,
  type ManifestFormat,
  type SignatureConfigMap,
} from '../release/index.js';
import type { ImageStatus, ImageSummary, SignatureStore } from '../store/index.js';
import { CommandError } from './exit-codes.js';

/** The ConfigMaps of the given releases, or of every stored one. */
export async function configMaps(
  store: SignatureStore,
  digests: readonly string[] | undefined,
): Promise<SignatureConfigMap[]> {
  const wanted = digests ?? (await allReleases(store)).map((row) => row.digest);
  const maps: SignatureConfigMap[] = [];
  for (const digest of wanted) {
    let map;
    try {
      map = await storedConfigMap(store, digest);
    } catch (err) {
      if (err instanceof ConfigMapTooLargeError) throw new CommandError(err.message, 'CONFIGMAP_TOO_LARGE');
      throw err;
    }
    if (!map)
      throw new CommandError(`release ${digest} is not in the store (import it first)`, 'RELEASE_UNKNOWN');
    maps.push(map);
  }
  return maps;
}

export async function allReleases(store: SignatureStore, status?: ImageStatus): Promise<ImageSummary[]> {
  const rows: ImageSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await listReleases(store, { limit: 1000, cursor, status });
    rows.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return rows;
}

/** One file per ConfigMap, each through a temporary name and a rename. */
export async function writeManifests(
  dir: string,
  maps: readonly SignatureConfigMap[],
  format: ManifestFormat,
): Promise<string[]> {
  const written: string[] = [];
  await mkdir(dir, { recursive: true }).catch((err: Error) => {
    throw new CommandError(`cannot create ${dir}: ${err.message}`, 'WRITE_FAILED');
  });
  for (const map of maps) {
    const target = path.resolve(dir, manifestFileName(map.metadata.name, format));
    const temp = `${target}.tmp-${process.pid}`;
    try {
      await writeFile(temp, renderManifests([map], format), { mode: 0o644 });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw new CommandError(`cannot write ${target}: ${(err as Error).message}`, 'WRITE_FAILED');
    }
    written.push(target);
  }
  return written;
}
