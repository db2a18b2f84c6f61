import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@labkeys/config';

// One fixed one-second window per AWS account, shared by every worker.
const RESERVE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
return n`;

export const WORKER_REDIS = Symbol('WORKER_REDIS');

type PacedRedis = Redis & { labkeysStsReserve(key: string): Promise<number> };

/**
 * Paces AssumeRole per AWS account (AWS publishes no per-account rate, so it
 * is configurable). `reserve` answers 0 when the call may go now, or how many
 * ms to wait; the job is then delayed, not held in a worker slot.
 */
@Injectable()
export class StsPacer {
  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    if (!('labkeysStsReserve' in redis)) redis.defineCommand('labkeysStsReserve', { numberOfKeys: 1, lua: RESERVE });
  }

  async reserve(accountId: string): Promise<number> {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    const key = `${this.config.queuePrefix}:sts-pace:${accountId}:${second}`;
    // A defined command runs by EVALSHA: the script text is not resent with every job.
    const count = Number(await (this.redis as unknown as PacedRedis).labkeysStsReserve(key));
    if (count <= this.config.stsCallsPerSecondPerAccount) return 0;
    // Spread the overflow across the next windows instead of stampeding the next one.
    const windowsAhead = Math.floor((count - 1) / this.config.stsCallsPerSecondPerAccount);
    return (second + windowsAhead) * 1000 - now + Math.floor(Math.random() * 100);
  }
}
