import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@labkeys/config';
import { PushSubscriber, type DeliveredEvent, type PushChannel } from '@labkeys/push';
import { redisOptionsFromUrl } from '@labkeys/queues';
import { StreamSlots } from './stream-slots';

/** The api process's one subscription to push events, shared by all its open streams. */
@Injectable()
export class PushHub implements OnModuleDestroy {
  private readonly subscriberConnection: Redis;
  private readonly readerConnection: Redis;
  private readonly subscriber: PushSubscriber;

  readonly maxBufferedBytes: number;
  readonly maxStreamsPerToken: number;

  constructor(
    config: AppConfig,
    readonly slots: StreamSlots,
  ) {
    this.maxBufferedBytes = config.sseMaxBufferedBytes;
    this.maxStreamsPerToken = config.sseMaxStreamsPerToken;
    // Subscribers re-subscribe by themselves after a reconnect.
    this.subscriberConnection = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      maxRetriesPerRequest: null,
      connectionName: 'labkeys-push-sub',
    });
    this.readerConnection = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      maxRetriesPerRequest: 1,
      connectionName: 'labkeys-push-read',
    });
    for (const connection of [this.subscriberConnection, this.readerConnection])
      connection.on('error', () => undefined);
    this.subscriber = new PushSubscriber(this.subscriberConnection, this.readerConnection, config.queuePrefix);
  }

  listen(channel: PushChannel, listener: (delivered: DeliveredEvent) => void): Promise<() => void> {
    return this.subscriber.listen(channel, listener);
  }

  replay(channel: PushChannel, lastId: string): Promise<DeliveredEvent[]> {
    return this.subscriber.replay(channel, lastId);
  }

  private readonly openStreams = new Set<() => void>();

  /** Streams open in this process. */
  get openStreamCount(): number {
    return this.openStreams.size;
  }

  /** Registers an open stream so shutdown can end it (open streams would hold the server open). */
  track(end: () => void): () => void {
    this.openStreams.add(end);
    return () => void this.openStreams.delete(end);
  }

  onModuleDestroy(): void {
    for (const end of [...this.openStreams]) end();
    this.subscriberConnection.disconnect();
    this.readerConnection.disconnect();
  }
}
