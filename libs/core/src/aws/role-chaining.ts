import { MAX_DURATION_SECONDS } from '@labkeys/templates';

/** AWS's hard cap for sessions assumed by an assumed-role caller (role chaining). */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/** What LabKeys knows of a connection's session limits (from its last verification). */
export interface SessionLimits {
  /** The role's MaxSessionDuration; null while unknown. */
  maxSessionSeconds: number | null;
  /** LabKeys' own identity is an assumed role; null while unknown. */
  roleChaining: boolean | null;
}

/** True when a session of `durationSeconds` is longer than role chaining allows. */
export function exceedsRoleChainingCap(durationSeconds: number, chaining: boolean | null): boolean {
  return chaining === true && durationSeconds > ROLE_CHAINING_MAX_SECONDS;
}

/**
 * The longest session the connection is known to allow: the role's MaxSessionDuration from the last
 * verification, and one hour when LabKeys' own identity is an assumed role. Undefined while unknown.
 */
export function effectiveMaxSessionSeconds(connection: SessionLimits): number | undefined {
  const limits = [connection.maxSessionSeconds, connection.roleChaining ? ROLE_CHAINING_MAX_SECONDS : null].filter(
    (n): n is number => n !== null,
  );
  return limits.length > 0 ? Math.min(...limits, MAX_DURATION_SECONDS) : undefined;
}

/** The duration to ask STS for: the lab's, within the role's maximum and, when chaining, AWS's one-hour cap. */
export function issuedDurationSeconds(
  labSeconds: number,
  connection: Pick<SessionLimits, 'maxSessionSeconds'>,
  chaining: boolean,
): number {
  return Math.min(
    labSeconds,
    connection.maxSessionSeconds ?? Infinity,
    chaining ? ROLE_CHAINING_MAX_SECONDS : Infinity,
  );
}
