/**
 * The embedded default's Redis: when no `redis.url` is configured, sigmirror runs its own
 * redis-server on a unix socket under the state directory (persistent, append-only), or reuses
 * the one a sibling sigmirror process already started there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { createRedis, ioredisUrl } from './target.js';

/** How long to wait for a started redis-server to answer PING. */
const START_TIMEOUT_MS = 10_000;

/** A Redis to connect to, and how to stop it if this process started it. */
export interface EmbeddedRedis {
  readonly url: string;
  stop(): Promise<void>;
}

/** PING once with a short timeout; true when the server answers. */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const client = createRedis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The embedded Redis's URL for a state directory (what `serve` starts and `import` reaches). */
export function embeddedRedisUrl(stateDir: string): string {
  return `redis+socket://${path.join(path.resolve(stateDir, 'redis'), 'redis.sock')}`;
}

/** Starts (or reuses) redis-server on `<stateDir>/redis/redis.sock`. */
export async function startEmbeddedRedis(stateDir: string, logger: Logger): Promise<EmbeddedRedis> {
  const dir = path.resolve(stateDir, 'redis');
  const socket = path.join(dir, 'redis.sock');
  const url = embeddedRedisUrl(stateDir);
  if (await redisAnswers(ioredisUrl(url))) {
    logger.info({ socket }, 'reusing the embedded Redis already running');
    return { url, stop: async () => undefined };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--appendonly',
    'yes',
  ];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(
          `cannot start redis-server (install the redis-server package or set redis.url): ${err.message}`,
        ),
      ),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code} before answering`)));
  });
  failed.catch(() => undefined);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await Promise.race([redisAnswers(ioredisUrl(url), 200), failed]))) {
    if (Date.now() > deadline)
      throw new Error(`redis-server did not answer on ${socket} within ${START_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  logger.info({ socket, pid: child.pid }, 'started the embedded Redis');
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
