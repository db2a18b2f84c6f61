import { randomBytes } from 'node:crypto';
import type { TransactionClient } from '@labkeys/database';

/*
 * Set-based statements for roster imports. Prisma's createMany spends ~0.5 s of client-side work per
 * 1,000 rows here; one INSERT … SELECT FROM unnest(arrays) does the same in a few milliseconds of SQL,
 * whatever the roster size. Every statement is scoped by tenant id. Rows are inserted in key order, so two
 * imports with overlapping rosters take row locks in the same order and wait for each other instead of deadlocking.
 */

const byKey = <T>(key: (row: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Time-ordered like the ids Prisma generates for these tables (`@default(uuid(7))`), which have no database default. */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Ids for one batch in ascending order, so rows inserted together list in insertion order (lists break createdAt ties by id). */
export function uuidv7Batch(count: number): string[] {
  const now = Date.now();
  return Array.from({ length: count }, () => uuidv7(now)).sort();
}

export interface NewStudentRow {
  email: string;
  displayName: string | null;
  handle: string;
}

/** Inserts students, skipping any that conflict (email or handle already taken); returns the inserted ones. */
export async function insertStudents(tx: TransactionClient, tenantId: string, unordered: readonly NewStudentRow[]) {
  if (!unordered.length) return [];
  const rows = [...unordered].sort(byKey((row) => row.email));
  const now = new Date();
  return tx.$queryRaw<{ id: string; email: string }[]>`
    INSERT INTO students (id, tenant_id, email, display_name, handle, updated_at)
    SELECT v.id, ${tenantId}::uuid, v.email, v.display_name, v.handle, ${now}
      FROM unnest(${uuidv7Batch(rows.length)}::uuid[], ${rows.map((r) => r.email)}::text[],
                  ${rows.map((r) => r.displayName)}::text[], ${rows.map((r) => r.handle)}::text[]) AS v(id, email, display_name, handle)
    ON CONFLICT DO NOTHING
    RETURNING id::text, email`;
}

/** Inserts enrollments with their token hashes, skipping students already enrolled meanwhile; returns the inserted ones. */
export async function insertEnrollments(tx: TransactionClient, tenantId: string, courseId: string, unordered: readonly { studentId: string; hash: string }[], now: Date) {
  if (!unordered.length) return [];
  const rows = [...unordered].sort(byKey((row) => row.studentId));
  const inserted = await tx.$queryRaw<{ id: string; student_id: string }[]>`
    INSERT INTO enrollments (id, tenant_id, course_id, student_id, access_token_hash, token_issued_at, updated_at)
    SELECT v.id, ${tenantId}::uuid, ${courseId}::uuid, v.student_id, v.hash, ${now}, ${now}
      FROM unnest(${uuidv7Batch(rows.length)}::uuid[], ${rows.map((r) => r.studentId)}::uuid[], ${rows.map((r) => r.hash)}::text[]) AS v(id, student_id, hash)
    ON CONFLICT DO NOTHING
    RETURNING id::text, student_id::text`;
  return inserted.map((row) => ({ id: row.id, studentId: row.student_id }));
}

/** Re-enrolls unenrolled enrollments, each with its own new token hash; returns the ones it changed. */
export async function reactivateEnrollments(tx: TransactionClient, tenantId: string, unordered: readonly { id: string; hash: string }[], now: Date) {
  if (!unordered.length) return [];
  const rows = [...unordered].sort(byKey((row) => row.id));
  const updated = await tx.$queryRaw<{ id: string; student_id: string }[]>`
    UPDATE enrollments AS e
       SET access_token_hash = v.hash, token_issued_at = ${now}, unenrolled_at = NULL, updated_at = ${now}
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.hash)}::text[]) AS v(id, hash)
     WHERE e.tenant_id = ${tenantId}::uuid AND e.id = v.id AND e.unenrolled_at IS NOT NULL
    RETURNING e.id::text, e.student_id::text`;
  return updated.map((row) => ({ id: row.id, studentId: row.student_id }));
}
