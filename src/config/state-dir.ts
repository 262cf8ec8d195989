import path from 'node:path';
import type { DaemonConfig } from './schema.js';

/** The state directory: the store's parent (`./var` for the embedded default); the embedded Redis lives there. */
export function stateDirOf(config: DaemonConfig): string {
  return path.dirname(path.resolve(config.store.path));
}
