import { randomBytes } from 'node:crypto';

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

/**
 * Rows of a set-based statement in key order, so two statements over overlapping rows take row locks in
 * the same order and wait for each other instead of deadlocking.
 */
export function inKeyOrder<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
