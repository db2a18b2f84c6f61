import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppConfig } from '@labkeys/config';
import { defaultMigrationsDir, MigrationError, PrismaService, runMigrations } from '@labkeys/database';
import { createScratchDatabase, withClient } from '../support/database';
import { testEnv } from '../support/env';

async function elapsed<T>(work: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = Date.now();
  const [result] = await Promise.allSettled([work]);
  return { ms: Date.now() - started, result };
}

describe('database timeouts', () => {
  let db: { url: string; drop: () => Promise<void> };

  beforeEach(async () => {
    db = await createScratchDatabase('tmo');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('the pool ends any statement running past DATABASE_STATEMENT_TIMEOUT_MS', async () => {
    const prisma = new PrismaService(
      new AppConfig(testEnv({ DATABASE_URL: db.url, DATABASE_STATEMENT_TIMEOUT_MS: '300' })),
    );
    try {
      const [{ statement_timeout }] =
        await prisma.$queryRawUnsafe<{ statement_timeout: string }[]>('SHOW statement_timeout');
      expect(statement_timeout).toBe('300ms');
      const slow = await elapsed(prisma.$queryRawUnsafe('SELECT pg_sleep(5)'));
      expect(slow.result.status).toBe('rejected');
      expect(String((slow.result as PromiseRejectedResult).reason)).toMatch(/statement timeout/);
      expect(slow.ms).toBeLessThan(3000);
      // The pool goes on serving after the cancelled statement.
      await expect(prisma.$queryRawUnsafe('SELECT 1')).resolves.toBeDefined();
    } finally {
      await prisma.$disconnect();
    }
  });

  it('migrations waiting on a held migration lock give up after MIGRATION_LOCK_TIMEOUT_MS, naming the holder', async () => {
    const holder = new Client({ connectionString: db.url, application_name: 'stuck-deploy' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72707369)');
      const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const blocked = await elapsed(runMigrations(db.url, { lockTimeoutMs: 500 }));
      expect(blocked.result.status).toBe('rejected');
      const error = (blocked.result as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(MigrationError);
      expect(error.message).toMatch(
        new RegExp(
          `migration lock is still held after 500 ms by advisory lock 72707369 held by pid ${rows[0].pid} \\(application "stuck-deploy"`,
        ),
      );
      expect(error.message).toContain('MIGRATION_LOCK_TIMEOUT_MS');
      expect(blocked.ms).toBeLessThan(3000);
    } finally {
      await holder.end();
    }
    // Once the holder is gone, the same call applies everything.
    await expect(runMigrations(db.url, { lockTimeoutMs: 500 })).resolves.toMatchObject({ alreadyApplied: [] });
  });

  it('a migration whose DDL waits on a locked table fails after its lock_timeout and records nothing', async () => {
    await runMigrations(db.url);
    const dir = mkdtempSync(join(tmpdir(), 'labkeys-mig-'));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    mkdirSync(join(dir, '29991231000000_add_column'));
    writeFileSync(
      join(dir, '29991231000000_add_column', 'migration.sql'),
      'ALTER TABLE "courses" ADD COLUMN "probe" INTEGER;\n',
    );
    const reader = new Client({ connectionString: db.url });
    await reader.connect();
    try {
      // An open transaction that read the table: ALTER TABLE must wait for it.
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM "courses"');
      const blocked = await elapsed(runMigrations(db.url, { dir, ddlLockTimeoutMs: 300 }));
      expect(blocked.result.status).toBe('rejected');
      expect(String((blocked.result as PromiseRejectedResult).reason)).toMatch(
        /migration 29991231000000_add_column failed: canceling statement due to lock timeout \(a table it changes stayed locked by another session for over 300 ms/,
      );
      expect(blocked.ms).toBeLessThan(3000);
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
    const { rows } = await withClient(db.url, (c) =>
      c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = '29991231000000_add_column'`),
    );
    expect(rows[0].n).toBe(0);
    await expect(runMigrations(db.url, { dir })).resolves.toMatchObject({ applied: ['29991231000000_add_column'] });
  });
});
