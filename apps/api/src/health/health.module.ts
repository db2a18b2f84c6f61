import { Module } from '@nestjs/common';
import { HealthCheck } from './health-check.service';
import { HealthController } from './health.controller';
import { RedisProbe } from './redis-probe.service';

@Module({
  controllers: [HealthController],
  providers: [RedisProbe, HealthCheck],
})
export class HealthModule {}
