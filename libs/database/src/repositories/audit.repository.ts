import { Injectable } from '@nestjs/common';
import type { AuditEvent } from '../generated/prisma/client';
import type { JsonInput } from '../json';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** One audit event as written; the tenant comes from the scope. */
export interface NewAuditEvent {
  actorType: string;
  actorId?: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** What changed; never secrets or raw tokens. */
  summary?: JsonInput;
  requestId?: string | null;
}

export interface AuditFilter {
  action?: string;
  subjectType?: string;
  subjectId?: string;
  actorId?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  sort?: string;
}

export type AuditEventView = Omit<AuditEvent, 'tenantId'>;

/** The audit trail of a tenant: appended inside the change it records, listed newest first by default. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(scope: TenantScope, event: NewAuditEvent, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).auditEvent.create({
      data: {
        tenantId: scope.tenantId,
        actorType: event.actorType,
        actorId: event.actorId ?? null,
        action: event.action,
        subjectType: event.subjectType,
        subjectId: event.subjectId ?? null,
        summary: event.summary ?? {},
        requestId: event.requestId ?? null,
      },
    });
  }

  async list(scope: TenantScope, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEventView>> {
    const { tenantId } = scope;
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        tenantId,
        action: filter.action,
        subjectType: filter.subjectType,
        subjectId: filter.subjectId,
        actorId: filter.actorId,
        createdAt: filter.since || filter.until ? { gte: filter.since, lt: filter.until } : undefined,
      },
      ...pageArgs(tenantId, page, parseSort<'createdAt'>(filter.sort, '-createdAt')),
    });
    return toPage(rows, page, ({ tenantId: _t, ...rest }) => rest);
  }
}
