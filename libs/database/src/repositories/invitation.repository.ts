import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { InstructorInvitation } from '../generated/prisma/client';
import type { InstructorRole } from '../generated/prisma/enums';
import { pageArgs, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

export interface NewInvitation {
  email: string;
  role: InstructorRole;
  tokenHash: string;
  /** The instructor it is for, when one exists already. */
  instructorId: string | null;
  invitedBy: string | null;
  lifetimeMs: number;
}

/** An invitation whose link still works, with its tenant's name (for the page that accepts it). */
export interface OpenInvitation {
  id: string;
  tenantId: string;
  tenantName: string;
  email: string;
  role: InstructorRole;
  instructorId: string | null;
  expiresAt: Date;
}

/** Invitations to set a password. A link works once, until it expires or is revoked. */
@Injectable()
export class InvitationRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(scope: TenantScope, input: NewInvitation, tx?: Tx): Promise<InstructorInvitation> {
    const rows = await clientOf(this.prisma, tx).$queryRaw<{ id: string }[]>`
      INSERT INTO instructor_invitations (id, tenant_id, email, role, token_hash, instructor_id, invited_by, expires_at)
      VALUES (${randomUUID()}::uuid, ${scope.tenantId}::uuid, ${input.email}, ${input.role}::"InstructorRole", ${input.tokenHash},
              ${input.instructorId}::uuid, ${input.invitedBy}::uuid, now() + ${input.lifetimeMs} * interval '1 millisecond')
      RETURNING id`;
    return clientOf(this.prisma, tx).instructorInvitation.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: scope.tenantId, id: rows[0].id } },
    });
  }

  /** Revokes the open invitations of an email (a new one replaces them); answers how many. */
  async revokeOpenFor(scope: TenantScope, email: string, tx?: Tx): Promise<number> {
    const { count } = await clientOf(this.prisma, tx).instructorInvitation.updateMany({
      where: { tenantId: scope.tenantId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count;
  }

  async list(scope: TenantScope, page: PageRequest): Promise<Page<InstructorInvitation>> {
    const rows = await this.prisma.instructorInvitation.findMany({
      where: { tenantId: scope.tenantId },
      ...pageArgs(scope.tenantId, page, { field: 'createdAt', direction: 'desc' }),
    });
    return toPage(rows, page);
  }

  find(scope: TenantScope, id: string, tx?: Tx): Promise<InstructorInvitation | null> {
    return clientOf(this.prisma, tx).instructorInvitation.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  async revoke(scope: TenantScope, id: string, tx?: Tx): Promise<boolean> {
    const { count } = await clientOf(this.prisma, tx).instructorInvitation.updateMany({
      where: { tenantId: scope.tenantId, id, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count === 1;
  }

  /** The open invitation a link's token opens, before its tenant is known (by the database's clock). */
  async systemFindOpenByHash(tokenHash: string): Promise<OpenInvitation | null> {
    const rows = await this.prisma.$queryRaw<OpenInvitation[]>`
      SELECT v.id, v.tenant_id AS "tenantId", t.name AS "tenantName", v.email, v.role::text AS role,
             v.instructor_id AS "instructorId", v.expires_at AS "expiresAt"
        FROM instructor_invitations v JOIN tenants t ON t.id = v.tenant_id
       WHERE v.token_hash = ${tokenHash} AND v.accepted_at IS NULL AND v.revoked_at IS NULL AND v.expires_at > now()`;
    return rows[0] ?? null;
  }

  /** Uses the invitation up, only if it is still open: of two acceptances racing, one wins. */
  async claim(scope: TenantScope, id: string, tx?: Tx): Promise<boolean> {
    const count = await clientOf(this.prisma, tx).$executeRaw`
      UPDATE instructor_invitations SET accepted_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid
         AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()`;
    return count === 1;
  }

  async setInstructor(scope: TenantScope, id: string, instructorId: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).instructorInvitation.updateMany({
      where: { tenantId: scope.tenantId, id },
      data: { instructorId },
    });
  }
}
