import { Injectable } from '@nestjs/common';
import type { Prisma, TransactionClient } from '@labkeys/database';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** What changed; never secrets or raw tokens. */
  summary?: Prisma.InputJsonValue;
}

/**
 * Writes an audit event inside the caller's transaction. The api's writer
 * records the authenticated actor and request id; the worker's records the system.
 */
export abstract class AuditWriter {
  abstract record(tx: TransactionClient, tenantId: string, entry: AuditEntry): Promise<void>;
}

/** Actions taken by the worker on its own (expiry, scheduled starts, repairs). */
@Injectable()
export class SystemAuditWriter extends AuditWriter {
  async record(tx: TransactionClient, tenantId: string, entry: AuditEntry): Promise<void> {
    await tx.auditEvent.create({
      data: {
        tenantId,
        actorType: 'system',
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId ?? null,
        summary: entry.summary ?? {},
      },
    });
  }
}
