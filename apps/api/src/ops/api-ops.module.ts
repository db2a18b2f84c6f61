import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { redisReading, setMetricSource, SystemMetricsSources } from '@labkeys/metrics';
import { JOB_CORRELATION, type JobCorrelation } from '@labkeys/queues';
import { ApiRedis } from '../common/api-redis';
import { currentRequestContext } from '../common/request-context';
import { PushHub } from '../push/push-hub';

/** The api's own scrape-time figures: its open streams and its Redis connection. */
@Injectable()
class ApiMetricsSources implements OnModuleInit {
  constructor(
    private readonly hub: PushHub,
    private readonly redis: ApiRedis,
  ) {}

  onModuleInit(): void {
    setMetricSource('sseStreams', () => this.hub.openStreamCount);
    setMetricSource('redis', redisReading(this.redis.client));
  }
}

/** Jobs a request enqueues carry its request id (the X-Request-Id answered to the caller). */
const requestCorrelation: JobCorrelation = () => currentRequestContext().requestId;

/** Operations wiring of the api: metric sources and request correlation of queued jobs. */
@Global()
@Module({
  providers: [SystemMetricsSources, ApiMetricsSources, { provide: JOB_CORRELATION, useValue: requestCorrelation }],
  exports: [JOB_CORRELATION],
})
export class ApiOpsModule {}
