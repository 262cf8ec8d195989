/**
 * Real-world signatures and keys, vendored in test/fixtures/vectors/ (MANIFEST.md there says where
 * each file comes from and what gpg, skopeo and openpgp.js said of it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const vectorsDir = fileURLToPath(new URL('../fixtures/vectors/', import.meta.url));

export function readVector(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(vectorsDir, relative)));
}
