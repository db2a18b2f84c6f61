import { Injectable } from '@nestjs/common';
import { withTimeout } from '@labkeys/database';
import { ApiRedis } from '../common/api-redis';

/** Redis liveness for /health: a PING bounded by a timeout. */
@Injectable()
export class RedisProbe {
  constructor(private readonly redis: ApiRedis) {}

  async ping(timeoutMs = 2000): Promise<void> {
    // Typed as a string: the check below is for a server that answers anything else.
    const answer: string = await withTimeout(
      this.redis.ready().then((client) => client.ping()),
      timeoutMs,
      'redis ping timed out',
    );
    if (answer !== 'PONG') throw new Error(`unexpected redis answer ${answer}`);
  }
}
