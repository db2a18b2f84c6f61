import { Injectable } from '@nestjs/common';
import type { Tenant } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(scope: TenantScope, tx?: Tx): Promise<Tenant | null> {
    return clientOf(this.prisma, tx).tenant.findUnique({ where: { id: scope.tenantId } });
  }

  async setMfaRequired(scope: TenantScope, mfaRequired: boolean, tx?: Tx): Promise<Tenant> {
    return clientOf(this.prisma, tx).tenant.update({ where: { id: scope.tenantId }, data: { mfaRequired } });
  }
}
