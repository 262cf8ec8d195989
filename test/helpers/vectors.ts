/** Files from ../shared/vectors (real-world signatures and keys); missing shared/ fails loudly. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedDir } from './tools.js';

export const vectorsDir = path.join(sharedDir, 'vectors');

export function readVector(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(vectorsDir, relative)));
}
