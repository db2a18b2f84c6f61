import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ConfigModule, type EnvSchema } from '@labkeys/config';
import { DatabaseModule } from '@labkeys/database';
import { httpLoggerOptions } from '@labkeys/logging';
import { HealthModule } from './health/health.module';

export interface ApiModuleOptions {
  /** Where JSON log lines go (stdout when omitted); tests pass a capture stream. */
  logStream?: DestinationStream;
}

@Module({})
export class ApiModule {
  static forRoot(env: EnvSchema, options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRoot({ pinoHttp: httpLoggerOptions(env.LOG_LEVEL, options.logStream) }),
        DatabaseModule,
        HealthModule,
      ],
    };
  }
}
