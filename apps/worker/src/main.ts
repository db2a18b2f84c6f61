import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadEnvOrExit } from '@labkeys/config';
import { runMigrations } from '@labkeys/database';
import { installProcessHandlers } from '@labkeys/logging';
import { enableProcessMetrics } from '@labkeys/metrics';
import { JOB_CATALOGUE } from '@labkeys/queues';
import { assertHandlersCoverCatalogue, WorkerBootError } from './dispatch/handler-coverage';
import { startWorkerHttp } from './ops/worker-http';
import { WORKER_JOB_HANDLERS, WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnvOrExit('worker');
  installProcessHandlers('worker', env.LOG_LEVEL);
  enableProcessMetrics();
  // Refuse to start before touching Redis or Postgres when a job has no handler or two.
  assertHandlersCoverCatalogue(JOB_CATALOGUE, WORKER_JOB_HANDLERS);
  if (env.MIGRATE_ON_START) await runMigrations(env.DATABASE_URL, { lockTimeoutMs: env.MIGRATION_LOCK_TIMEOUT_MS });
  // An application context running BullMQ processors; its only HTTP is the metrics and health listener.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGTERM/SIGINT: WorkerDrain stops taking jobs and lets running ones finish, then Redis and Postgres
  // close; the process then exits 0 (process.exit, so pino has flushed).
  app.enableShutdownHooks([], { useProcessExit: true });
  await startWorkerHttp(app, env);
  app.get(Logger).log('worker started');
  const forceExit = () => setTimeout(() => process.exit(1), env.SHUTDOWN_TIMEOUT_MS).unref();
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
}

main().catch((error: unknown) => {
  const message = error instanceof WorkerBootError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`worker: failed to start: ${message}\n`);
  process.exit(1);
});
