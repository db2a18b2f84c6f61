import type Redis from 'ioredis';
import { channelKey, channelsOf, type PushEvent } from './push-events';

/** How many events each stream keeps for Last-Event-ID resumption. */
export const STREAM_RETENTION = 2000;

/**
 * Appends an event to the Redis stream of each of its channels (for replay)
 * and announces it on one pub/sub channel (for live fan-out to every api
 * replica). Both in one MULTI so a subscriber never sees an id it cannot replay.
 */
export class PushPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get pubsubChannel(): string {
    return pubsubChannelOf(this.prefix);
  }

  async publish(events: PushEvent[]): Promise<void> {
    if (events.length === 0) return;
    const multi = this.redis.multi();
    const appended: { key: string; event: PushEvent }[] = [];
    for (const event of events) {
      for (const channel of channelsOf(event)) {
        const key = channelKey(channel);
        appended.push({ key, event });
        multi.xadd(streamKeyOf(this.prefix, key), 'MAXLEN', '~', String(STREAM_RETENTION), '*', 'e', JSON.stringify(event));
      }
    }
    const results = (await multi.exec()) ?? [];
    const notify = this.redis.multi();
    results.forEach(([error, id], index) => {
      if (error) throw error;
      const { key, event } = appended[index];
      notify.publish(this.pubsubChannel, JSON.stringify({ key, id, event }));
    });
    const published = (await notify.exec()) ?? [];
    for (const [error] of published) if (error) throw error;
  }
}

export const pubsubChannelOf = (prefix: string) => `${prefix}:push`;
export const streamKeyOf = (prefix: string, key: string) => `${prefix}:push:${key}`;
