/**
 * The admin dashboard's view of the daemon's BullMQ queues: job counts per state, the newest jobs
 * of a state, and the two repairs an admin needs: retry a failed job, remove a job. Pages get
 * plain objects; no BullMQ type leaves this file. Like the producer, every call fails fast
 * (PRODUCER_TIMEOUT_MS) when Redis does not answer.
 */
import { Queue, type Job } from 'bullmq';
import type { ImportJob } from './jobs.js';
import { IMPORT_QUEUE, RESYNC_QUEUE_NAME } from './names.js';
import { PRODUCER_TIMEOUT_MS, QueueUnavailableError, type ImportProducer } from './producer.js';
import { imageReference } from '../reference/index.js';

/** The states the dashboard counts and lists, in display order. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Jobs per state. */
export type JobCounts = Readonly<Record<JobState, number>>;

/** One job as the dashboard shows it. WARNING: `failedReason` and `reference` are upstream- or user-made text. */
export interface JobSummary {
  readonly id: string;
  /** The job name: `import` for imports, `sweep` for the resync's runs. */
  readonly name: string;
  readonly state: JobState;
  /** `registry/repository@digest` of an import job; null for other jobs. */
  readonly reference: string | null;
  /** Why an import runs (`import`, `resync`, `recheck`, `periodic`); null for other jobs. */
  readonly reason: string | null;
  readonly attemptsMade: number;
  /** Attempts allowed (the job's `attempts` option, 1 when unset). */
  readonly attempts: number;
  readonly createdAt: string | null;
  readonly processedAt: string | null;
  readonly finishedAt: string | null;
  /** When a delayed job becomes due; null for the other states. */
  readonly dueAt: string | null;
  readonly failedReason: string | null;
  /** True for a job scheduler's next run (the resync schedule): it cannot be removed here. */
  readonly scheduled: boolean;
}

/** No such queue or job (never existed, removed, or expired by removeOnComplete/removeOnFail). */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
}

/** The job exists, but its state does not allow the action (retry needs failed, remove not active). */
export class JobStateError extends Error {
  override readonly name = 'JobStateError';
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/** The import queue (the producer's) and the resync queue, on the producer's connection. */
export class QueueInspector {
  private readonly queues: ReadonlyMap<string, Queue>;

  constructor(producer: ImportProducer) {
    const { connection, prefix } = producer.queue.opts;
    // A shared connection: the producer's close() ends it; this Queue opens none of its own.
    const resync = new Queue(RESYNC_QUEUE_NAME, { connection, prefix });
    this.queues = new Map([
      [IMPORT_QUEUE, producer.queue],
      [RESYNC_QUEUE_NAME, resync],
    ]);
  }

  /** The queue names, in display order. */
  names(): readonly string[] {
    return [...this.queues.keys()];
  }

  has(name: string): boolean {
    return this.queues.has(name);
  }

  /** Job counts per state, and whether the queue is paused. */
  counts(name: string): Promise<{ counts: JobCounts; paused: boolean }> {
    const queue = this.queue(name);
    return failFast(
      Promise.all([queue.getJobCounts(...JOB_STATES), queue.isPaused()]).then(([counts, paused]) => ({
        counts: Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>,
        paused,
      })),
    );
  }

  /** The newest `limit` jobs in `state`, newest first. */
  async jobs(name: string, state: JobState, limit: number): Promise<JobSummary[]> {
    const jobs = await failFast(this.queue(name).getJobs([state], 0, limit - 1, false));
    return jobs.filter(Boolean).map((job) => summary(job, state));
  }

  /** Moves a failed job back to waiting with its attempts reset (a worker takes it again); its new state. */
  async retry(name: string, id: string): Promise<string> {
    const job = await this.job(name, id);
    const state = await failFast(job.getState());
    if (state !== 'failed')
      throw new JobStateError(`job ${id} is ${state}; only a failed job can be retried`);
    await failFast(job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }));
    return failFast(job.getState());
  }

  /** Removes a job that no worker holds; an import of the same image can then be enqueued anew. */
  async remove(name: string, id: string): Promise<void> {
    const job = await this.job(name, id);
    const state = await failFast(job.getState());
    if (state === 'active')
      throw new JobStateError(`job ${id} is active: a worker holds it; wait until it finishes`);
    if (job.repeatJobKey)
      throw new JobStateError(`job ${id} is the resync schedule's next run; it cannot be removed`);
    await failFast(job.remove());
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new JobNotFoundError(`no queue "${name}" (queues: ${this.names().join(', ')})`);
    return queue;
  }

  private async job(name: string, id: string): Promise<Job> {
    const job = await failFast(this.queue(name).getJob(id));
    if (!job) throw new JobNotFoundError(`no job ${id} in queue ${name} (removed, or expired)`);
    return job;
  }
}

function summary(job: Job, state: JobState): JobSummary {
  const data = (job.data ?? {}) as Partial<ImportJob>;
  const isImport =
    typeof data.registry === 'string' &&
    typeof data.repository === 'string' &&
    typeof data.digest === 'string';
  return {
    id: job.id ?? '',
    name: job.name,
    state,
    reference: isImport ? imageReference(data as ImportJob) : null,
    reason: isImport ? (data.reason ?? null) : null,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    createdAt: iso(job.timestamp),
    processedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
    dueAt: state === 'delayed' ? iso(job.timestamp + (job.delay ?? 0)) : null,
    failedReason: job.failedReason || null,
    scheduled: Boolean(job.repeatJobKey),
  };
}

/** Rejects with QueueUnavailableError when Redis does not answer in time (as the producer does). */
function failFast<T>(op: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new QueueUnavailableError(`Redis did not answer within ${PRODUCER_TIMEOUT_MS} ms`)),
      PRODUCER_TIMEOUT_MS,
    );
  });
  op.catch(() => undefined); // a late rejection after the timeout must not be unhandled
  return Promise.race([op, timeout]).finally(() => clearTimeout(timer));
}
