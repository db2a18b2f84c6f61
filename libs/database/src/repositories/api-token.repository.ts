import { Injectable } from '@nestjs/common';
import type { ApiToken } from '../generated/prisma/client';
import type { InstructorRole } from '../generated/prisma/enums';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

export interface NewApiToken {
  instructorId: string;
  name: string;
  /** SHA-256 of the raw token; the raw value is never stored. */
  tokenHash: string;
  displayPrefix: string;
  expiresAt: Date | null;
}

/** A token found by its hash, with what authentication decides on; `tenantId` says whose it is. */
export interface TokenByHash {
  id: string;
  tenantId: string;
  instructorId: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  instructor: { role: InstructorRole; disabledAt: Date | null };
}

export type ApiTokenView = Omit<ApiToken, 'tokenHash' | 'tenantId'>;

/**
 * Instructors' API tokens, stored as SHA-256 hashes. Authentication looks a token up by its hash before the
 * tenant is known (`systemFindByHash`); everything after that is scoped.
 */
@Injectable()
export class ApiTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  systemFindByHash(tokenHash: string): Promise<TokenByHash | null> {
    return this.prisma.apiToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        tenantId: true,
        instructorId: true,
        expiresAt: true,
        revokedAt: true,
        lastUsedAt: true,
        instructor: { select: { role: true, disabledAt: true } },
      },
    });
  }

  async touchLastUsed(scope: TenantScope, id: string, at: Date): Promise<void> {
    await this.prisma.apiToken.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id } },
      data: { lastUsedAt: at },
    });
  }

  create(scope: TenantScope, input: NewApiToken, tx?: Tx): Promise<ApiToken> {
    return clientOf(this.prisma, tx).apiToken.create({ data: { tenantId: scope.tenantId, ...input } });
  }

  /** Newest first; only `instructorId`'s when given. */
  async list(scope: TenantScope, page: PageRequest, instructorId?: string): Promise<Page<ApiTokenView>> {
    const { tenantId } = scope;
    const rows = await this.prisma.apiToken.findMany({
      where: { tenantId, instructorId },
      ...pageArgs(tenantId, page, parseSort<'createdAt'>('-createdAt', '-createdAt')),
    });
    return toPage(rows, page, ({ tokenHash: _hash, tenantId: _t, ...rest }) => rest);
  }

  /** The token, if it exists (and belongs to `instructorId` when given). */
  findById(scope: TenantScope, id: string, instructorId?: string, tx?: Tx): Promise<ApiToken | null> {
    return clientOf(this.prisma, tx).apiToken.findFirst({ where: { tenantId: scope.tenantId, id, instructorId } });
  }

  async revoke(scope: TenantScope, id: string, at: Date, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).apiToken.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id } },
      data: { revokedAt: at },
    });
  }
}
