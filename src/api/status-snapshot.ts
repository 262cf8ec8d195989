/**
 * One read of the daemon's state, the one GET /v1/status answers, the console overview shows and
 * the admin dashboard's status page starts from: the registries.d state, the import queue's depth,
 * the configured verification keys and the newest finished imports and failures. buildApi makes
 * one reader and hands it to all three, so they cannot drift apart.
 */
import type { ImportProducer, RecentJob } from '../queue/index.js';
import type { ConfigProblem, RegistriesState, RegistriesWatcher } from '../registries/index.js';

/** Finished jobs shown per kind. */
export const RECENT_JOBS = 20;

/** The registries.d configuration in force, and the latest rejected edit (the last good one stays). */
export interface RegistriesView {
  /** When the configuration in force was applied; null before the first good load. */
  readonly loadedAt: string | null;
  readonly files: number;
  readonly lastError: { readonly at: string; readonly errors: readonly string[] } | null;
  readonly reloads: number;
  readonly failures: number;
}

/** The newest finished imports and failures. */
export interface RecentJobsView {
  readonly recentImports: readonly {
    readonly reference: string;
    readonly finishedAt: string | null;
    /** Signatures the import added. */
    readonly added: number;
  }[];
  readonly recentFailures: readonly {
    readonly reference: string;
    readonly failedAt: string | null;
    readonly error: string | null;
  }[];
}

/** `GET /v1/status`, as plain JSON values. */
export interface StatusView extends RecentJobsView {
  readonly registries: RegistriesView;
  readonly queueDepth: number;
  /** Names of the configured `verify.keys` (the console's verify form offers them). */
  readonly verifyKeys: readonly string[];
}

export interface StatusSnapshot {
  /** What GET /v1/status answers and the console shows. */
  readonly view: StatusView;
  /** The registries.d state the view was read from (the dashboard lists its problems as `file:line: message`). */
  readonly registries: RegistriesState;
}

/** Where the snapshot is read from. */
export interface StatusSources {
  readonly producer: ImportProducer;
  readonly registries: RegistriesWatcher;
  readonly verifyKeys: readonly string[];
}

/** Reads a snapshot (Redis: the queue's depth and recent jobs). */
export type StatusReader = () => Promise<StatusSnapshot>;

export function statusReader(sources: StatusSources): StatusReader {
  return async () => {
    const registries = sources.registries.current();
    const [queueDepth, recent] = await Promise.all([
      sources.producer.depth(),
      sources.producer.recent(RECENT_JOBS),
    ]);
    const view = {
      registries: registriesView(registries),
      queueDepth,
      verifyKeys: sources.verifyKeys,
      ...recentJobsView(recent),
    };
    return { view, registries };
  };
}

/** The registries.d state as JSON; problems by their message, or as `describe` words them. */
export function registriesView(
  state: RegistriesState,
  describe: (p: ConfigProblem) => string = (p) => p.message,
): RegistriesView {
  return {
    loadedAt: state.appliedAt?.toISOString() ?? null,
    files: state.config?.files.length ?? 0,
    lastError: state.lastError
      ? { at: state.lastError.at.toISOString(), errors: state.lastError.errors.map(describe) }
      : null,
    reloads: state.reloads,
    failures: state.failures,
  };
}

function recentJobsView(recent: {
  completed: readonly RecentJob[];
  failed: readonly RecentJob[];
}): RecentJobsView {
  return {
    recentImports: recent.completed.map(({ reference, finishedAt, added }) => ({
      reference,
      finishedAt,
      added,
    })),
    recentFailures: recent.failed.map(({ reference, finishedAt, error }) => ({
      reference,
      failedAt: finishedAt,
      error,
    })),
  };
}
