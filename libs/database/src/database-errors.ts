import { Prisma } from './generated/prisma/client';

// Prisma's codes for an unreachable or overloaded database: can't reach (P1001), timed out (P1002,
// P1008), connection closed (P1017), pool acquire timeout (P2024), too many connections (P2037).
const OUTAGE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);

const knownCode = (error: unknown): string | undefined =>
  error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;

/** A write refused by a unique index (two writers raced past the same check). */
export function isUniqueViolation(error: unknown): boolean {
  return knownCode(error) === 'P2002';
}

/** An update or delete whose row was not there. */
export function isRecordNotFound(error: unknown): boolean {
  return knownCode(error) === 'P2025';
}

/**
 * The client itself says the database is unreachable or overloaded (not the request's fault). Errors the
 * driver raises below the client (SQLSTATEs, socket codes) are the caller's to classify.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  const code = knownCode(error);
  return code !== undefined && OUTAGE_CODES.has(code);
}
