/**
 * Which Redis a config means, in one place: `redis.url`, or the embedded Redis under the state
 * directory (`sigmirror serve` starts it when no URL is set; commands only connect to it).
 */
import type { Logger } from 'pino';
import { stateDirOf, type DaemonConfig } from '../config/index.js';
import { embeddedRedisUrl, startEmbeddedRedis } from '../redis/index.js';

/** The Redis URL commands connect to: the configured one, else the embedded one's socket. */
export function redisUrlFor(config: DaemonConfig): string {
  return config.redis.url ?? embeddedRedisUrl(stateDirOf(config));
}

/** A Redis the daemon runs on; `stop` is set when the daemon started it (embedded). */
export interface DaemonRedis {
  readonly url: string;
  readonly stop?: () => Promise<void>;
}

/** The configured Redis, or an embedded one started now (the default: no URL configured). */
export async function redisFor(config: DaemonConfig, logger: Logger): Promise<DaemonRedis> {
  if (config.redis.url) return { url: config.redis.url };
  const embedded = await startEmbeddedRedis(stateDirOf(config), logger);
  return { url: embedded.url, stop: () => embedded.stop() };
}
