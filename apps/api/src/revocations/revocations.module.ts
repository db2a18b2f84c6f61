import { Module } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { RevocationRequestsService } from '@labkeys/core';
import { PushPublisher } from '@labkeys/push';
import { ApiRedis } from '../common/api-redis';
import { RevocationsController } from './revocations.controller';

@Module({
  controllers: [RevocationsController],
  providers: [
    RevocationRequestsService,
    // Sessions ended at once (never issued) are told from here; the worker tells the rest.
    { provide: PushPublisher, useFactory: (redis: ApiRedis, config: AppConfig) => new PushPublisher(redis.client, config.queuePrefix, config.pushStreamTtlSeconds), inject: [ApiRedis, AppConfig] },
  ],
  // Unenrolling, archiving a course and deleting a student end access through the same revocation path.
  exports: [RevocationRequestsService],
})
export class RevocationsModule {}
