import { loadEnvOrExit } from '@labkeys/config';
import { MigrationError, runMigrations } from './migrations/migration-runner';

async function main(): Promise<void> {
  const env = loadEnvOrExit('migrate');
  const result = await runMigrations(env.DATABASE_URL, {
    log: (line) => console.log(line),
    lockTimeoutMs: env.MIGRATION_LOCK_TIMEOUT_MS,
  });
  console.log(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
}

main().catch((error: unknown) => {
  console.error(error instanceof MigrationError ? `migrate: ${error.message}` : error);
  process.exit(1);
});
