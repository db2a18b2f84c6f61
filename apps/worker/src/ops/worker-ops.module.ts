import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { SystemMetricsSources } from '@labkeys/metrics';
import { JOB_CORRELATION } from '@labkeys/queues';
import { currentJobRequestId, setJobLogger } from './job-context';

/** Hands the worker's pino logger to the job context, which logs each job through a child of it. */
@Injectable()
class JobLoggerBinding implements OnModuleInit {
  constructor(private readonly logger: PinoLogger) {}

  onModuleInit(): void {
    setJobLogger(this.logger.logger);
  }
}

/** Operations wiring of the worker: metric sources, job log context, and the request id jobs pass on. */
@Global()
@Module({
  providers: [SystemMetricsSources, JobLoggerBinding, { provide: JOB_CORRELATION, useValue: currentJobRequestId }],
  exports: [JOB_CORRELATION],
})
export class WorkerOpsModule {}
