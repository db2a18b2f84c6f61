import { Injectable } from '@nestjs/common';
import type { Tenant } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { tenantScopeOf, type TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/**
 * Tenants themselves. Creating one is cross-tenant by nature (there is no scope before it exists), so it is a
 * `system…` method; it hands back the new tenant's scope, the one trusted source of it at that moment.
 */
@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  async systemCreate(name: string, tx?: Tx): Promise<{ id: string; scope: TenantScope }> {
    const tenant = await clientOf(this.prisma, tx).tenant.create({ data: { name } });
    return { id: tenant.id, scope: tenantScopeOf(tenant.id) };
  }

  find(scope: TenantScope, tx?: Tx): Promise<Tenant | null> {
    return clientOf(this.prisma, tx).tenant.findUnique({ where: { id: scope.tenantId } });
  }

  async setMfaRequired(scope: TenantScope, mfaRequired: boolean, tx?: Tx): Promise<Tenant> {
    return clientOf(this.prisma, tx).tenant.update({ where: { id: scope.tenantId }, data: { mfaRequired } });
  }
}
