import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { channelKey, channelsOf, type PushEvent } from './push-events';

/** How many events each stream keeps for Last-Event-ID resumption. */
export const STREAM_RETENTION = 2000;

/** How long a channel's stream outlives its last event when the publisher is not told otherwise. */
export const DEFAULT_STREAM_TTL_SECONDS = 86_400;

// Append to the channel's stream, then announce with the id it got: a subscriber never sees an id it cannot replay.
// The expiry is refreshed in the same step, so a stream nobody writes to any more leaves Redis (noeviction would
// otherwise fill up with finished labs' streams until writes, BullMQ's included, are refused).
const APPEND_AND_ANNOUNCE = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], '{"key":' .. ARGV[3] .. ',"id":"' .. id .. '","event":' .. ARGV[2] .. '}')
return id`;

// In a pipeline the script command queues and chains; its result arrives with exec().
type PushPipeline = ChainableCommander & {
  labkeysPushAppend(
    stream: string,
    channel: string,
    retention: string,
    event: string,
    key: string,
    ttlSeconds: string,
  ): PushPipeline;
};

/**
 * Appends an event to the Redis stream of each of its channels (for replay)
 * and announces it on one pub/sub channel (for live fan-out to every api
 * replica); one script call per channel, all in one round trip.
 */
export class PushPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = DEFAULT_STREAM_TTL_SECONDS,
  ) {
    if (!('labkeysPushAppend' in redis))
      redis.defineCommand('labkeysPushAppend', { numberOfKeys: 2, lua: APPEND_AND_ANNOUNCE });
  }

  get pubsubChannel(): string {
    return pubsubChannelOf(this.prefix);
  }

  async publish(events: PushEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline() as PushPipeline;
    for (const event of events) {
      const json = JSON.stringify(event);
      for (const channel of channelsOf(event)) {
        const key = channelKey(channel);
        pipeline.labkeysPushAppend(
          streamKeyOf(this.prefix, key),
          this.pubsubChannel,
          String(STREAM_RETENTION),
          json,
          JSON.stringify(key),
          String(this.ttlSeconds),
        );
      }
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }
}

export const pubsubChannelOf = (prefix: string) => `${prefix}:push`;
export const streamKeyOf = (prefix: string, key: string) => `${prefix}:push:${key}`;
