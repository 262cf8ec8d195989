/**
 * The dashboard's data over the daemon's parts: the registries.d and tokens watchers, the store's
 * image index (countImages), the queues (QueueInspector) and the producer's recent jobs, and this
 * process. Keep in sync with src/api/routes/status.ts (the same registries and recent-jobs fields).
 */
import type { TokensWatcher } from '../../auth/index.js';
import { JOB_STATES, QueueInspector, type ImportProducer, type JobSummary } from '../../queue/index.js';
import { formatProblem, type RegistriesWatcher } from '../../registries/index.js';
import type { SignatureStore } from '../../store/index.js';
import { VERSION } from '../../version.js';
import { RECENT_JOBS } from '../routes/status.js';
import type { AdminStatus, QueueCountsView, QueueView } from './data.js';
import { recentJobsView, registriesView } from '../status-view.js';

/** Jobs listed per state on a queue page (the newest). */
export const JOBS_PER_STATE = 20;

/** The configuration keys the status page shows. */
export interface AdminConfigView {
  readonly registriesDir: string;
  readonly auth: { readonly tokensFile?: string | undefined; readonly anonymousRead: boolean };
  readonly store: { readonly backend: string };
}

export interface AdminSourceDeps {
  readonly config: AdminConfigView;
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly registries: RegistriesWatcher;
  readonly tokens: TokensWatcher;
}

/** What the dashboard reads, and the inspector its actions use. */
export interface AdminData {
  readonly inspector: QueueInspector;
  status(): Promise<AdminStatus>;
  /** The queue's page data; throws JobNotFoundError for an unknown queue. */
  queue(name: string): Promise<QueueView>;
}

export function adminDataSource(deps: AdminSourceDeps): AdminData {
  const inspector = new QueueInspector(deps.producer);
  const queueCounts = async (name: string): Promise<QueueCountsView> => ({
    name,
    ...(await inspector.counts(name)),
  });
  return {
    inspector,

    async status() {
      const [counts, queues, recent] = await Promise.all([
        deps.store.countImages(),
        Promise.all(inspector.names().map(queueCounts)),
        deps.producer.recent(RECENT_JOBS),
      ]);
      return {
        process: processInfo(),
        registries: registriesInfo(deps),
        tokens: {
          file: deps.config.auth.tokensFile ?? null,
          count: deps.tokens.current().size,
          lastError: deps.tokens.error() ?? null,
          anonymousRead: deps.config.auth.anonymousRead,
        },
        store: {
          backend: deps.config.store.backend,
          counts,
          total: Object.values(counts).reduce((a, b) => a + b, 0),
        },
        queues,
        ...recentJobsView(recent),
      };
    },

    async queue(name) {
      const [counts, lists] = await Promise.all([
        queueCounts(name),
        Promise.all(JOB_STATES.map((state) => inspector.jobs(name, state, JOBS_PER_STATE))),
      ]);
      const jobs = Object.fromEntries(JOB_STATES.map((state, i) => [state, lists[i]!]));
      return { ...counts, jobs: jobs as Record<(typeof JOB_STATES)[number], JobSummary[]> };
    },
  };
}

function processInfo(): AdminStatus['process'] {
  const memory = process.memoryUsage();
  const uptime = process.uptime();
  return {
    version: VERSION,
    pid: process.pid,
    node: process.version,
    startedAt: new Date(Date.now() - uptime * 1000).toISOString(),
    uptimeSeconds: Math.floor(uptime),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
}

function registriesInfo(deps: AdminSourceDeps): AdminStatus['registries'] {
  const state = deps.registries.current();
  return {
    dir: deps.config.registriesDir,
    ...registriesView(state, formatProblem),
    warnings: state.warnings.map(formatProblem),
  };
}
