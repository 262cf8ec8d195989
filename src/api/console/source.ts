/**
 * ConsoleData over the daemon's parts, with the calls the /v1 routes make: the store's index
 * (listImages, countImages, summary), its signatures (list), and the status snapshot GET
 * /v1/status answers. Keep in sync with src/api/routes/images.ts.
 */
import type { SignatureStore } from '../../store/index.js';
import { DEFAULT_PAGE } from '../request-schemas.js';
import type { StatusReader } from '../status-snapshot.js';
import type { ConsoleData } from './data.js';

export interface ConsoleSourceDeps {
  readonly store: SignatureStore;
  readonly status: StatusReader;
}

export function consoleDataSource(deps: ConsoleSourceDeps): ConsoleData {
  const { store } = deps;
  return {
    listImages: (query) => store.listImages({ ...query, limit: query.limit ?? DEFAULT_PAGE }),

    async summary() {
      const counts = await store.countImages();
      return { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
    },

    async image(key) {
      const [summary, signatures] = await Promise.all([store.summary(key), store.list(key)]);
      if (!summary && signatures.length === 0) return undefined;
      return {
        ...key,
        status: summary?.status ?? 'unsigned',
        lastImportAt: summary?.lastImportAt ?? null,
        source: summary?.source ?? null,
        lastVerifiedAt: summary?.lastVerifiedAt ?? null,
        signatures,
      };
    },

    status: async () => (await deps.status()).view,
  };
}
