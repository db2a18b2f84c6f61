import { existsSync } from 'node:fs';
import { join } from 'node:path';
// Global setup is not resolved through Jest's module map, so no path aliases here.
import { createMigratedDatabase, startLocalServices, withPg } from '../scripts/support/local-services';

const ROOT = join(__dirname, '..');

/**
 * Starts (or reuses) Postgres and Redis through the project's own script,
 * creates a fresh database for this run and migrates it. Test files read the
 * resulting DATABASE_URL / REDIS_URL / QUEUE_PREFIX from the environment.
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (scripts/test.sh does it for you)');
  }
  const services = startLocalServices();
  const runId = `${Date.now().toString(36)}${process.pid}`;
  const database = await createMigratedDatabase(services.databaseUrl, `labkeys_e2e_${runId}`);
  // One database per Jest worker (copies of the migrated one): a worker's sweep works on every tenant of its
  // database but announces on its own queue prefix, so two files running at once must not share one.
  const names = [database.name];
  for (let worker = 2; worker <= globalConfig.maxWorkers; worker++) {
    const name = `${database.name}_w${worker}`;
    await withPg(database.adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${database.name}"`));
    names.push(name);
  }

  process.env.LABKEYS_E2E_ADMIN_DATABASE_URL = database.adminUrl;
  process.env.LABKEYS_E2E_DATABASE = database.name;
  process.env.LABKEYS_E2E_DATABASES = names.join(',');
  process.env.DATABASE_URL = database.url;
  process.env.REDIS_URL = services.redisUrl;
  process.env.QUEUE_PREFIX = `e2e${runId}`;
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
  process.env.NODE_ENV = 'test';
  process.env.MIGRATE_ON_START = 'false';
  // Workers started as processes listen for metrics and health on a free port each (logged at boot).
  process.env.WORKER_HTTP_PORT = '0';
  // LabKeys' own AWS identity in tests: aws-local's default admin user (AWS's documented example key).
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}
