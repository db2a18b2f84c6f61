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

  /**
   * Records `entry` as done by the instructor `instructorId`, for requests that authenticate them in the act
   * (signing in, accepting an invitation) and so carry no actor yet.
   */
  recordAs(instructorId: string, scope: TenantScope, entry: AuditEntry, tx?: Tx): Promise<void> {
    return this.writeBy({ actorType: 'instructor', actorId: instructorId }, scope, entry, tx);
  }

  protected write(scope: TenantScope, entry: AuditEntry, tx?: Tx): Promise<void> {
    const { actor } = currentRequestContext();
    const by = actor
      ? { actorType: actor.kind, actorId: actor.kind === 'instructor' ? actor.instructorId : actor.studentId }
      : { actorType: 'system', actorId: null };
    return this.writeBy(by, scope, entry, tx);
  }

  private async writeBy(
    by: { actorType: string; actorId: string | null },
    scope: TenantScope,
    entry: AuditEntry,
    tx?: Tx,
  ): Promise<void> {
    await this.audit.record(scope, { ...by, ...entry, requestId: currentRequestContext().requestId ?? null }, tx);
  }
}
