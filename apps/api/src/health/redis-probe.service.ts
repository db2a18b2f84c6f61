import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@labkeys/config';
import { withTimeout } from '@labkeys/database';
import { producerRedisOptions } from '@labkeys/queues';

/**
 * A connection used only to answer /health. It never queues commands while
 * Redis is away (so a check fails at once) and keeps reconnecting in the
 * background, so health turns green again without restarting the api.
 */
@Injectable()
export class RedisProbe implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(config: AppConfig) {
    this.client = new Redis({ ...producerRedisOptions(config.redisUrl), lazyConnect: false, connectionName: 'labkeys-health' });
    // Connection errors surface through ping(); an unhandled 'error' event would crash the process.
    this.client.on('error', () => undefined);
  }

  async ping(timeoutMs = 2000): Promise<void> {
    const answer = await withTimeout(this.readyThenPing(), timeoutMs, 'redis ping timed out');
    if (answer !== 'PONG') throw new Error(`unexpected redis answer ${answer}`);
  }

  private async readyThenPing(): Promise<string> {
    // Between reconnect attempts the client refuses commands at once; give it
    // the rest of the timeout to come back before calling Redis down.
    if (this.client.status !== 'ready') await new Promise<void>((resolve) => this.client.once('ready', resolve));
    return this.client.ping();
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
