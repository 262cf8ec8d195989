/**
 * ioredis connections for BullMQ. Producers fail fast (an API request or CLI call must not hang
 * when Redis is down); workers wait and reconnect for ever (BullMQ requires
 * maxRetriesPerRequest: null for blocking connections).
 */
import type { Redis, RedisOptions } from 'ioredis';
import { createRedis } from './target.js';

/** How long a producer waits for Redis before failing the request. */
const PRODUCER_CONNECT_TIMEOUT_MS = 3_000;

/** A connection for enqueueing: fails fast when Redis is unreachable. */
export function producerConnection(url: string): Redis {
  return connect(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // ioredis's ready check (INFO) rejects unhandled when the connection closes while it runs
    // ("Stream isn't writeable", with the offline queue off): a producer closed early crashed tests.
    enableReadyCheck: false,
    connectTimeout: PRODUCER_CONNECT_TIMEOUT_MS,
  });
}

/**
 * A connection for the image index: reconnects, but a command fails after a few retries instead of
 * waiting for ever (a store write must not hang on a lost Redis; the error reaches the caller).
 */
export function indexConnection(url: string): Redis {
  return connect(url, { maxRetriesPerRequest: 2, connectTimeout: PRODUCER_CONNECT_TIMEOUT_MS });
}

/** A connection for workers and queue events: waits for Redis and keeps reconnecting. */
export function workerConnection(url: string): Redis {
  return connect(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
}

function connect(url: string, options: RedisOptions): Redis {
  // A socket path (the embedded Redis) or a redis:// URL; ioredis takes both as a string.
  const client = createRedis(url, options);
  // Errors surface through commands and readiness checks; an unhandled 'error' event would crash.
  client.on('error', () => undefined);
  return client;
}
