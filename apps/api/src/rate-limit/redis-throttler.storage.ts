import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { withTimeout } from '@labkeys/database';
import type { ApiRedis } from '../common/api-redis';

// INCR and the window's expiry in one step; a key found without an expiry gets one, so no counter lives forever.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { n, ttl }`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type HitRedis = ApiRedis['client'] & { labkeysRateHit(key: string, windowMs: string): Promise<[number, number]> };

/**
 * @nestjs/throttler's storage over the api's own Redis connection, so every
 * replica counts in the same fixed-window counters. Written here rather than
 * taken from a storage package for two reasons: a counter is one Lua call on
 * the connection the api already has, and when Redis does not answer the
 * limiter lets requests through (Postgres-backed authentication still
 * applies; a Redis outage must not lock instructors out). Being over the limit
 * blocks until the window ends (`blockDuration` is not used).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);

  constructor(private readonly redis: ApiRedis) {
    if (!('labkeysRateHit' in redis.client))
      redis.client.defineCommand('labkeysRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, leftMs] = await withTimeout(
        (this.redis.client as HitRedis).labkeysRateHit(key, String(ttl)),
        500,
        'rate limiter timed out',
      );
      const seconds = Math.max(1, Math.ceil(leftMs / 1000));
      return {
        totalHits: hits,
        timeToExpire: seconds,
        isBlocked: hits > limit,
        timeToBlockExpire: hits > limit ? seconds : 0,
      };
    } catch (error) {
      this.logger.warn(
        { throttler: throttlerName, err: (error as Error).message },
        'rate limiter unavailable; allowing request',
      );
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
