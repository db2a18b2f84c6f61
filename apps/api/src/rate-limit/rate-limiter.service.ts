import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { withTimeout } from '@labkeys/database';
import { ApiRedis } from '../common/api-redis';

export interface RateDecision {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

// INCR and set the window's expiry atomically; returns the count and the ms left.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`;

/**
 * Fixed-window counters in Redis, shared by every api replica. When Redis
 * does not answer the limiter lets requests through: Postgres-backed
 * authentication still applies, and an outage of Redis must not lock
 * instructors out.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);

  constructor(
    private readonly redis: ApiRedis,
    private readonly config: AppConfig,
  ) {}

  async hit(bucket: string, id: string, limit: number, windowMs: number): Promise<RateDecision> {
    return this.run(bucket, id, limit, windowMs, 1);
  }

  /** Reads the current count without adding to it. */
  async peek(bucket: string, id: string, limit: number, windowMs: number): Promise<RateDecision> {
    return this.run(bucket, id, limit, windowMs, 0);
  }

  private async run(bucket: string, id: string, limit: number, windowMs: number, add: 0 | 1): Promise<RateDecision> {
    const key = `${this.config.queuePrefix}:rl:${bucket}:${id}`;
    try {
      const client = this.redis.client;
      const [count, ttl] = add
        ? ((await withTimeout(client.eval(HIT_SCRIPT, 1, key, String(windowMs)) as Promise<[number, number]>, 500, 'rate limiter timed out')))
        : await withTimeout(Promise.all([client.get(key).then((v) => Number(v ?? 0)), client.pttl(key)]), 500, 'rate limiter timed out');
      return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil((ttl > 0 ? ttl : windowMs) / 1000)) };
    } catch (error) {
      this.logger.warn({ bucket, err: (error as Error).message }, 'rate limiter unavailable; allowing request');
      return { allowed: true, count: 0, retryAfterSeconds: 0 };
    }
  }
}
