import { Global, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@labkeys/config';
import { PushPublisher } from '@labkeys/push';
import { producerRedisOptions, workerRedisOptions } from '@labkeys/queues';
import { AuditWriter } from './audit/audit-writer';
import { CallerIdentityCache } from './aws/caller-identity.cache';
import { LabContextCache } from './labs/lab-context.cache';
import { LabSessionsService } from './labs/lab-sessions.service';
import { RevocationRequestsService } from './revocation/revocation-requests.service';
import { AccessLinkSecrets } from './sealing/access-link-secrets';
import { SessionSecrets } from './sealing/session-secrets';

/**
 * The process's one Redis connection for push events (the worker's STS pacer shares it). The api's fails
 * fast like its producers, so a request never waits on an absent Redis; the worker's rides out restarts.
 */
export const CORE_REDIS = Symbol('CORE_REDIS');

export interface CoreModuleOptions {
  role: 'api' | 'worker';
  /** Who records audit events: the api's writer names the request's actor, the worker's the system. */
  auditWriter: Type<AuditWriter>;
}

/** The use cases shared by the api and the worker. */
const USE_CASES = [
  LabSessionsService,
  RevocationRequestsService,
  SessionSecrets,
  AccessLinkSecrets,
  CallerIdentityCache,
  LabContextCache,
];

// Closed in the last shutdown phase: jobs and requests still finishing before it publish through it.
class CoreRedisCloser implements OnApplicationShutdown {
  constructor(private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function coreRedis(role: CoreModuleOptions['role'], config: AppConfig): Redis {
  const options = role === 'worker' ? workerRedisOptions(config.redisUrl) : producerRedisOptions(config.redisUrl);
  const redis = new Redis({ ...options, connectionName: `labkeys-${role}-core` });
  // Failures surface through the commands; an unhandled 'error' event would only be printed.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Provides and exports the use cases of libs/core, with their push publisher and audit writer bound once.
 * Global: every feature module of the api and every handler of the worker injects them. Needs the config,
 * database and queues modules, and the AWS gateways (global), of the importing process.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        ...USE_CASES,
        options.auditWriter,
        { provide: AuditWriter, useExisting: options.auditWriter },
        {
          provide: CORE_REDIS,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => coreRedis(options.role, config),
        },
        { provide: CoreRedisCloser, inject: [CORE_REDIS], useFactory: (redis: Redis) => new CoreRedisCloser(redis) },
        {
          provide: PushPublisher,
          inject: [CORE_REDIS, AppConfig],
          useFactory: (redis: Redis, config: AppConfig) =>
            new PushPublisher(redis, config.queuePrefix, config.pushStreamTtlSeconds),
        },
      ],
      exports: [...USE_CASES, options.auditWriter, AuditWriter, PushPublisher, CORE_REDIS],
    };
  }
}
