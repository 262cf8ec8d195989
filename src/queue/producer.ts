/**
 * Enqueues imports and reports their state. Used by the CLI, the API and the notification
 * endpoint alike. Fails fast when Redis is unreachable.
 */
import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { producerConnection } from '../redis/index.js';
import { importJobSchema, jobIdFor, type ImportJob, type ImportJobInput } from './jobs.js';
import { IMPORT_QUEUE } from './names.js';
import { BACKOFF_TYPE } from './retry.js';
import { imageReference } from '../reference/index.js';

/** Completed jobs kept for status queries (the newest N), and for how long. */
export const KEEP_COMPLETED = { count: 10_000, age: 7 * 24 * 3600 } as const;
/** Failed jobs kept for inspection (the newest N), and for how long. */
export const KEEP_FAILED = { count: 10_000, age: 30 * 24 * 3600 } as const;

/** States in which a job still will run: a new request for the same image joins it. */
const PENDING_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/** What an enqueue did. */
export interface EnqueueResult {
  readonly id: string;
  /** True when an identical job was already pending and this request joined it. */
  readonly deduplicated: boolean;
  /** Which add of the id will run (import --wait tells a later re-check under the same id from it). */
  readonly enqueueId: string | undefined;
  /** The pending job this request joined, when it joined one. */
  readonly joined?: JoinedJob | undefined;
  /** True when nothing was queued: the image's last import ended after `keepEndedAfter`. */
  readonly recentlyEnded?: true;
}

/** How an enqueue is scheduled. */
export interface EnqueueOptions {
  /** Run no sooner than this (a re-check's or a resync slot's wait), ms. */
  readonly delay?: number;
  /**
   * Background work only: keep a finished job that ended after this time (epoch ms) and queue
   * nothing. The periodic resync decides an image is due, then enqueues it; an explicit import
   * may end in between, and replacing its job would hide its result from `import --wait`.
   */
  readonly keepEndedAfter?: number;
}

/** A pending job an enqueue joined: what it was doing, and whether the request made it start now. */
export interface JoinedJob {
  /** Its state when joined: `active` (being imported), `waiting`, `delayed`, … */
  readonly state: string;
  /** Why it had been enqueued (`periodic`, `recheck`, `import`, …). */
  readonly reason: ImportJob['reason'];
  /** True when it was waiting for its time (a resync slot, a re-check) and was made due now. */
  readonly promoted: boolean;
}

/** A finished import job, as status pages show it. */
export interface RecentJob {
  readonly reference: string;
  readonly finishedAt: string | null;
  /** Signatures the import added. */
  readonly added: number;
  readonly error: string | null;
}

/** An import job's state for `GET /v1/imports/<id>` and `import --wait`. */
export interface ImportStatus {
  readonly id: string;
  readonly state: string;
  readonly attempts: number;
  readonly error: string | undefined;
  readonly data: ImportJob;
  readonly result: unknown;
  /** When a job added with a delay (a scheduled re-check) is due, epoch ms; undefined without a delay. */
  readonly runAt: number | undefined;
  /** When the job completed or failed, epoch ms. */
  readonly finishedAt: number | undefined;
}

export interface ProducerOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly attempts: number;
}

/** How long an enqueue or status call may wait for Redis before failing. */
export const PRODUCER_TIMEOUT_MS = 5_000;

/**
 * The most an image's enqueue lock is held: a producer killed holding it delays that image's next
 * enqueue by this much. Far above the few round trips it covers, well below PRODUCER_TIMEOUT_MS.
 */
export const ENQUEUE_LOCK_MS = 2_000;
/** How often a held enqueue lock is tried again. */
const ENQUEUE_LOCK_RETRY_MS = 5;
/** Deletes the lock only if it is still ours (it may have expired and been taken). */
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * How long the end of a job that a later enqueue replaced stays readable by its enqueueId: the
 * id is per image, so the periodic resync (or a re-check) removes a finished job to queue its own,
 * and an `import --wait` that had not yet read the end would otherwise never learn it.
 */
export const ENDED_RECORD_S = 24 * 3600;

/** A replaced job's end as recorded in Redis; read back through this schema (it crosses Redis). */
const endedRecordSchema = z.object({
  id: z.string(),
  state: z.enum(['completed', 'failed']),
  attempts: z.number().int().min(0),
  error: z.string().optional(),
  data: importJobSchema,
  result: z.unknown().optional(),
  runAt: z.number().optional(),
  finishedAt: z.number().optional(),
});

/** Redis did not answer in time: the request fails instead of hanging. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

/**
 * Background work waiting for its time, not yet tried: a no-signature re-check, or a periodic
 * resync spaced out for the upstream's sake. An explicit request never waits behind either.
 */
function isScheduled(data: ImportJob, attemptsMade: number): boolean {
  return (data.reason === 'recheck' || data.reason === 'periodic') && attemptsMade === 0;
}

/** Someone asked for this import now (CLI, API, a registry push), not a schedule. */
function isExplicit(data: ImportJob): boolean {
  return data.reason === 'import' || data.reason === 'resync';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A job's status as status() and the ended records give it. */
function statusOf(id: string, state: string, job: Job): ImportStatus {
  return {
    id,
    state,
    attempts: job.attemptsMade,
    error: job.failedReason || undefined,
    data: job.data as ImportJob,
    result: job.returnvalue ?? undefined,
    // From the job, not the state: the two reads may straddle a re-check replacing the job.
    runAt: job.delay ? job.timestamp + job.delay : undefined,
    finishedAt: job.finishedOn,
  };
}

export class ImportProducer {
  readonly queue: Queue;
  private readonly connection: Redis;

  constructor(private readonly options: ProducerOptions) {
    this.connection = producerConnection(options.redisUrl);
    this.queue = new Queue(IMPORT_QUEUE, { connection: this.connection, prefix: options.prefix });
  }

  /**
   * Validates and enqueues; a request for an image with a pending job joins that job. An explicit
   * import that joins scheduled background work (a no-signature re-check due in up to an hour, a
   * periodic resync spaced behind thousands of others) makes it run now, as an explicit import.
   */
  async enqueue(input: ImportJobInput, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    const data = importJobSchema.parse(input);
    return this.failFast(this.underImageLock(jobIdFor(data), () => this.add(data, opts)));
  }

  /**
   * One enqueue of an image at a time, across processes (CLI, API, workers, the resync sweep):
   * removing a finished job and adding its successor are two steps, and another enqueue between
   * them could remove the new job or get its own add ignored.
   */
  private async underImageLock<T>(id: string, work: () => Promise<T>): Promise<T> {
    const key = `${this.options.prefix}:enqueue-lock:${id}`;
    const token = randomUUID();
    const client = await this.ready();
    while ((await client.set(key, token, 'PX', ENQUEUE_LOCK_MS, 'NX')) !== 'OK')
      await new Promise((r) => setTimeout(r, ENQUEUE_LOCK_RETRY_MS));
    try {
      return await work();
    } finally {
      await client.eval(RELEASE_LOCK, 1, key, token).catch(() => undefined);
    }
  }

  private async add(data: ImportJob, { keepEndedAfter, ...opts }: EnqueueOptions): Promise<EnqueueResult> {
    const id = jobIdFor(data);
    // State first, then the job (as read()): read the other way round, a job that finishes in
    // between is "completed" with the fields of its active self, no result and no end time (it
    // would then be replaced as long finished, and recorded as having fetched nothing).
    const state = await this.queue.getJobState(id);
    const existing = state === 'unknown' ? undefined : await this.queue.getJob(id);
    if (existing) {
      if (PENDING_STATES.has(state)) return { id, ...(await this.join(existing, state, data)) };
      if (keepEndedAfter !== undefined && (existing.finishedOn ?? 0) > keepEndedAfter)
        return { id, deduplicated: true, enqueueId: existing.data.enqueueId, recentlyEnded: true };
      // A finished job keeps its id: remove it so the re-import (a resync that merges) can run,
      // its end kept under its enqueueId for whoever still waits for it.
      await this.recordEnd(existing, state);
      await existing.remove().catch(() => undefined);
    }
    const enqueueId = randomUUID();
    await this.queue.add(
      'import',
      { ...data, enqueueId },
      {
        jobId: id,
        attempts: this.options.attempts,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
        ...opts,
      },
    );
    // BullMQ ignores an add whose id exists (a removal that failed): the stored enqueueId tells.
    const stored = await this.queue.getJob(id);
    return { id, deduplicated: stored?.data.enqueueId !== enqueueId, enqueueId: stored?.data.enqueueId };
  }

  /** Joins a pending job; an explicit request promotes scheduled background work to itself. */
  private async join(job: Job, state: string, data: ImportJob) {
    const joinedData = job.data as ImportJob;
    const scheduled = isExplicit(data) && isScheduled(joinedData, job.attemptsMade);
    let promoted = false;
    if (scheduled && joinedData.reason === 'periodic' && (state === 'delayed' || state === 'waiting'))
      // Run as the explicit import it now is: re-checks follow an empty result, releases are enqueued.
      await job.updateData({ ...joinedData, reason: data.reason }).catch(() => undefined);
    // promote() fails when the job has just become due or started: then it runs anyway.
    if (scheduled && state === 'delayed')
      promoted = await job.promote().then(
        () => true,
        () => false,
      );
    const joined: JoinedJob = { state, reason: joinedData.reason, promoted };
    return { deduplicated: true, enqueueId: joinedData.enqueueId, joined };
  }

  /** The job's state, or undefined when no such job is known (never enqueued, or expired). */
  status(id: string): Promise<ImportStatus | undefined> {
    return this.failFast(this.read(id));
  }

  private async read(id: string): Promise<ImportStatus | undefined> {
    // State first, then the job: read the other way round, a job finishing in between would
    // show "completed" without its result.
    const state = await this.queue.getJobState(id);
    const job = await this.queue.getJob(id);
    if (!job || state === 'unknown') return undefined;
    return statusOf(id, state, job);
  }

  /**
   * How the add `enqueueId` ended, once a later enqueue of its image replaced it (within
   * ENDED_RECORD_S); undefined when it was not replaced, or too long ago.
   */
  endedStatus(enqueueId: string): Promise<ImportStatus | undefined> {
    return this.failFast(this.readEnd(enqueueId));
  }

  /** The queue's connection once it is up: it has no offline queue, so a command sent sooner fails. */
  private async ready(): Promise<Redis> {
    await this.queue.waitUntilReady();
    return this.connection;
  }

  private endedKey(enqueueId: string): string {
    return `${this.options.prefix}:import-ended:${enqueueId}`;
  }

  private async recordEnd(job: Job, state: string): Promise<void> {
    const enqueueId = (job.data as ImportJob).enqueueId;
    if (!enqueueId || (state !== 'completed' && state !== 'failed')) return;
    const record = JSON.stringify(statusOf(job.id!, state, job));
    await this.connection.set(this.endedKey(enqueueId), record, 'EX', ENDED_RECORD_S);
  }

  private async readEnd(enqueueId: string): Promise<ImportStatus | undefined> {
    const text = await (await this.ready()).get(this.endedKey(enqueueId));
    if (text === null) return undefined;
    const record = endedRecordSchema.safeParse(parseJson(text));
    if (!record.success) return undefined; // not ours to trust: the caller waits as without one
    const { id, state, attempts, error, data, result, runAt, finishedAt } = record.data;
    return { id, state, attempts, error, data, result, runAt, finishedAt };
  }

  /** Workers connected to this queue (BullMQ reads CLIENT LIST); 1 where Redis hides the list. */
  workerCount(): Promise<number> {
    return this.failFast(this.queue.getWorkersCount());
  }

  /** The newest finished jobs, for status pages: completed and failed, newest first. */
  recent(count: number): Promise<{ completed: RecentJob[]; failed: RecentJob[] }> {
    return this.failFast(this.readRecent(count));
  }

  private async readRecent(count: number): Promise<{ completed: RecentJob[]; failed: RecentJob[] }> {
    const view = (job: Awaited<ReturnType<Queue['getJobs']>>[number]): RecentJob => {
      const data = job.data as ImportJob;
      return {
        reference: imageReference(data),
        finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        added: ((job.returnvalue as { added?: unknown[] } | undefined)?.added ?? []).length,
        error: job.failedReason || null,
      };
    };
    const [completed, failed] = await Promise.all([
      this.queue.getJobs(['completed'], 0, count - 1, false),
      this.queue.getJobs(['failed'], 0, count - 1, false),
    ]);
    return { completed: completed.filter(Boolean).map(view), failed: failed.filter(Boolean).map(view) };
  }

  /** Jobs waiting or delayed (for metrics and readiness). */
  depth(): Promise<number> {
    return this.failFast(this.queue.getJobCountByTypes('waiting', 'delayed', 'prioritized'));
  }

  private failFast<T>(op: Promise<T>): Promise<T> {
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

  /** Closes the queue; never hangs on an unreachable Redis (the connection is dropped). */
  async close(): Promise<void> {
    await this.failFast(this.queue.close()).catch(() => undefined);
    this.connection.disconnect();
  }
}
