import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { EnvSchema } from '@labkeys/config';
import { ALL_QUEUES } from './job-catalogue';
import { JOB_CORRELATION, type JobCorrelation } from './job-correlation';
import { JobProducer } from './job-producer';
import { QueueShutdown } from './queue-shutdown';
import { producerRedisOptions, workerRedisOptions } from './redis-connection';

/**
 * BullMQ wiring for one process. The worker's connections wait out Redis
 * restarts; the api's producer connections fail fast so a request never hangs.
 */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(env: EnvSchema, role: 'api' | 'worker'): DynamicModule {
    const connection =
      role === 'worker'
        ? workerRedisOptions(env.REDIS_URL)
        : { ...producerRedisOptions(env.REDIS_URL), enableOfflineQueue: true };
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRoot({ connection, prefix: env.QUEUE_PREFIX }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [
        {
          provide: JobProducer,
          inject: [{ token: JOB_CORRELATION, optional: true }, ...ALL_QUEUES.map((name) => getQueueToken(name))],
          useFactory: (correlation: JobCorrelation | undefined, ...queues: Queue[]) =>
            new JobProducer(queues, correlation),
        },
        {
          provide: QueueShutdown,
          inject: ALL_QUEUES.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => new QueueShutdown(queues),
        },
      ],
      exports: [BullModule, JobProducer],
    };
  }
}
