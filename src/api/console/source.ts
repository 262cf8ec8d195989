/**
 * ConsoleData over the daemon's parts, with the calls the /v1 routes make: the store's index
 * (listImages, countImages, summary), its signatures (list), the queue (depth, recent) and the
 * registries.d watcher. Keep in sync with src/api/routes/images.ts and status.ts.
 */
import type { ImportProducer } from '../../queue/index.js';
import type { RegistriesWatcher } from '../../registries/index.js';
import type { SignatureStore } from '../../store/index.js';
import { DEFAULT_PAGE } from '../request-schemas.js';
import { RECENT_JOBS } from '../routes/status.js';
import type { ConsoleData } from './data.js';
import { recentJobsView, registriesView } from '../status-view.js';

export interface ConsoleSourceDeps {
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly registries: RegistriesWatcher;
  /** Names of the configured `verify.keys`. */
  readonly verifyKeys: readonly string[];
}

export function consoleDataSource(deps: ConsoleSourceDeps): ConsoleData {
  const { store, producer } = deps;
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

    async status() {
      const state = deps.registries.current();
      const [queueDepth, recent] = await Promise.all([producer.depth(), producer.recent(RECENT_JOBS)]);
      return {
        registries: registriesView(state),
        queueDepth,
        verifyKeys: deps.verifyKeys,
        ...recentJobsView(recent),
      };
    },
  };
}
