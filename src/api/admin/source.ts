/**
 * The dashboard's data over the daemon's parts: the status snapshot GET /v1/status answers (its
 * registries.d state and recent jobs), the tokens watcher, the store's image index (countImages),
 * the queues (QueueInspector), and this process.
 */
import type { TokensWatcher } from '../../auth/index.js';
import { JOB_STATES, QueueInspector, type ImportProducer, type JobSummary } from '../../queue/index.js';
import { formatProblem } from '../../registries/index.js';
import type { SignatureStore } from '../../store/index.js';
import { VERSION } from '../../version.js';
import { registriesView, type StatusReader, type StatusSnapshot } from '../status-snapshot.js';
import type { AdminStatus, QueueCountsView, QueueView } from './data.js';

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
  readonly status: StatusReader;
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
      const [counts, queues, snapshot] = await Promise.all([
        deps.store.countImages(),
        Promise.all(inspector.names().map(queueCounts)),
        deps.status(),
      ]);
      return {
        process: processInfo(),
        registries: registriesInfo(deps.config, snapshot),
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
        recentImports: snapshot.view.recentImports,
        recentFailures: snapshot.view.recentFailures,
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

function registriesInfo(config: AdminConfigView, snapshot: StatusSnapshot): AdminStatus['registries'] {
  return {
    dir: config.registriesDir,
    ...registriesView(snapshot.registries, formatProblem),
    warnings: snapshot.registries.warnings.map(formatProblem),
  };
}
