/**
 * The status facts every page shows the same way (GET /v1/status, the console overview, the admin
 * dashboard): the registries.d state and the newest finished imports, as plain JSON values.
 */
import type { RecentJob } from '../queue/index.js';
import type { ConfigProblem, RegistriesState } from '../registries/index.js';

export function registriesView(
  state: RegistriesState,
  describe: (p: ConfigProblem) => string = (p) => p.message,
) {
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

export function recentJobsView(recent: {
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
