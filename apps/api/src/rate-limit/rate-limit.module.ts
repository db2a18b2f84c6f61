import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '@labkeys/config';
import { ApiRedis } from '../common/api-redis';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** @nestjs/throttler over Redis: the api-wide limit (a guard) and the failed-authentication counters. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, ApiRedis],
      useFactory: (config: AppConfig, redis: ApiRedis) => ({
        throttlers: [{ name: 'api', ttl: 60_000, limit: config.apiRateLimitPerMinute }],
        storage: new RedisThrottlerStorage(redis),
      }),
    }),
  ],
  providers: [AuthFailureLimiter],
  exports: [AuthFailureLimiter],
})
export class RateLimitModule {}
