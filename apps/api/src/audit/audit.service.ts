import { Injectable } from '@nestjs/common';
import { AuditWriter, type AuditEntry } from '@labkeys/core';
import { AuditRepository, type TenantScope, type Tx } from '@labkeys/database';
import type { ListAuditQueryDto } from './dto/audit.dto';
import { currentRequestContext } from '../common/request-context';

export type { AuditEntry };

/** Writes audit events inside the mutation's own transaction, with the request's actor and id. */
@Injectable()
export class AuditService extends AuditWriter {
  constructor(private readonly audit: AuditRepository) {
    super();
  }

  list(scope: TenantScope, q: ListAuditQueryDto) {
    const { action, subjectType, subjectId, actorId, sort } = q;
    return this.audit.list(
      scope,
      {
        action,
        subjectType,
        subjectId,
        actorId,
        sort,
        since: q.since ? new Date(q.since) : undefined,
        until: q.until ? new Date(q.until) : undefined,
      },
      q,
    );
  }

  protected async write(scope: TenantScope, entry: AuditEntry, tx: Tx): Promise<void> {
    const { actor, requestId } = currentRequestContext();
    await this.audit.record(
      scope,
      {
        actorType: actor?.kind ?? 'system',
        actorId: actor ? (actor.kind === 'instructor' ? actor.instructorId : actor.studentId) : null,
        ...entry,
        requestId: requestId ?? null,
      },
      tx,
    );
  }
}
