import { Injectable } from '@nestjs/common';
import type { RoleTemplate } from '../generated/prisma/client';
import type { JsonInput } from '../json';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** The stored fields of a template (its name and connection apart). */
export interface TemplateColumns {
  roleArn: string;
  sessionPolicyTemplate: string | null;
  managedPolicyArns: string[];
  durationSeconds: number;
  sessionTags: JsonInput;
  transitiveTagKeys: string[];
  consoleDestination: string | null;
  allowedRegions: string[];
}

/**
 * Role templates of a tenant, and what their edits must know about the labs using them (how many; how many of
 * their sessions are still live or being revoked) and about the connections they issue on.
 */
@Injectable()
export class TemplateRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(
    scope: TenantScope,
    filter: { connectionId?: string; sort?: string },
    page: PageRequest,
  ): Promise<Page<RoleTemplate>> {
    const { tenantId } = scope;
    const rows = await this.prisma.roleTemplate.findMany({
      where: { tenantId, connectionId: filter.connectionId },
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'name'>(filter.sort, 'createdAt')),
    });
    return toPage(rows, page);
  }

  findById(scope: TenantScope, id: string, tx?: Tx): Promise<RoleTemplate | null> {
    return clientOf(this.prisma, tx).roleTemplate.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  async nameTaken(scope: TenantScope, name: string, tx?: Tx): Promise<boolean> {
    return (
      (await clientOf(this.prisma, tx).roleTemplate.findUnique({
        where: { tenantId_name: { tenantId: scope.tenantId, name } },
      })) !== null
    );
  }

  create(
    scope: TenantScope,
    input: { name: string; connectionId: string } & TemplateColumns,
    tx?: Tx,
  ): Promise<RoleTemplate> {
    return clientOf(this.prisma, tx).roleTemplate.create({ data: { tenantId: scope.tenantId, ...input } });
  }

  update(
    scope: TenantScope,
    id: string,
    input: { name?: string; connectionId?: string } & TemplateColumns,
    tx?: Tx,
  ): Promise<RoleTemplate> {
    return clientOf(this.prisma, tx).roleTemplate.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id } },
      data: input,
    });
  }

  async delete(scope: TenantScope, id: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).roleTemplate.delete({ where: { tenantId_id: { tenantId: scope.tenantId, id } } });
  }

  /** Labs using the template. */
  countLabs(scope: TenantScope, templateId: string, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).lab.count({ where: { tenantId: scope.tenantId, templateId } });
  }

  /** Sessions of labs using the template that are live or still being revoked. */
  countLiveSessions(scope: TenantScope, templateId: string, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).labSession.count({
      where: {
        tenantId: scope.tenantId,
        state: { in: ['PENDING', 'ISSUING', 'ACTIVE', 'REVOKING'] },
        lab: { templateId },
      },
    });
  }

  countOnConnection(scope: TenantScope, connectionId: string, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).roleTemplate.count({ where: { tenantId: scope.tenantId, connectionId } });
  }

  /** The roles the connection's templates issue on (with repeats). */
  async roleArnsOnConnection(scope: TenantScope, connectionId: string): Promise<string[]> {
    const rows = await this.prisma.roleTemplate.findMany({
      where: { tenantId: scope.tenantId, connectionId },
      select: { roleArn: true },
    });
    return rows.map((t) => t.roleArn);
  }
}
