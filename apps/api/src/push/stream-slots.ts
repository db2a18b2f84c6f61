import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@labkeys/config';
import { withTimeout } from '@labkeys/database';
import { ApiRedis } from '../common/api-redis';

/** How long a slot is held without a heartbeat refreshing it: a crashed replica's streams stop counting after this. */
export const SLOT_LEASE_MS = 60_000;

// One sorted set per token: member = stream, score = when its lease ends (Redis' clock, the same for every replica).
const ACQUIRE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;
const REFRESH = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`;

type SlotRedis = ApiRedis['client'] & {
  labkeysSlotAcquire(key: string, member: string, limit: string, leaseMs: string): Promise<number>;
  labkeysSlotRefresh(key: string, member: string, leaseMs: string): Promise<number>;
};

export interface StreamSlot {
  /** Extends the lease (called by the stream's heartbeat). */
  refresh(): void;
  release(): void;
}

/**
 * At most SSE_MAX_STREAMS_PER_TOKEN open streams per token, counted in Redis
 * so the bound holds across api replicas. Every slot has a lease the
 * heartbeat refreshes, and the set itself expires, so nothing outlives the
 * streams that made it. When Redis does not answer, slots are counted in
 * this process alone: the bound then holds per replica, which still caps what
 * one token can hold open.
 */
@Injectable()
export class StreamSlots {
  private readonly logger = new Logger(StreamSlots.name);
  private readonly local = new Map<string, number>();

  constructor(
    private readonly redis: ApiRedis,
    private readonly config: AppConfig,
  ) {
    const client = redis.client;
    if (!('labkeysSlotAcquire' in client))
      client.defineCommand('labkeysSlotAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    if (!('labkeysSlotRefresh' in client))
      client.defineCommand('labkeysSlotRefresh', { numberOfKeys: 1, lua: REFRESH });
  }

  keyOf(owner: string): string {
    return `${this.config.queuePrefix}:sse:${owner}`;
  }

  /** A slot for one more stream of `owner`, or null when it already has the maximum open. */
  async acquire(owner: string): Promise<StreamSlot | null> {
    const client = this.redis.client as SlotRedis;
    const key = this.keyOf(owner);
    const member = randomUUID();
    const limit = this.config.sseMaxStreamsPerToken;
    try {
      const granted = await withTimeout(
        client.labkeysSlotAcquire(key, member, String(limit), String(SLOT_LEASE_MS)),
        500,
        'stream slots timed out',
      );
      if (!granted) return null;
      return {
        refresh: () => void client.labkeysSlotRefresh(key, member, String(SLOT_LEASE_MS)).catch(() => undefined),
        // A release lost to a Redis outage is made good by the lease.
        release: () => void client.zrem(key, member).catch(() => undefined),
      };
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message },
        'stream slots unavailable in Redis; counting in this process',
      );
      const open = this.local.get(owner) ?? 0;
      if (open >= limit) return null;
      this.local.set(owner, open + 1);
      let released = false;
      return {
        refresh: () => undefined,
        release: () => {
          if (released) return;
          released = true;
          const left = (this.local.get(owner) ?? 1) - 1;
          if (left > 0) this.local.set(owner, left);
          else this.local.delete(owner);
        },
      };
    }
  }
}
