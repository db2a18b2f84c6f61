import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, type EnvSchema } from '@labkeys/config';
import { DatabaseModule } from '@labkeys/database';
import { baseLoggerOptions } from '@labkeys/logging';
import { ALL_QUEUES, workerRedisOptions } from '@labkeys/queues';
import { JobDispatcher } from './dispatch/job-dispatcher';
import type { JobHandler, JobHandlerClass } from './dispatch/job-handler';
import { SweepHandler } from './handlers/sweep.handler';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { SweepScheduler } from './scheduling/sweep-scheduler';

/** Every job handler of the worker; checked against the catalogue before boot. */
export const WORKER_JOB_HANDLERS: readonly JobHandlerClass[] = [SweepHandler];

const PROCESSORS = [MaintenanceProcessor];

@Module({})
export class WorkerModule {
  static forRoot(env: EnvSchema, handlers: readonly JobHandlerClass[] = WORKER_JOB_HANDLERS): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRoot({ pinoHttp: baseLoggerOptions(env.LOG_LEVEL, 'worker') }),
        DatabaseModule,
        BullModule.forRoot({ connection: workerRedisOptions(env.REDIS_URL), prefix: env.QUEUE_PREFIX }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [
        ...handlers,
        ...PROCESSORS,
        SweepScheduler,
        {
          provide: JobDispatcher,
          // Injecting the handlers makes Nest construct them before the dispatcher.
          inject: [...handlers],
          useFactory: (...instances: JobHandler[]) => new JobDispatcher(handlers, instances),
        },
      ],
    };
  }
}
