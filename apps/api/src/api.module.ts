import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ConfigModule, type EnvSchema } from '@labkeys/config';
import { DatabaseModule } from '@labkeys/database';
import { httpLoggerOptions } from '@labkeys/logging';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { CommonModule } from './common/common.module';
import { RequestContextMiddleware } from './common/request-context.middleware';
import { HealthModule } from './health/health.module';
import { InstructorsModule } from './instructors/instructors.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';

export interface ApiModuleOptions {
  /** Where JSON log lines go (stdout when omitted); tests pass a capture stream. */
  logStream?: DestinationStream;
}

/** Feature modules of the instructor and student API. */
export const FEATURE_MODULES = [HealthModule, InstructorsModule, AuditModule];

@Module({})
export class ApiModule implements NestModule {
  static forRoot(env: EnvSchema, options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRoot({ pinoHttp: httpLoggerOptions(env.LOG_LEVEL, options.logStream) }),
        DatabaseModule,
        CommonModule,
        ...FEATURE_MODULES,
      ],
      providers: [
        // Order matters: the api-wide rate limit runs before authentication.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
