/** The `<image>` argument of the store commands: `registry/repository@sha256:<hex>`. */
import { imageKeyFromReference, ReferenceError } from '../reference/index.js';
import { type ImageKey } from '../store/index.js';
import { CommandError } from './exit-codes.js';

/** The image a reference names; an invalid one is an argument error (exit 2). */
export function parseImage(reference: string): ImageKey {
  try {
    return imageKeyFromReference(reference);
  } catch (err) {
    if (err instanceof ReferenceError) throw new CommandError(err.message, 'INVALID_ARGUMENT');
    throw err;
  }
}
