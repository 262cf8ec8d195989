/**
 * What the admin dashboard shows, as plain data: the status page (process, configuration, tokens,
 * store, queues, recent imports) and a queue page (counts and the newest jobs per state).
 * source.ts reads them from the daemon's parts; the pages only render them.
 */
import type { JobCounts, JobState, JobSummary } from '../../queue/index.js';
import type { ImageStatus } from '../../store/index.js';
import type { RecentJobsView, RegistriesView } from '../status-snapshot.js';

/** A queue's counts per state, and whether it is paused. */
export interface QueueCountsView {
  readonly name: string;
  readonly paused: boolean;
  readonly counts: JobCounts;
}

/** `/admin/queues/<name>`: the counts and, per state, the newest jobs (at most JOBS_PER_STATE). */
export interface QueueView extends QueueCountsView {
  readonly jobs: Readonly<Record<JobState, readonly JobSummary[]>>;
}

/** `/admin`: the daemon's state, as an admin checks it first. */
export interface AdminStatus extends RecentJobsView {
  /** The process that answered this request (one of several with listen.processes > 1). */
  readonly process: {
    readonly version: string;
    readonly pid: number;
    readonly node: string;
    readonly startedAt: string;
    readonly uptimeSeconds: number;
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
  };
  /** The snapshot's registries view, problems as `file:line: message`, with the directory and warnings. */
  readonly registries: RegistriesView & { readonly dir: string; readonly warnings: readonly string[] };
  readonly tokens: {
    /** auth.tokensFile; null when none is configured (every token is refused). */
    readonly file: string | null;
    readonly count: number;
    /** Why the latest reload was rejected (the previous tokens stay in force); null when it was not. */
    readonly lastError: string | null;
    readonly anonymousRead: boolean;
  };
  readonly store: {
    readonly backend: string;
    readonly counts: Readonly<Record<ImageStatus, number>>;
    readonly total: number;
  };
  readonly queues: readonly QueueCountsView[];
}
