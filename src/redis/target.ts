/**
 * Where Redis is, as one string (config `redis.url`, `SIGMIRROR_REDIS_URL`):
 *   redis://[user:password@]host:port[/db]        a server (rediss:// for TLS)
 *   /path/to/redis.sock, redis+socket:///path      a unix socket (the embedded Redis)
 *   redis+sentinel://[:password@]host:port[,host:port…]/<master name>[?db=N&sentinelPassword=P]
 *                                                 Sentinel: ioredis asks them for the master and
 *                                                 follows failovers
 */
import { Redis, type RedisOptions } from 'ioredis';

const SENTINEL = /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/]+)\/([^/?]+)(?:\?(.*))?$/;

export class RedisUrlError extends Error {
  override readonly name = 'RedisUrlError';
}

/** The ioredis options a `redis+sentinel://` URL stands for (undefined for other URLs). */
export function sentinelOptions(url: string): RedisOptions | undefined {
  if (!url.startsWith('redis+sentinel://')) return undefined;
  const m = SENTINEL.exec(url);
  if (!m)
    throw new RedisUrlError(
      `invalid Sentinel URL (redis+sentinel://host:port[,host:port…]/master): ${redact(url)}`,
    );
  const [, auth, hosts, name, query] = m;
  const sentinels = hosts!.split(',').map((hostPort) => {
    const hp = /^([^:]+):(\d{1,5})$/.exec(hostPort);
    if (!hp) throw new RedisUrlError(`invalid Sentinel address "${hostPort}" (host:port)`);
    return { host: hp[1]!, port: Number(hp[2]) };
  });
  const params = new URLSearchParams(query ?? '');
  const password = auth?.includes(':') ? decodeURIComponent(auth.slice(auth.indexOf(':') + 1)) : undefined;
  const db = params.get('db');
  return {
    sentinels,
    name: decodeURIComponent(name!),
    ...(password ? { password } : {}),
    ...(params.get('sentinelPassword') ? { sentinelPassword: params.get('sentinelPassword')! } : {}),
    ...(db !== null ? { db: Number(db) } : {}),
  };
}

/** A client for any of the forms above. */
export function createRedis(url: string, options: RedisOptions): Redis {
  const sentinel = sentinelOptions(url);
  return sentinel ? new Redis({ ...sentinel, ...options }) : new Redis(ioredisUrl(url), options);
}

/** The URL without its passwords (userinfo and `?sentinelPassword=`), for messages and logs. */
export function redact(url: string): string {
  return url
    .replace(/\/\/([^@/:]*):([^@/]*)@/, '//$1:***@')
    .replace(/([?&](?:sentinelPassword|password)=)[^&]*/g, '$1***');
}

/** ioredis takes a socket path, not a URL scheme: translate `redis+socket://PATH`. */
export function ioredisUrl(url: string): string {
  return url.startsWith('redis+socket://') ? url.slice('redis+socket://'.length) : url;
}
