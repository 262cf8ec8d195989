export { IMPORT_QUEUE } from './names.js';
export { importJobSchema, jobIdFor, IMPORT_REASONS, type ImportJob, type ImportJobInput } from './jobs.js';
export {
  ImportProducer,
  QueueUnavailableError,
  PRODUCER_TIMEOUT_MS,
  KEEP_COMPLETED,
  KEEP_FAILED,
  type EnqueueResult,
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
  RESYNC_QUEUE_NAME,
  type JobCounts,
  type JobState,
  type JobSummary,
} from './inspector.js';
