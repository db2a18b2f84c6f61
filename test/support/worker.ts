import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { testEnv } from './env';
import { LogCapture } from './log-capture';

export interface TestWorker {
  app: INestApplicationContext;
  logs: LogCapture;
  close(): Promise<void>;
}

/** The real worker (in-process) on the run's Postgres and Redis. */
export async function startTestWorker(overrides: Record<string, string> = {}): Promise<TestWorker> {
  const logs = new LogCapture();
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(testEnv({ LOG_LEVEL: 'info', ...overrides }), { logStream: logs }),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  await app.init();
  return { app, logs, close: () => app.close() };
}
