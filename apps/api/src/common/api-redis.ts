import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@labkeys/config';
import { producerRedisOptions } from '@labkeys/queues';

/**
 * The api's own Redis connection (health, rate limits). It never queues
 * commands while Redis is away, so callers learn at once, and it keeps
 * reconnecting in the background.
 */
@Injectable()
export class ApiRedis implements OnApplicationShutdown {
  readonly client: Redis;
  /** One pending wait shared by every caller, so an outage adds one 'ready' listener, not one per request. */
  private readyWait?: Promise<Redis>;

  constructor(config: AppConfig) {
    this.client = new Redis({ ...producerRedisOptions(config.redisUrl), connectionName: 'labkeys-api' });
    // Errors surface through commands; an unhandled 'error' event would end the process.
    this.client.on('error', () => undefined);
  }

  /** Waits for the connection to be ready (callers bound the wait with their own timeout) before running a command. */
  ready(): Promise<Redis> {
    if (this.client.status === 'ready') return Promise.resolve(this.client);
    this.readyWait ??= new Promise<Redis>((resolve) => {
      this.client.once('ready', () => {
        this.readyWait = undefined;
        resolve(this.client);
      });
    });
    return this.readyWait;
  }

  /** Last shutdown phase: requests still finishing during the drain use this connection (rate limits). */
  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
