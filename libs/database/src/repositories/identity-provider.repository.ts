import { Injectable } from '@nestjs/common';
import { Prisma, type IdentityProvider } from '../generated/prisma/client';
import type { IdentityProviderAudience } from '../generated/prisma/enums';
import type { JsonInput } from '../json';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** How many identity providers one tenant may configure. */
export const MAX_IDENTITY_PROVIDERS = 20;

export interface NewIdentityProvider {
  /** The row's id, chosen before the insert: the client secret is sealed bound to it. */
  id: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecretSealed: Buffer;
  clientSecretKeyId: string;
  allowedDomains: string[];
  emailClaim: string;
  audience: IdentityProviderAudience;
  enabled: boolean;
}

export type IdentityProviderChanges = Partial<Omit<NewIdentityProvider, 'id'>>;

/** What anyone may learn of a tenant's enabled providers before signing in: a button each. */
export interface PublicIdentityProvider {
  id: string;
  displayName: string;
  audience: IdentityProviderAudience;
}

/** A tenant's OpenID Connect providers (school SSO). The sealed client secret never leaves through a view. */
@Injectable()
export class IdentityProviderRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(scope: TenantScope, tx?: Tx): Promise<IdentityProvider[]> {
    return clientOf(this.prisma, tx).identityProvider.findMany({
      where: { tenantId: scope.tenantId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: MAX_IDENTITY_PROVIDERS,
    });
  }

  count(scope: TenantScope, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).identityProvider.count({ where: { tenantId: scope.tenantId } });
  }

  findById(scope: TenantScope, id: string, tx?: Tx): Promise<IdentityProvider | null> {
    return clientOf(this.prisma, tx).identityProvider.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  async nameTaken(scope: TenantScope, displayName: string, exceptId: string | null, tx?: Tx): Promise<boolean> {
    const row = await clientOf(this.prisma, tx).identityProvider.findUnique({
      where: { tenantId_displayName: { tenantId: scope.tenantId, displayName } },
      select: { id: true },
    });
    return row !== null && row.id !== exceptId;
  }

  create(scope: TenantScope, input: NewIdentityProvider, tx?: Tx): Promise<IdentityProvider> {
    return clientOf(this.prisma, tx).identityProvider.create({
      data: { tenantId: scope.tenantId, ...input, clientSecretSealed: new Uint8Array(input.clientSecretSealed) },
    });
  }

  /** Null when the provider is not the tenant's. */
  async update(
    scope: TenantScope,
    id: string,
    changes: IdentityProviderChanges,
    tx?: Tx,
  ): Promise<IdentityProvider | null> {
    const { count } = await clientOf(this.prisma, tx).identityProvider.updateMany({
      where: { tenantId: scope.tenantId, id },
      data: {
        ...changes,
        clientSecretSealed: changes.clientSecretSealed ? new Uint8Array(changes.clientSecretSealed) : undefined,
      },
    });
    return count === 0 ? null : this.findById(scope, id, tx);
  }

  async delete(scope: TenantScope, id: string, tx?: Tx): Promise<boolean> {
    const { count } = await clientOf(this.prisma, tx).identityProvider.deleteMany({
      where: { tenantId: scope.tenantId, id },
    });
    return count > 0;
  }

  /** The owner's test sign-in came back: what the provider said (claims, never tokens), or why it failed. */
  async recordTest(
    scope: TenantScope,
    id: string,
    outcome: { claims: JsonInput | null; error: string | null },
    tx?: Tx,
  ): Promise<void> {
    await clientOf(this.prisma, tx).identityProvider.updateMany({
      where: { tenantId: scope.tenantId, id },
      data: {
        lastTestAt: new Date(),
        lastTestClaims: outcome.claims === null ? Prisma.DbNull : outcome.claims,
        lastTestError: outcome.error,
      },
    });
  }

  /** Enabled providers that instructors may use and whose domains admit `email` (any domain when none are listed). */
  async countInstructorProvidersFor(scope: TenantScope, email: string, tx?: Tx): Promise<number> {
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const rows = await clientOf(this.prisma, tx).$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM identity_providers
       WHERE tenant_id = ${scope.tenantId}::uuid AND enabled AND audience IN ('INSTRUCTORS', 'BOTH')
         AND (cardinality(allowed_domains) = 0 OR ${domain} = ANY (allowed_domains))`;
    return rows[0]?.n ?? 0;
  }

  /**
   * The enabled providers of a tenant named in a sign-in URL, before anyone is authenticated: only what a
   * sign-in button shows. An unknown tenant answers the same as one without providers.
   */
  systemPublicOf(tenantId: string): Promise<PublicIdentityProvider[]> {
    return this.prisma.identityProvider.findMany({
      where: { tenantId, enabled: true },
      select: { id: true, displayName: true, audience: true },
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      take: MAX_IDENTITY_PROVIDERS,
    });
  }

  /** A provider named by a sign-in request (id and tenant from the URL); only an enabled one. */
  systemFindEnabled(tenantId: string, id: string): Promise<IdentityProvider | null> {
    return this.prisma.identityProvider.findFirst({ where: { tenantId, id, enabled: true } });
  }
}
