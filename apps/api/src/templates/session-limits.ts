import { MAX_DURATION_SECONDS } from '@labkeys/templates';

/** AWS's hard cap for sessions assumed by an assumed-role caller (role chaining). */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/**
 * The longest session the connection is known to allow: the role's MaxSessionDuration from the last
 * verification, and one hour when LabKeys' own identity is an assumed role. Undefined while unknown.
 */
export function effectiveMaxSessionSeconds(connection: { maxSessionSeconds: number | null; roleChaining: boolean | null }): number | undefined {
  const limits = [connection.maxSessionSeconds, connection.roleChaining ? ROLE_CHAINING_MAX_SECONDS : null].filter((n): n is number => n !== null);
  return limits.length > 0 ? Math.min(...limits, MAX_DURATION_SECONDS) : undefined;
}
