import type Redis from 'ioredis';
import { channelKey, channelsOf, type PushEvent } from './push-events';

/** How many events each stream keeps for Last-Event-ID resumption. */
export const STREAM_RETENTION = 2000;

// Append to the channel's stream, then announce with the id it got: a subscriber never sees an id it cannot replay.
const APPEND_AND_ANNOUNCE = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2])
redis.call('PUBLISH', KEYS[2], '{"key":' .. ARGV[3] .. ',"id":"' .. id .. '","event":' .. ARGV[2] .. '}')
return id`;

type PushRedis = Redis & { labkeysPushAppend(stream: string, channel: string, retention: string, event: string, key: string): Promise<string> };

/**
 * Appends an event to the Redis stream of each of its channels (for replay)
 * and announces it on one pub/sub channel (for live fan-out to every api
 * replica); one script call per channel, all in one round trip.
 */
export class PushPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('labkeysPushAppend' in redis)) redis.defineCommand('labkeysPushAppend', { numberOfKeys: 2, lua: APPEND_AND_ANNOUNCE });
  }

  get pubsubChannel(): string {
    return pubsubChannelOf(this.prefix);
  }

  async publish(events: PushEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as PushRedis & { exec(): Promise<[Error | null, unknown][] | null> };
    for (const event of events) {
      const json = JSON.stringify(event);
      for (const channel of channelsOf(event)) {
        const key = channelKey(channel);
        pipeline.labkeysPushAppend(streamKeyOf(this.prefix, key), this.pubsubChannel, String(STREAM_RETENTION), json, JSON.stringify(key));
      }
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }
}

export const pubsubChannelOf = (prefix: string) => `${prefix}:push`;
export const streamKeyOf = (prefix: string, key: string) => `${prefix}:push:${key}`;
