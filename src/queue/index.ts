export { IMPORT_QUEUE, RESYNC_QUEUE_NAME } from './names.js';
/** BullMQ worker connections (workers/ reach Redis through the queue module). */
export { workerConnection } from '../redis/index.js';
export { importJobSchema, jobIdFor, IMPORT_REASONS, type ImportJob, type ImportJobInput } from './jobs.js';
export {
  ImportProducer,
  QueueUnavailableError,
  PRODUCER_TIMEOUT_MS,
  ENQUEUE_LOCK_MS,
  ENDED_RECORD_S,
  KEEP_COMPLETED,
  KEEP_FAILED,
  type EnqueueResult,
  type EnqueueOptions,
  type JoinedJob,
  type ImportStatus,
  type ProducerOptions,
  type RecentJob,
} from './producer.js';
export { retryDelayMs, BACKOFF_TYPE, BASE_DELAY_MS, MAX_DELAY_MS } from './retry.js';
export {
  QueueInspector,
  JobNotFoundError,
  JobStateError,
  JOB_STATES,
  type JobCounts,
  type JobState,
  type JobSummary,
} from './inspector.js';
