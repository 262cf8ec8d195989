/**
 * The import worker: BullMQ job → importImage. Maps errors onto BullMQ's retry rules (a
 * non-retryable FetchError or a config error fails the job at once; the rest retry with jittered
 * backoff, honouring Retry-After), counts outcomes, and schedules the no-signature re-checks.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import {
  imageReference,
  ImportFailure,
  releaseImportOf,
  runImport,
  type ImageKey,
  type ImportDeps,
  type ImportResult,
} from '../src/import/index.js';
import type { Metrics } from '../src/metrics.js';
import {
  IMPORT_QUEUE,
  ImportProducer,
  importJobSchema,
  retryDelayMs,
  workerConnection,
  type ImportJob,
} from '../src/queue/index.js';

export interface ImportWorkerOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly lockDurationMs: number;
  /** Delays of the re-checks of an image imported without signatures. */
  readonly recheckDelaysMs: readonly number[];
  readonly deps: ImportDeps;
  /** Enqueues re-checks (the same producer the API uses). */
  readonly producer: ImportProducer;
  readonly metrics?: Metrics | undefined;
  readonly logger: Logger;
  /** `registry/repository` of OpenShift release images: importing one imports its release signatures too. */
  readonly releaseRepositories?: readonly string[] | undefined;
}

/** A running worker; close() lets active jobs finish (nothing is half-written) and is idempotent. */
export interface ImportWorker {
  readonly worker: Worker;
  close(): Promise<void>;
}

export function startImportWorker(options: ImportWorkerOptions): ImportWorker {
  const connection = workerConnection(options.redisUrl);
  const worker = new Worker<ImportJob, ImportResult>(
    IMPORT_QUEUE,
    (job, token) => processImport(job, token, options),
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.lockDurationMs,
      maxStalledCount: 5,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          retryDelayMs(attemptsMade, err),
      },
    },
  );
  worker.on('completed', (job, result) => void afterSuccess(job, result, options));
  worker.on('failed', (job, err) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    options.metrics?.importJobs.inc({ outcome: final ? 'failed' : 'retried' });
    options.logger.warn(
      { jobId: job?.id, err: { message: err.message } },
      final ? 'import failed' : 'import will be retried',
    );
  });
  worker.on('error', (err) => options.logger.error({ err }, 'import worker error'));
  let closing: Promise<void> | undefined;
  return {
    worker,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        connection.disconnect();
      })()),
  };
}

async function processImport(
  job: Job<ImportJob, ImportResult>,
  token: string | undefined,
  options: ImportWorkerOptions,
): Promise<ImportResult> {
  const parsed = importJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${parsed.error.issues[0]?.message}`);
  const data = parsed.data;
  const image = { registry: data.registry, repository: data.repository, digest: data.digest };
  const logger = options.logger.child({
    jobId: job.id,
    ref: imageReference(image),
  });
  await enqueueReleaseOf(image, data, options, logger);
  try {
    const result = await runImport(image, { ...options.deps, logger });
    logger.info({ added: result.added.length, fetched: result.fetched, endedBy: result.endedBy }, 'imported');
    return result;
  } catch (err) {
    if (!(err instanceof ImportFailure)) throw err;
    // An offline host is nobody's failure: wait for its probe without spending an attempt.
    if (err.offlineForMs !== undefined && token) {
      logger.debug({ retryAfterMs: err.offlineForMs, host: err.host }, err.message);
      await job.moveToDelayed(Date.now() + err.offlineForMs, token);
      throw new DelayedError();
    }
    if (!err.retryable) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/**
 * An image of a configured release repository is a release: its release signatures are imported
 * too (`release.repositories`), whatever becomes of the image's own import. Not for the periodic
 * resync or re-checks, which reach the release key by themselves.
 */
async function enqueueReleaseOf(
  image: ImageKey,
  data: ImportJob,
  options: ImportWorkerOptions,
  logger: Logger,
): Promise<void> {
  if (data.reason === 'periodic' || data.reason === 'recheck') return;
  const release = releaseImportOf(image, options.releaseRepositories ?? []);
  if (!release) return;
  try {
    await options.producer.enqueue({ ...release, reason: data.reason });
  } catch (err) {
    logger.warn({ err }, 'could not enqueue the release signature import of a release image');
  }
}

async function afterSuccess(
  job: Job<ImportJob>,
  result: ImportResult,
  options: ImportWorkerOptions,
): Promise<void> {
  const outcome = result.added.length ? 'imported' : result.fetched ? 'unchanged' : 'empty';
  options.metrics?.importJobs.inc({ outcome });
  options.metrics?.signaturesStored.inc({ source: 'import' }, result.added.length);
  const recheck = job.data.recheck ?? 0;
  const delay = options.recheckDelaysMs[recheck];
  if (result.fetched > 0 || delay === undefined || job.data.reason === 'periodic') return;
  try {
    await options.producer.enqueue({ ...job.data, reason: 'recheck', recheck: recheck + 1 }, { delay });
  } catch (err) {
    options.logger.warn(
      { jobId: job.id, err },
      'could not schedule the re-check; the periodic resync will cover it',
    );
  }
}
