/**
 * Builds the whole API from the daemon's parts (listen.ts binds it).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TokensWatcher } from '../auth/index.js';
import type { DaemonConfig } from '../config/index.js';
import type { Metrics } from '../metrics.js';
import type { ImportProducer } from '../queue/index.js';
import { formatProblem, type RegistriesWatcher } from '../registries/index.js';
import type { SignatureStore } from '../store/index.js';
import { createApp } from './app.js';
import { adminRoutes } from './routes/admin.js';
import { extensionsRoutes } from './routes/extensions.js';
import { healthRoutes } from './routes/health.js';
import { imagesRoutes } from './routes/images.js';
import { importsRoutes } from './routes/imports.js';
import { MIRROR_PREFIX, mirrorHandler } from './routes/mirror.js';
import { notificationRoutes } from './routes/notifications.js';
import { RELEASE_MIRROR_PREFIX, releaseMirrorHandler } from './routes/release-mirror.js';
import { releasesRoutes } from './routes/releases.js';
import { openApiRoutes } from './routes/openapi.js';
import { consoleDataSource } from './console/index.js';
import { consoleRoutes } from './routes/console.js';
import { statusRoutes } from './routes/status.js';
import { statusReader } from './status-snapshot.js';
import { verifyRoutes } from './routes/verify.js';

export interface ApiParts {
  readonly config: DaemonConfig;
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly registries: RegistriesWatcher;
  readonly tokens: TokensWatcher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The text /metrics answers with, when it is not this process's own registry (cluster). */
  readonly scrapeMetrics?: (() => Promise<string>) | undefined;
}

/** The Koa app and the mirror's plain handler (the server dispatches /sigstore/ to it directly). */
export function buildApi(parts: ApiParts) {
  const { config, store, producer, metrics, logger } = parts;
  const auth = { tokens: () => parts.tokens.current(), anonymousRead: config.auth.anonymousRead };
  const maxBodyBytes = config.api.maxBodyBytes;
  // One status snapshot for GET /v1/status, the console and the dashboard.
  const status = statusReader({
    producer,
    registries: parts.registries,
    verifyKeys: Object.keys(config.verify.keys),
  });
  const app = createApp({
    logger,
    metrics,
    routers: [
      healthRoutes({ ...statusDeps(parts), scrape: parts.scrapeMetrics }),
      extensionsRoutes({
        store,
        auth,
        defaultRegistry: config.api.defaultRegistry,
        maxBodyBytes,
        maxSignatureBytes: config.import.maxSignatureBytes,
        metrics,
      }),
      imagesRoutes({ store, auth }),
      importsRoutes({ producer, auth, maxBodyBytes }),
      releasesRoutes({ store, producer, auth, maxBodyBytes }),
      notificationRoutes({ producer, auth, maxBodyBytes, sources: config.notifications.sources, logger }),
      verifyRoutes({ store, auth, maxBodyBytes, keys: config.verify.keys }),
      statusRoutes({ auth, status }),
      consoleRoutes({ auth, data: consoleDataSource({ store, status }) }),
      adminRoutes({ ...parts, status }),
      openApiRoutes(),
    ],
  });
  const lookaside = { store, metrics, auth, logger };
  return Object.assign(app, {
    rawHandlers: [
      [MIRROR_PREFIX, mirrorHandler(lookaside)],
      [RELEASE_MIRROR_PREFIX, releaseMirrorHandler(lookaside)],
    ] as const,
  });
}

/** What `sigmirror worker` serves on `worker.statusPort`: /healthz, /readyz and /metrics only. */
export function buildStatusApp(parts: StatusParts) {
  return createApp({
    logger: parts.logger,
    metrics: parts.metrics,
    routers: [healthRoutes(statusDeps(parts))],
  });
}

type StatusParts = Pick<ApiParts, 'config' | 'producer' | 'registries' | 'metrics' | 'logger'>;

/** Readiness checks and the queue-depth sampling, the same for the API and a worker. */
function statusDeps(parts: StatusParts) {
  const { config, producer, metrics } = parts;
  return {
    metrics,
    readiness: {
      redis: () => producer.depth().then(() => undefined),
      registries: () => registriesProblem(parts.registries),
      // The redis backend is as writable as Redis is reachable (the check above).
      store: () =>
        config.store.backend === 'fs' ? storeWritable(config.store.path) : Promise.resolve(undefined),
    },
    beforeScrape: async () => metrics.queueDepth.set(await producer.depth()),
    detail: () => ({ registries: registriesDetail(parts.registries) }),
  };
}

/**
 * Unready only while no configuration is in force. A rejected edit over a good configuration is
 * not a readiness failure: every replica behind one balancer gets the same edit, and failing them
 * all would stop correct answers the last good configuration still gives (issue 16). It shows in
 * /healthz, /v1/status, `sigmirror_registries_config_error` and the log instead.
 */
function registriesProblem(registries: RegistriesWatcher): string | undefined {
  const state = registries.current();
  if (state.config) return undefined;
  return `no registries.d configuration loaded: ${state.lastError?.errors[0]?.message ?? 'not loaded yet'}`;
}

/** /healthz detail: whether a configuration is in force and the rejected edit, if any. */
function registriesDetail(registries: RegistriesWatcher) {
  const state = registries.current();
  const rejected = state.lastError;
  return {
    inForce: state.config !== undefined,
    appliedAt: state.appliedAt?.toISOString() ?? null,
    rejectedEdit: rejected
      ? {
          at: rejected.at.toISOString(),
          errors: rejected.errors.map(formatProblem),
        }
      : null,
  };
}

async function storeWritable(root: string): Promise<string | undefined> {
  const probe = path.join(root, `.tmp-readyz-${process.pid}`);
  try {
    await mkdir(root, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe);
    return undefined;
  } catch (err) {
    return `store ${root} is not writable: ${(err as NodeJS.ErrnoException).code ?? err}`;
  }
}
