/** The store the daemon's config names, for commands that read or change it directly. */
import { loadDaemonConfig } from '../config/index.js';
import { createFsStore, type SignatureStore } from '../store/index.js';

export function openConfiguredStore(configFile: string | undefined): SignatureStore {
  const { config } = loadDaemonConfig(configFile);
  return createFsStore({ root: config.store.path });
}
