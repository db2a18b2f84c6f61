import 'reflect-metadata';
import { loadEnvOrExit } from '@labkeys/config';
import { runMigrations } from '@labkeys/database';
import { installProcessHandlers } from '@labkeys/logging';
import { enableProcessMetrics } from '@labkeys/metrics';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const env = loadEnvOrExit('api');
  installProcessHandlers('api', env.LOG_LEVEL);
  enableProcessMetrics();
  if (env.MIGRATE_ON_START) await runMigrations(env.DATABASE_URL, { lockTimeoutMs: env.MIGRATION_LOCK_TIMEOUT_MS });
  const app = await createApiApp(env);
  await app.listen(env.API_PORT, env.API_HOST);
  // Backstop: whatever still runs when the bound passes, the process ends (non-zero, so it shows).
  const forceExit = () => setTimeout(() => process.exit(1), env.SHUTDOWN_TIMEOUT_MS).unref();
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
}

main().catch((error: unknown) => {
  process.stderr.write(`api: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
