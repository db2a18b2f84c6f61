import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
// Global setup is not resolved through Jest's module map, so no path aliases here.
import { runMigrations } from '../libs/database/src/migrations/migration-runner';

const ROOT = join(__dirname, '..');

/**
 * Starts (or reuses) Postgres and Redis through the project's own script,
 * creates a fresh database for this run and migrates it. Test files read the
 * resulting DATABASE_URL / REDIS_URL / QUEUE_PREFIX from the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (scripts/test.sh does it for you)');
  }
  const out = execFileSync('bash', [join(ROOT, 'scripts/services.sh'), 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const vars = Object.fromEntries(
    out
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const runId = `${Date.now().toString(36)}${process.pid}`;
  const adminUrl = new URL(vars.DATABASE_URL);
  const database = `labkeys_e2e_${runId}`;
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const testUrl = new URL(vars.DATABASE_URL);
  testUrl.pathname = `/${database}`;
  await runMigrations(testUrl.toString());

  process.env.LABKEYS_E2E_ADMIN_DATABASE_URL = adminUrl.toString();
  process.env.LABKEYS_E2E_DATABASE = database;
  process.env.DATABASE_URL = testUrl.toString();
  process.env.REDIS_URL = vars.REDIS_URL;
  process.env.QUEUE_PREFIX = `e2e${runId}`;
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
  process.env.NODE_ENV = 'test';
  process.env.MIGRATE_ON_START = 'false';
  // LabKeys' own AWS identity in tests: aws-local's default admin user (AWS's documented example key).
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}
