import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { runMigrations } from '../../libs/database/src/migrations/migration-runner';

/**
 * What the tests' global setup and the benchmarks share: Postgres and Redis through scripts/services.sh,
 * a fresh migrated database per run, and cleaning a run's queue keys. Relative imports only: Jest's global
 * setup does not resolve path aliases.
 */
const ROOT = join(__dirname, '..', '..');
const SERVICES = join(ROOT.endsWith('dist') ? join(ROOT, '..') : ROOT, 'scripts/services.sh');

/** Starts (or reuses) Postgres and Redis; the URLs to reach them. */
export function startLocalServices(): { databaseUrl: string; redisUrl: string } {
  const out = execFileSync('bash', [SERVICES, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const vars = Object.fromEntries(
    out
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { databaseUrl: vars.DATABASE_URL, redisUrl: vars.REDIS_URL };
}

export interface FreshDatabase {
  name: string;
  url: string;
  /** The server's `postgres` database, for creating and dropping others. */
  adminUrl: string;
  drop(): Promise<void>;
}

/** A new database beside the one `serverUrl` names, with every migration applied. */
export async function createMigratedDatabase(serverUrl: string, name: string): Promise<FreshDatabase> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const adminUrl = admin.toString();
  await withPg(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return { name, url: url.toString(), adminUrl, drop: () => dropDatabase(adminUrl, name) };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withPg(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function withPg<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Deletes every key of one queue prefix (a test run's or a benchmark's). */
export async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
