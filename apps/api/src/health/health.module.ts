import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthCheck } from './health-check.service';
import { HealthController } from './health.controller';
import { RedisProbe } from './redis-probe.service';
import { StoreIndicators } from './store-indicators';

@Module({
  // The answers say what is down; a log line per failed check would repeat every second of an outage.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RedisProbe, StoreIndicators, HealthCheck],
})
export class HealthModule {}
