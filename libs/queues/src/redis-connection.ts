import type { RedisOptions } from 'ioredis';

/** TCP keepalive probes start after this much idle time (ioredis' 0 means the OS default, two hours on Linux). */
const KEEPALIVE_MS = 10_000;

/** Parses a redis:// URL into ioredis options. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    // A failed-over or unplugged Redis is noticed by the socket, not only when a command times out.
    keepAlive: KEEPALIVE_MS,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * Workers block on Redis and must ride out reconnects: BullMQ requires
 * maxRetriesPerRequest null there.
 */
export function workerRedisOptions(url: string): RedisOptions {
  return { ...redisOptionsFromUrl(url), maxRetriesPerRequest: null, enableReadyCheck: true };
}

/**
 * Producers (the api) fail fast: a request that cannot enqueue gets an error
 * now rather than hanging while Redis is away.
 */
export function producerRedisOptions(url: string): RedisOptions {
  return {
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
}
