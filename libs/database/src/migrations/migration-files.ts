import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface MigrationFile {
  name: string;
  sql: string;
  /** Hex SHA-256 of the file's bytes, the checksum Prisma records. */
  checksum: string;
}

/** prisma/migrations, found from the working directory or from this file's place in src/ or dist/. */
export function defaultMigrationsDir(): string {
  const candidates = [
    resolve(process.cwd(), 'prisma/migrations'),
    resolve(__dirname, '../../../../prisma/migrations'),
    resolve(__dirname, '../../../../../prisma/migrations'),
  ];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`prisma/migrations not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Reads Prisma's folder format: <timestamp>_<name>/migration.sql, in name order. */
export function readMigrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}
