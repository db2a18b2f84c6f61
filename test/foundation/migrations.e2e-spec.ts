import { cpSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  defaultMigrationsDir,
  MigrationError,
  PrismaClient,
  readMigrationFiles,
  runMigrations,
} from '@labkeys/database';
import * as generatedEnums from '../../libs/database/src/generated/prisma/enums';
import { createScratchDatabase, withClient } from '../support/database';

describe('migration runner', () => {
  const files = readMigrationFiles(defaultMigrationsDir());
  let db: { url: string; drop: () => Promise<void> };

  beforeEach(async () => {
    db = await createScratchDatabase('mig');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('applies every migration once, records it as Prisma does, and a second apply is a no-op', async () => {
    const first = await runMigrations(db.url);
    expect(first.applied).toEqual(files.map((f) => f.name));
    const second = await runMigrations(db.url);
    expect(second).toEqual({ applied: [], alreadyApplied: files.map((f) => f.name) });
    const rows = await withClient(db.url, (c) =>
      c.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      ),
    );
    expect(rows.rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      files.map((f) => [f.name, f.checksum, 1]),
    );
    expect(rows.rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it('applies each migration exactly once when several processes start together', async () => {
    const results = await Promise.all([
      runMigrations(db.url),
      runMigrations(db.url),
      runMigrations(db.url),
      runMigrations(db.url),
    ]);
    const appliedCounts = files.map((f) => results.filter((r) => r.applied.includes(f.name)).length);
    expect(appliedCounts).toEqual(files.map(() => 1));
    const { rows } = await withClient(db.url, (c) =>
      c.query('SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1'),
    );
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(rows).toHaveLength(files.length);
  });

  it('refuses to start when an applied migration was edited, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labkeys-mig-'));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    await runMigrations(db.url, { dir });
    const edited = files[0].name;
    appendFileSync(join(dir, edited, 'migration.sql'), '\n-- an innocent-looking edit\n');
    const attempt = runMigrations(db.url, { dir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(runMigrations(db.url, { dir })).rejects.toThrow(
      new RegExp(`migration ${edited} was modified after it was applied`),
    );
  });

  it('leaves no trace of a migration that fails halfway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labkeys-mig-'));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    cpSync(join(dir, files[0].name), join(dir, '29991231000000_broken'), { recursive: true });
    // Re-running the init script fails on its first CREATE TYPE; nothing of it may stay behind.
    await expect(runMigrations(db.url, { dir })).rejects.toThrow(/migration 29991231000000_broken failed/);
    const { rows } = await withClient(db.url, (c) => c.query('SELECT migration_name FROM "_prisma_migrations"'));
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  });

  it('creates a table and column for every model and field of the generated client', async () => {
    await runMigrations(db.url);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    // The generated client's own data model, so a field added to schema.prisma without a migration fails here.
    const dataModel = (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
    await prisma.$disconnect();
    const columns = await withClient(db.url, (c) =>
      c.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
      ),
    );
    const existing = new Set(columns.rows.map((r) => `${r.table_name}.${r.column_name}`));
    const expected: string[] = [];
    for (const [modelName, model] of Object.entries(dataModel.models)) {
      for (const field of model.fields) {
        if (field.kind === 'object') continue; // relation fields have no column of their own
        expected.push(`${model.dbName ?? modelName}.${field.dbName ?? field.name}`);
      }
    }
    expect(expected.length).toBeGreaterThan(50);
    expect(expected.filter((column) => !existing.has(column))).toEqual([]);
    const enums = await withClient(db.url, (c) =>
      c.query<{ typname: string; labels: string[] }>(
        'SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname',
      ),
    );
    const inDatabase = Object.fromEntries(enums.rows.map((r) => [r.typname, r.labels]));
    const inClient = Object.fromEntries(
      Object.entries(generatedEnums).map(([name, values]) => [name, Object.values(values)]),
    );
    expect(inDatabase).toEqual(inClient);
  });
});

interface RuntimeDataModel {
  models: Record<string, { dbName: string | null; fields: { name: string; kind: string; dbName?: string | null }[] }>;
}
