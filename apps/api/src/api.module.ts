import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ConfigModule, type EnvSchema } from '@labkeys/config';
import { AwsModule } from '@labkeys/aws';
import { CoreModule } from '@labkeys/core';
import { DatabaseModule } from '@labkeys/database';
import { OidcModule } from '@labkeys/oidc';
import { QueuesModule } from '@labkeys/queues';
import { httpLoggerOptions } from '@labkeys/logging';
import { AuditModule } from './audit/audit.module';
import { AuditService } from './audit/audit.service';
import { AuthGuard } from './auth/auth.guard';
import { CommonModule } from './common/common.module';
import { HttpDrain } from './common/http-drain';
import { ConnectionsModule } from './connections/connections.module';
import { CoursesModule } from './courses/courses.module';
import { RequestContextMiddleware } from './common/request-context.middleware';
import { EnrollmentsModule } from './enrollments/enrollments.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { PushModule } from './push/push.module';
import { InstructorsModule } from './instructors/instructors.module';
import { LabsModule } from './labs/labs.module';
import { MeModule } from './me/me.module';
import { SsoModule } from './sso/sso.module';
import { ApiThrottlerGuard } from './rate-limit/api-throttler.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { StudentsModule } from './students/students.module';
import { TemplatesModule } from './templates/templates.module';
import { OidcRoutesModule } from './oidc/oidc.module';
import { ApiOpsModule } from './ops/api-ops.module';

export interface ApiModuleOptions {
  /** Where JSON log lines go (stdout when omitted); tests pass a capture stream. */
  logStream?: DestinationStream;
  /** Where the built dashboard is (default apps/web/dist; see web/web-app.ts). */
  webDistDir?: string;
}

/** Feature modules of the instructor and student API. */
export const FEATURE_MODULES = [
  HealthModule,
  InstructorsModule,
  AuditModule,
  MeModule,
  CoursesModule,
  StudentsModule,
  EnrollmentsModule,
  ConnectionsModule,
  TemplatesModule,
  LabsModule,
  OidcRoutesModule,
  IdentityModule,
  SsoModule,
];

@Module({})
export class ApiModule implements NestModule {
  static forRoot(env: EnvSchema, options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRoot({ pinoHttp: httpLoggerOptions(env.LOG_LEVEL, options.logStream) }),
        DatabaseModule,
        QueuesModule.forRoot(env, 'api'),
        // LabKeys' OIDC issuer: the JWKS it serves and the web identity tokens verify signs.
        OidcModule,
        // One set of AWS clients (keep-alive pool) for the whole api.
        { ...AwsModule.forRoot(), global: true },
        // The shared use cases; audit events name the request's actor.
        CoreModule.forRoot({ role: 'api', auditWriter: AuditService }),
        CommonModule,
        RateLimitModule,
        PushModule,
        ApiOpsModule,
        ...FEATURE_MODULES,
      ],
      providers: [
        // In the root module so its shutdown hooks run before every feature module's (see HttpDrain).
        HttpDrain,
        // Order matters: the api-wide rate limit runs before authentication.
        { provide: APP_GUARD, useClass: ApiThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
