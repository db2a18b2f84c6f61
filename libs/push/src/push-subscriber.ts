import type Redis from 'ioredis';
import { channelKey, type DeliveredEvent, type PushChannel, type PushEvent } from './push-events';
import { pubsubChannelOf, streamKeyOf } from './push-publisher';

type Listener = (delivered: DeliveredEvent) => void;

/**
 * One subscriber connection per api process, fanned out in memory to the
 * open streams; replay of missed events comes from the channel's Redis stream.
 */
export class PushSubscriber {
  private readonly listeners = new Map<string, Set<Listener>>();
  private started?: Promise<void>;

  constructor(
    private readonly subscriber: Redis,
    private readonly reader: Redis,
    private readonly prefix: string,
  ) {}

  private start(): Promise<void> {
    this.started ??= (async () => {
      this.subscriber.on('message', (_channel: string, raw: string) => {
        const message = JSON.parse(raw) as { key: string; id: string; event: PushEvent };
        for (const listener of this.listeners.get(message.key) ?? [])
          listener({ id: message.id, event: message.event });
      });
      await this.subscriber.subscribe(pubsubChannelOf(this.prefix));
    })();
    return this.started;
  }

  /** Listens to live events of a channel; returns the function that stops listening. */
  async listen(channel: PushChannel, listener: Listener): Promise<() => void> {
    await this.start();
    const key = channelKey(channel);
    const set = this.listeners.get(key) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(key, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  /** Events after `lastId` still kept in the channel's stream, oldest first. */
  async replay(channel: PushChannel, lastId: string): Promise<DeliveredEvent[]> {
    const entries = await this.reader.xrange(
      streamKeyOf(this.prefix, channelKey(channel)),
      `(${lastId}`,
      '+',
      'COUNT',
      2000,
    );
    return entries.map(([id, fields]) => ({ id, event: JSON.parse(fields[fields.indexOf('e') + 1]) as PushEvent }));
  }
}

/** Stream ids compare as "<ms>-<seq>". */
export function streamIdAfter(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am > bm || (am === bm && as > bs);
}

export const STREAM_ID = /^\d{1,16}-\d{1,10}$/;
