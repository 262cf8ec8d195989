/**
 * Reading the fs store's two trees without the store's locks: the images of the lookaside tree
 * (`<root>/<registry>/<repository>@sha256=<hex>/signature-N`, which a copy by hand fills too) and
 * of the metadata tree (`<metaRoot>/<registry>/<repository>@sha256=<hex>.json`).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { imageKeyProblem } from '../reference/index.js';
import type { ImageKey } from './types.js';

/** An image directory of the lookaside tree, or a path there that names no valid image. */
export type TreeEntry = { readonly image: ImageKey } | { readonly invalid: string };

/** Every `…@sha256=<hex>` directory under `root`; dot names (locks, temp files) are never images. */
export async function* lookasideImages(root: string): AsyncIterable<TreeEntry> {
  for (const registry of await readdirOrEmpty(root)) {
    if (registry.startsWith('.')) continue;
    yield* walkImageDirs(root, registry, path.join(root, registry), '');
  }
}

async function* walkImageDirs(
  root: string,
  registry: string,
  dir: string,
  prefix: string,
): AsyncIterable<TreeEntry> {
  for (const name of await readdirOrEmpty(dir)) {
    if (name.startsWith('.')) continue; // staging, locks and temp files (`.tmp-…`) alike
    const m = /^(.+)@(sha256)=([a-f0-9]{64})$/.exec(name);
    if (m) yield entryFor(root, { registry, repository: `${prefix}${m[1]}`, digest: `${m[2]}:${m[3]}` });
    else if (!name.includes('@') && (await isDirectory(path.join(dir, name))))
      yield* walkImageDirs(root, registry, path.join(dir, name), `${prefix}${name}/`);
  }
}

/** The image, when its names pass the layout's checks (the store refuses to touch any other path). */
function entryFor(root: string, image: ImageKey): TreeEntry {
  if (imageKeyProblem(image) === undefined) return { image };
  return {
    invalid: path.join(root, image.registry, `${image.repository}@${image.digest.replace(':', '=')}`),
  };
}

/** Every image with a metadata file under `metaRoot`. */
export async function* metadataImages(metaRoot: string): AsyncIterable<ImageKey> {
  for (const registry of await readdirOrEmpty(metaRoot)) {
    if (registry.startsWith('.')) continue; // the lock owners, never a registry name
    yield* walkMeta(registry, path.join(metaRoot, registry), '');
  }
}

async function* walkMeta(registry: string, dir: string, prefix: string): AsyncIterable<ImageKey> {
  for (const name of await readdirOrEmpty(dir)) {
    const m = /^(.+)@(sha256)=([a-f0-9]{64})\.json$/.exec(name);
    if (m) yield { registry, repository: `${prefix}${m[1]}`, digest: `${m[2]}:${m[3]}` };
    else if (!name.includes('@') && !name.startsWith('.'))
      yield* walkMeta(registry, path.join(dir, name), `${prefix}${name}/`);
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}
