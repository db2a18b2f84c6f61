import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@labkeys/config';
import { producerRedisOptions } from '@labkeys/queues';

/**
 * The api's own Redis connection (health, rate limits). It never queues
 * commands while Redis is away, so callers learn at once, and it keeps
 * reconnecting in the background.
 */
@Injectable()
export class ApiRedis implements OnModuleDestroy {
  readonly client: Redis;

  constructor(config: AppConfig) {
    this.client = new Redis({ ...producerRedisOptions(config.redisUrl), connectionName: 'labkeys-api' });
    // Errors surface through commands; an unhandled 'error' event would end the process.
    this.client.on('error', () => undefined);
  }

  /** Waits for the connection to be ready (up to the caller's timeout) before running a command. */
  async ready(): Promise<Redis> {
    if (this.client.status !== 'ready') await new Promise<void>((resolve) => this.client.once('ready', resolve));
    return this.client;
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
