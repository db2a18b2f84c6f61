import type { LabRepository, TenantScope, Tx } from '@labkeys/database';
import { ConflictError } from '../errors/domain-errors';

/** The connection of a lab's template whose last verify failed. */
export interface UnverifiedConnection {
  id: string;
  name: string;
  lastVerifiedAt: Date | null;
  failures: string[];
}

/** A lab cannot start on a connection whose last verify failed: names the connection and the field at fault. */
export class ConnectionNotVerifiedError extends ConflictError {
  constructor(readonly connection: UnverifiedConnection) {
    super(
      `The AWS connection "${connection.name}" failed its last verify` +
        `${connection.failures.length > 0 ? ` (${connection.failures.join(', ')})` : ''}; fix it and verify it again before starting a lab on it.`,
      { field: 'connectionId', connectionId: connection.id },
    );
  }
}

/**
 * The lab's connection when its last verify failed, else null. A connection never verified (or edited since)
 * has `last_verify_ok` null and stays usable: only a verify that found it unsafe blocks it.
 */
export async function unverifiedConnectionOf(
  labs: LabRepository,
  scope: TenantScope,
  labId: string,
  tx: Tx,
): Promise<UnverifiedConnection | null> {
  const connection = await labs.connectionVerifyOf(scope, labId, tx);
  if (!connection || connection.lastVerifyOk !== false) return null;
  const failures = Array.isArray(connection.lastVerifyFailures)
    ? (connection.lastVerifyFailures as Array<{ action?: string; code?: string }>)
    : [];
  return {
    id: connection.id,
    name: connection.name,
    lastVerifiedAt: connection.lastVerifiedAt,
    failures: [...new Set(failures.map((f) => f.action ?? f.code ?? 'unknown'))],
  };
}
