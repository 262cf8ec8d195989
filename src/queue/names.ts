/** Queue names; the Redis key prefix comes from config (`redis.prefix`). */
export const IMPORT_QUEUE = 'import';
