/**
 * Removals that stick: the store operations that consult tombstones (tombstones.ts). A removal
 * records the tombstones BEFORE it renumbers, and an import checks them before and after its
 * append; so an import racing a removal either skips the signature or takes it out again at
 * once, never leaves it served.
 */
import { createHash } from 'node:crypto';
import type { Tombstone, Tombstones } from './tombstones.js';
import type { AppendResult, ImageKey, NewSignature, Provenance, SignatureStore } from './types.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What removeWithTombstones did. */
export interface Removal {
  readonly removed: number;
  readonly tombstones: readonly Tombstone[];
}

/** Removes `indices` (or all) of an image and tombstones their bytes, recorded as done by `by`. */
export async function removeWithTombstones(
  store: SignatureStore,
  tombstones: Tombstones,
  image: ImageKey,
  indices: readonly number[] | 'all',
  by: string,
): Promise<Removal> {
  const at = new Date().toISOString();
  const doomed = (await store.list(image)).filter((s) => indices === 'all' || indices.includes(s.index));
  const records = doomed.map((s) => ({ sha256: s.sha256, by, at, index: s.index }));
  await tombstones.add(image, records);
  return { removed: await store.remove(image, indices), tombstones: records };
}

/** What an append that respects tombstones did. */
export interface TombstonedAppend extends AppendResult {
  /** Signatures skipped because an admin removed them (sha256 hex). */
  readonly tombstoned: readonly string[];
}

/** store.append without the tombstoned signatures; one appended meanwhile is removed again. */
export async function appendUnlessTombstoned(
  store: SignatureStore,
  tombstones: Tombstones | undefined,
  image: ImageKey,
  signatures: readonly NewSignature[],
  provenance: Provenance,
): Promise<TombstonedAppend> {
  if (!tombstones) return { ...(await store.append(image, signatures, provenance)), tombstoned: [] };
  const hashes = signatures.map((s) => sha256(s.bytes));
  const dead = await tombstones.tombstoned(image, hashes);
  const result = await store.append(
    image,
    signatures.filter((_, i) => !dead.has(hashes[i]!)),
    provenance,
  );
  if (!result.added.length) return { ...result, tombstoned: [...dead] };
  const late = await purgeLate(store, tombstones, image, result.added);
  return { ...result, added: late.kept, tombstoned: [...dead, ...late.hashes] };
}

/** Takes out what a removal racing this append tombstoned (its tombstone is written by now). */
async function purgeLate(
  store: SignatureStore,
  tombstones: Tombstones,
  image: ImageKey,
  added: readonly number[],
): Promise<{ kept: number[]; hashes: string[] }> {
  const entries = (await store.list(image)).filter((s) => added.includes(s.index));
  const late = await tombstones.tombstoned(
    image,
    entries.map((s) => s.sha256),
  );
  if (!late.size) return { kept: [...added], hashes: [] };
  await store.remove(
    image,
    entries.filter((s) => late.has(s.sha256)).map((s) => s.index),
  );
  // That removal renumbered the survivors: find them again by content.
  const kept = new Set(entries.filter((s) => !late.has(s.sha256)).map((s) => s.sha256));
  const after = await store.list(image);
  return { kept: after.filter((s) => kept.has(s.sha256)).map((s) => s.index), hashes: [...late] };
}
