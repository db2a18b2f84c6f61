import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

export interface AuditRecord {
  actorType: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  /** What changed; never secrets or raw tokens. */
  summary: Prisma.InputJsonValue;
  requestId: string | null;
}

/** The audit trail; a use case records inside the transaction of the change it describes. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(scope: TenantScope, record: AuditRecord, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).auditEvent.create({ data: { tenantId: scope.tenantId, ...record } });
  }
}
