import { Module, type DynamicModule } from '@nestjs/common';
import type Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AwsModule } from '@labkeys/aws';
import { AppConfig, ConfigModule, type EnvSchema } from '@labkeys/config';
import { CORE_REDIS, CoreModule, SystemAuditWriter } from '@labkeys/core';
import { DatabaseModule } from '@labkeys/database';
import { baseLoggerOptions } from '@labkeys/logging';
import { MailSender } from '@labkeys/mail';
import { OidcModule } from '@labkeys/oidc';
import { QueuesModule } from '@labkeys/queues';
import { JobDispatcher } from './dispatch/job-dispatcher';
import type { JobHandler, JobHandlerClass } from './dispatch/job-handler';
import { ApplyRevocationsHandler } from './handlers/apply-revocations.handler';
import { EndLabHandler } from './handlers/end-lab.handler';
import { ExpireSessionHandler } from './handlers/expire-session.handler';
import { IssueSessionHandler } from './handlers/issue-session.handler';
import { RenewSessionHandler } from './handlers/renew-session.handler';
import { SendAccessLinkHandler } from './handlers/send-access-link.handler';
import { StartLabHandler } from './handlers/start-lab.handler';
import { SweepHandler } from './handlers/sweep.handler';

import { StsPacer } from './issuance/sts-pacer';
import { WorkerOpsModule } from './ops/worker-ops.module';
import type { CatalogueProcessor } from './processors/catalogue.processor';
import { QUEUE_PROCESSORS } from './processors/queue.processors';
import { WorkerDrain } from './processors/worker-drain';
import { RevocationApplier } from './revocation/revocation-applier';
import { SweepScheduler } from './scheduling/sweep-scheduler';

/** Every job handler of the worker; checked against the catalogue before boot. */
export const WORKER_JOB_HANDLERS: readonly JobHandlerClass[] = [
  IssueSessionHandler,
  ExpireSessionHandler,
  RenewSessionHandler,
  StartLabHandler,
  SweepHandler,
  EndLabHandler,
  ApplyRevocationsHandler,
  SendAccessLinkHandler,
];

@Module({})
export class WorkerModule {
  static forRoot(
    env: EnvSchema,
    options: { logStream?: DestinationStream; handlers?: readonly JobHandlerClass[] } = {},
  ): DynamicModule {
    const handlers = options.handlers ?? WORKER_JOB_HANDLERS;
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRoot({
          pinoHttp: [baseLoggerOptions(env.LOG_LEVEL, 'worker'), options.logStream ?? process.stdout],
        }),
        DatabaseModule,
        QueuesModule.forRoot(env, 'worker'),
        // Signs the web identity tokens of issuance and revocation.
        OidcModule,
        // BullMQ owns retries (backoff, jitter, pacing): one SDK attempt per job attempt. Global: the core use cases use it.
        { ...AwsModule.forRoot({ maxAttempts: 1, requestTimeoutMs: 10_000 }), global: true },
        CoreModule.forRoot({ role: 'worker', auditWriter: SystemAuditWriter }),
        WorkerOpsModule,
      ],
      providers: [
        ...handlers,
        ...QUEUE_PROCESSORS,
        {
          provide: WorkerDrain,
          inject: [AppConfig, ...QUEUE_PROCESSORS],
          useFactory: (config: AppConfig, ...processors: CatalogueProcessor[]) => new WorkerDrain(processors, config),
        },
        SweepScheduler,
        MailSender,
        RevocationApplier,
        {
          provide: StsPacer,
          useFactory: (redis: Redis, config: AppConfig) => new StsPacer(redis, config),
          inject: [CORE_REDIS, AppConfig],
        },
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
