/** Queue names; the Redis key prefix comes from config (`redis.prefix`). */
export const IMPORT_QUEUE = 'import';
/** The periodic resync's schedule and sweeps (workers/resync.ts; the dashboard lists it). */
export const RESYNC_QUEUE_NAME = 'resync';
