/**
 * Renumbering an image directory (src/store/renumber.ts) on a real temp dir: the kept signatures
 * become signature-1..k with their bytes, nothing else stays, and keeping none removes the
 * directory; no temp directory is left either way.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { renumberDirectory } from '../../../src/store/renumber.js';
import type { SignatureEntry } from '../../../src/store/types.js';
import { tempDir } from '../../helpers/tmp.js';

const entry = (index: number): SignatureEntry => ({
  index,
  sha256: String(index).repeat(64).slice(0, 64),
  size: 1,
  source: null,
  name: `n${index}`,
  origin: 'import',
  by: null,
  storedAt: '2026-01-01T00:00:00Z',
  parsed: null,
  verifications: [],
});

async function imageDir(t: Parameters<typeof tempDir>[0], n: number) {
  const parent = await tempDir(t);
  const dir = path.join(parent, `app@sha256=${'a'.repeat(64)}`);
  await mkdir(dir);
  for (let i = 1; i <= n; i++) await writeFile(path.join(dir, `signature-${i}`), `bytes ${i}`);
  return { parent, dir, oldPath: (i: number) => path.join(dir, `signature-${i}`) };
}

test('the kept signatures become 1..k in order, with their bytes and entries', async (t) => {
  const { parent, dir, oldPath } = await imageDir(t, 4);
  const renumbered = await renumberDirectory(dir, [entry(2), entry(4)], oldPath);
  t.deepEqual(
    renumbered.map((s) => [s.index, s.name]),
    [
      [1, 'n2'],
      [2, 'n4'],
    ],
  );
  t.like(renumbered[1], { sha256: entry(4).sha256, storedAt: '2026-01-01T00:00:00Z' });
  t.deepEqual((await readdir(dir)).sort(), ['signature-1', 'signature-2']);
  t.is(await readFile(path.join(dir, 'signature-1'), 'utf8'), 'bytes 2');
  t.is(await readFile(path.join(dir, 'signature-2'), 'utf8'), 'bytes 4');
  t.deepEqual(await readdir(parent), [path.basename(dir)]);
});

test('keeping none removes the directory and leaves no temp directory', async (t) => {
  const { parent, dir, oldPath } = await imageDir(t, 2);
  t.deepEqual(await renumberDirectory(dir, [], oldPath), []);
  t.deepEqual(await readdir(parent), []);
});

test('a leftover rebuild directory from a crash is replaced', async (t) => {
  const { parent, dir, oldPath } = await imageDir(t, 1);
  await mkdir(`${dir}.tmp-rebuild`);
  await writeFile(path.join(`${dir}.tmp-rebuild`, 'signature-9'), 'stale');
  await renumberDirectory(dir, [entry(1)], oldPath);
  t.deepEqual(await readdir(dir), ['signature-1']);
  t.deepEqual(await readdir(parent), [path.basename(dir)]);
});
