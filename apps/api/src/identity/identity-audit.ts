import { Injectable } from '@nestjs/common';
import { AuditRepository, type TenantScope, type Tx } from '@labkeys/database';
import type { AuditEntry } from '@labkeys/core';
import { currentRequestContext } from '../common/request-context';

/** Audit events of sign-in and account changes, with the request's actor (or the instructor acting for themself) and id. */
@Injectable()
export class IdentityAudit {
  constructor(private readonly audit: AuditRepository) {}

  async record(scope: TenantScope, entry: AuditEntry & { actorId?: string }, tx?: Tx): Promise<void> {
    const { actor, requestId } = currentRequestContext();
    const actorId = entry.actorId ?? (actor?.kind === 'instructor' ? actor.instructorId : null);
    await this.audit.record(
      scope,
      {
        actorType: actorId ? 'instructor' : 'system',
        actorId,
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId ?? null,
        summary: entry.summary ?? {},
        requestId: requestId ?? null,
      },
      tx,
    );
  }
}
