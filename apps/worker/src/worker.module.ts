import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AwsModule } from '@labkeys/aws';
import { AppConfig, ConfigModule, type EnvSchema } from '@labkeys/config';
import { AccessLinkSecrets, AuditWriter, CallerIdentityCache, LabContextCache, LabSessionsService, RevocationRequestsService, SessionSecrets, SystemAuditWriter } from '@labkeys/core';
import { DatabaseModule } from '@labkeys/database';
import { baseLoggerOptions } from '@labkeys/logging';
import { MailSender } from '@labkeys/mail';
import { OidcModule } from '@labkeys/oidc';
import { PushPublisher } from '@labkeys/push';
import { QueuesModule, workerRedisOptions } from '@labkeys/queues';
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

import { StsPacer, WORKER_REDIS } from './issuance/sts-pacer';
import { WorkerOpsModule } from './ops/worker-ops.module';
import type { CatalogueProcessor } from './processors/catalogue.processor';
import { QUEUE_PROCESSORS } from './processors/queue.processors';
import { WorkerDrain } from './processors/worker-drain';
import { RevocationApplier } from './revocation/revocation-applier';
import { SweepScheduler } from './scheduling/sweep-scheduler';

/** Every job handler of the worker; checked against the catalogue before boot. */
export const WORKER_JOB_HANDLERS: readonly JobHandlerClass[] = [IssueSessionHandler, ExpireSessionHandler, RenewSessionHandler, StartLabHandler, SweepHandler, EndLabHandler, ApplyRevocationsHandler, SendAccessLinkHandler];

// Closed in the last phase, after WorkerDrain: the pacer and push publisher of running jobs use it.
class RedisCloser implements OnApplicationShutdown {
  constructor(private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({})
export class WorkerModule {
  static forRoot(env: EnvSchema, options: { logStream?: DestinationStream; handlers?: readonly JobHandlerClass[] } = {}): DynamicModule {
    const handlers = options.handlers ?? WORKER_JOB_HANDLERS;
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRoot({ pinoHttp: [baseLoggerOptions(env.LOG_LEVEL, 'worker'), options.logStream ?? process.stdout] }),
        DatabaseModule,
        QueuesModule.forRoot(env, 'worker'),
        // Signs the web identity tokens of issuance and revocation.
        OidcModule,
        // BullMQ owns retries (backoff, jitter, pacing): one SDK attempt per job attempt.
        AwsModule.forRoot({ maxAttempts: 1, requestTimeoutMs: 10_000 }),
        WorkerOpsModule,
      ],
      providers: [
        ...handlers,
        ...Object.values(QUEUE_PROCESSORS),
        { provide: WorkerDrain, inject: [AppConfig, ...Object.values(QUEUE_PROCESSORS)], useFactory: (config: AppConfig, ...processors: CatalogueProcessor[]) => new WorkerDrain(processors, config) },
        SweepScheduler,
        SessionSecrets,
        AccessLinkSecrets,
        MailSender,
        LabSessionsService,
        RevocationRequestsService,
        RevocationApplier,
        CallerIdentityCache,
        LabContextCache,
        { provide: AuditWriter, useClass: SystemAuditWriter },
        { provide: WORKER_REDIS, useFactory: (config: AppConfig) => new Redis(workerRedisOptions(config.redisUrl)), inject: [AppConfig] },
        { provide: RedisCloser, useFactory: (redis: Redis) => new RedisCloser(redis), inject: [WORKER_REDIS] },
        { provide: StsPacer, useFactory: (redis: Redis, config: AppConfig) => new StsPacer(redis, config), inject: [WORKER_REDIS, AppConfig] },
        { provide: PushPublisher, useFactory: (redis: Redis, config: AppConfig) => new PushPublisher(redis, config.queuePrefix, config.pushStreamTtlSeconds), inject: [WORKER_REDIS, AppConfig] },
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
