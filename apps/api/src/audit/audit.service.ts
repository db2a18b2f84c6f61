import { Injectable } from '@nestjs/common';
import { AuditWriter, type AuditEntry } from '@labkeys/core';
import { pageArgs, parseSort, PrismaService, toPage, type TransactionClient } from '@labkeys/database';
import type { ListAuditQueryDto } from './dto/audit.dto';
import { currentRequestContext } from '../common/request-context';

export type { AuditEntry };

/** Writes audit events inside the mutation's own transaction, with the request's actor and id. */
@Injectable()
export class AuditService extends AuditWriter {
  constructor(private readonly prisma: PrismaService) {
    super();
  }

  async list(tenantId: string, q: ListAuditQueryDto) {
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        tenantId,
        action: q.action,
        subjectType: q.subjectType,
        subjectId: q.subjectId,
        actorId: q.actorId,
        createdAt: q.since || q.until ? { gte: q.since ? new Date(q.since) : undefined, lt: q.until ? new Date(q.until) : undefined } : undefined,
      },
      ...pageArgs(tenantId, q, parseSort<'createdAt'>(q.sort, '-createdAt')),
    });
    return toPage(rows, q, ({ tenantId: _t, ...rest }) => rest);
  }

  async record(tx: TransactionClient, tenantId: string, entry: AuditEntry): Promise<void> {
    const { actor, requestId } = currentRequestContext();
    await tx.auditEvent.create({
      data: {
        tenantId,
        actorType: actor?.kind ?? 'system',
        actorId: actor ? (actor.kind === 'instructor' ? actor.instructorId : actor.studentId) : null,
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId ?? null,
        summary: entry.summary ?? {},
        requestId: requestId ?? null,
      },
    });
  }
}
