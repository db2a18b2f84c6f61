import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { defaultMigrationsDir, readMigrationFiles, type MigrationFile } from './migration-files';

/** The advisory lock key Prisma Migrate itself takes, so this runner and `prisma migrate deploy` exclude each other. */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Prisma Migrate's own bookkeeping table, created exactly as Prisma creates it.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrationOptions {
  dir?: string;
  log?: (line: string) => void;
  /** How long to wait for another process's migration lock (MIGRATION_LOCK_TIMEOUT_MS). */
  lockTimeoutMs?: number;
  /** lock_timeout of each migration's statements: DDL waiting on a busy table would queue every query behind it. */
  ddlLockTimeoutMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
const DEFAULT_DDL_LOCK_TIMEOUT_MS = 10_000;
const LOCK_POLL_MS = 200;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies committed SQL migrations without Prisma's native schema engine.
 * Several processes may call this at once: a session-level advisory lock
 * serialises them, and each migration runs in its own transaction together
 * with its bookkeeping row, so it is applied exactly once or not at all.
 */
export async function runMigrations(databaseUrl: string, options: MigrationOptions = {}): Promise<MigrationResult> {
  const files = readMigrationFiles(options.dir ?? defaultMigrationsDir());
  const log = options.log ?? (() => undefined);
  const client = new Client({
    connectionString: databaseUrl,
    application_name: 'labkeys-migrate',
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  await client.connect();
  try {
    await acquireLock(client, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      checkHistory(files, applied);
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const file of files) {
        if (applied.has(file.name)) {
          result.alreadyApplied.push(file.name);
          continue;
        }
        await applyOne(client, file, options.ddlLockTimeoutMs ?? DEFAULT_DDL_LOCK_TIMEOUT_MS);
        log(`applied migration ${file.name}`);
        result.applied.push(file.name);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

function checkHistory(files: MigrationFile[], applied: Map<string, AppliedRow>): void {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of applied.values()) {
    if (!row.finished_at) {
      throw new MigrationError(
        `migration ${row.migration_name} started but never finished; inspect the database and resolve it before starting`,
      );
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(
        `migration ${row.migration_name} is applied in the database but missing from prisma/migrations`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was modified after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk); restore the file and add a new migration instead`,
      );
    }
  }
}

/**
 * Polls pg_try_advisory_lock instead of blocking in pg_advisory_lock, so a process stuck holding the lock
 * (a hung deploy, an open psql) ends this one with a message naming it instead of a boot that never ends.
 */
async function acquireLock(client: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      PRISMA_ADVISORY_LOCK_KEY,
    ]);
    if (rows[0].locked) return;
    if (Date.now() >= deadline)
      throw new MigrationError(
        `the migration lock is still held after ${timeoutMs} ms by ${await describeLockHolder(client)}; end that session or raise MIGRATION_LOCK_TIMEOUT_MS`,
      );
    await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

async function describeLockHolder(client: Client): Promise<string> {
  // A bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
  const { rows } = await client.query<{
    pid: number;
    application_name: string;
    client_addr: string | null;
    state: string | null;
    backend_start: Date;
  }>(
    `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.state, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [PRISMA_ADVISORY_LOCK_KEY],
  );
  if (rows.length === 0) return `advisory lock ${PRISMA_ADVISORY_LOCK_KEY} (holder not visible to this user)`;
  const h = rows[0];
  return `advisory lock ${PRISMA_ADVISORY_LOCK_KEY} held by pid ${h.pid} (application "${h.application_name || 'unnamed'}", client ${h.client_addr ?? 'local socket'}, connected since ${h.backend_start.toISOString()}, ${h.state ?? 'state unknown'})`;
}

async function applyOne(client: Client, file: MigrationFile, ddlLockTimeoutMs: number): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = ${Math.floor(ddlLockTimeoutMs)}`);
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
      id,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const lockWait =
      (error as { code?: string }).code === '55P03'
        ? ` (a table it changes stayed locked by another session for over ${ddlLockTimeoutMs} ms; retry when it is free)`
        : '';
    throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}${lockWait}`);
  }
}
