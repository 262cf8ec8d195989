/**
 * `import --wait`: wait until each image's first import has ended, never longer. An import that
 * found no signatures ends too: the worker schedules a re-check under the same job id, which
 * --wait reports ("no signature found yet, next re-check at …") instead of waiting for it. While
 * waiting, a queue that no worker consumes is reported within NO_WORKER_GRACE_MS.
 */
import type { ImportProducer, ImportStatus } from '../queue/index.js';
import { CommandError } from './exit-codes.js';
import { Progress } from './progress.js';
import { imageReference } from '../reference/index.js';

/** How often job states are read. */
const POLL_MS = 250;
/** How long the queue may have no worker before --wait gives up (a worker may be starting). */
export const NO_WORKER_GRACE_MS = 3_000;
/** How long after an empty import its re-check may take to appear before none is assumed. */
const RECHECK_APPEAR_MS = 5_000;
/** Job states read at once (pipelined on one connection). */
const STATUS_BATCH = 100;
/** How often the queue's workers are counted (CLIENT LIST). */
const WORKER_CHECK_MS = 500;

/** How one image's first import ended. */
export type ImportOutcome =
  | { readonly kind: 'imported'; readonly status: ImportStatus }
  | {
      readonly kind: 'no-signatures';
      readonly nextCheckAt: number | undefined;
      readonly status: ImportStatus;
    }
  | { readonly kind: 'failed'; readonly error: string; readonly status: ImportStatus };

/** A job to wait for: its id, which add of that id is ours, and since when it is seen ended empty. */
export interface WaitedJob {
  readonly id: string;
  enqueueId: string | undefined;
  emptySince?: number;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** The re-check delays of the config (when a completed, empty import is seen before its re-check). */
  readonly recheckDelaysMs: readonly number[];
  /** Names the Redis and prefix in the no-worker message. */
  readonly queueName: string;
  readonly progress: NodeJS.WriteStream | undefined;
}

export async function waitForFirstAttempts(
  producer: ImportProducer,
  jobs: readonly WaitedJob[],
  options: WaitOptions,
): Promise<Map<string, ImportOutcome>> {
  const outcomes = new Map<string, ImportOutcome>();
  const pending = new Map(jobs.map((j) => [j.id, j]));
  const progress = new Progress(pending.size, options.progress);
  const attempts = new Map<string, number>();
  const deadline = Date.now() + options.timeoutMs;
  const workers = new WorkerWatch(producer, options.queueName);
  const lastSeen = new Map<string, ImportStatus | undefined>();
  while (pending.size) {
    await workers.check();
    for (const [job, status] of await readStatuses(producer, [...pending.values()])) {
      lastSeen.set(job.id, status);
      if (!status) continue; // between a finished job's removal and its re-check's add
      const outcome = outcomeOf(job, status, options.recheckDelaysMs);
      if (outcome) {
        outcomes.set(job.id, outcome);
        pending.delete(job.id);
        progress.tick(`${outcome.kind} ${refOf(status)}`);
      } else if (status.attempts > (attempts.get(job.id) ?? 0)) {
        attempts.set(job.id, status.attempts);
        options.progress?.write(
          `attempt ${status.attempts} of ${refOf(status)} failed: ${status.error}; retrying\n`,
        );
      }
    }
    if (!pending.size) break;
    if (Date.now() > deadline)
      throw new CommandError(
        `gave up waiting after ${options.timeoutMs / 1000} s (${outcomes.size}/${jobs.length} ended); ` +
          `still pending: ${stillPending([...pending.keys()], lastSeen)}`,
        'WAIT_TIMEOUT',
      );
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  progress.end();
  return outcomes;
}

/** Job states, STATUS_BATCH at a time: a thousand images are polled in a few round trips, not 2,000. */
async function readStatuses(
  producer: ImportProducer,
  jobs: readonly WaitedJob[],
): Promise<Array<[WaitedJob, ImportStatus | undefined]>> {
  const out: Array<[WaitedJob, ImportStatus | undefined]> = [];
  for (let i = 0; i < jobs.length; i += STATUS_BATCH) {
    const batch = jobs.slice(i, i + STATUS_BATCH);
    const statuses = await Promise.all(batch.map((job) => statusOfOurs(producer, job)));
    batch.forEach((job, k) => out.push([job, statuses[k]]));
  }
  return out;
}

/**
 * The job's status, or, when a later enqueue of the image (the periodic resync, another import)
 * has replaced ours since the last poll, how ours ended as the producer recorded it.
 */
async function statusOfOurs(producer: ImportProducer, job: WaitedJob): Promise<ImportStatus | undefined> {
  const status = await producer.status(job.id);
  if (!status || job.enqueueId === undefined || status.data.enqueueId === job.enqueueId) return status;
  if (status.data.reason === 'recheck') return status; // outcomeOf reads it as "none found yet"
  return (await producer.endedStatus(job.enqueueId)) ?? status;
}

/** The outcome, once the job's first import has ended; undefined while it has not. */
function outcomeOf(
  job: WaitedJob,
  status: ImportStatus,
  recheckDelaysMs: readonly number[],
): ImportOutcome | undefined {
  if (job.enqueueId === undefined) job.enqueueId = status.data.enqueueId;
  if (status.data.enqueueId !== job.enqueueId) {
    // Ours ended and the id was reused, its end not recorded: by the worker's re-check (nothing
    // found), or by a newer add whose producer predates the records.
    if (status.data.reason === 'recheck') return { kind: 'no-signatures', nextCheckAt: status.runAt, status };
    job.enqueueId = status.data.enqueueId;
    return undefined;
  }
  if (status.state === 'failed') return { kind: 'failed', error: status.error ?? 'unknown error', status };
  if (status.state !== 'completed') return undefined;
  const fetched = (status.result as { fetched?: number } | undefined)?.fetched ?? 0;
  if (fetched > 0) return { kind: 'imported', status };
  const delay = status.data.reason === 'periodic' ? undefined : recheckDelaysMs[status.data.recheck];
  if (delay === undefined) return { kind: 'no-signatures', nextCheckAt: undefined, status };
  // The worker adds the re-check just after: wait for it, to report its own time. Should it not
  // come (the worker could not schedule it), the periodic resync is what looks again.
  job.emptySince ??= Date.now();
  if (Date.now() - job.emptySince < RECHECK_APPEAR_MS) return undefined;
  return { kind: 'no-signatures', nextCheckAt: undefined, status };
}

const refOf = (s: ImportStatus) => imageReference(s.data);

/** How many pending jobs a timeout names. */
const PENDING_NAMED = 5;

/** The pending jobs a timeout names, with what they were last seen doing, so the cause shows. */
function stillPending(ids: readonly string[], lastSeen: ReadonlyMap<string, ImportStatus | undefined>) {
  const named = ids.slice(0, PENDING_NAMED).map((id) => {
    const s = lastSeen.get(id);
    if (!s) return `job ${id} (not in the queue)`;
    const due = s.runAt && s.state === 'delayed' ? `, due ${new Date(s.runAt).toISOString()}` : '';
    const failed = s.attempts ? `, ${s.attempts} attempt(s) failed: ${s.error ?? 'unknown error'}` : '';
    return `${refOf(s)} (${s.state}, ${s.data.reason}${due}${failed})`;
  });
  const more = ids.length - named.length;
  return named.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** Fails --wait when no worker has consumed the queue for NO_WORKER_GRACE_MS. */
class WorkerWatch {
  private noneSince: number | undefined;
  private checkedAt = 0;

  constructor(
    private readonly producer: ImportProducer,
    private readonly queueName: string,
  ) {}

  async check(): Promise<void> {
    if (Date.now() - this.checkedAt < WORKER_CHECK_MS) return;
    this.checkedAt = Date.now();
    if ((await this.producer.workerCount()) > 0) {
      this.noneSince = undefined;
      return;
    }
    this.noneSince ??= Date.now();
    if (Date.now() - this.noneSince < NO_WORKER_GRACE_MS) return;
    throw new CommandError(
      `no worker consumes the import queue at ${this.queueName}: the jobs are queued, but nothing runs them. ` +
        'Start `sigmirror serve` (or `sigmirror worker`) with the same redis.url and redis.prefix, ' +
        'or give --config the daemon config',
      'NO_WORKER',
    );
  }
}
