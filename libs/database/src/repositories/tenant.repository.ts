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

  /** The tenant's sign-in settings; fields left undefined keep their value. */
  async updateSignIn(
    scope: TenantScope,
    changes: { mfaRequired?: boolean; passwordSignIn?: boolean; trustProviderMfa?: boolean },
    tx?: Tx,
  ): Promise<Tenant> {
    return clientOf(this.prisma, tx).tenant.update({ where: { id: scope.tenantId }, data: changes });
  }

  /** A tenant named in a public sign-in URL (untrusted id): only its name and whether passwords are allowed. */
  systemSignInFacts(tenantId: string): Promise<{ id: string; name: string; passwordSignIn: boolean } | null> {
    return this.prisma.tenant.findUnique({
      where: { id: tenantId },
      select: { id: true, name: true, passwordSignIn: true },
    });
  }
}
