import { Injectable } from '@nestjs/common';
import { Prisma, type AwsConnection } from '../generated/prisma/client';
import type { ConnectionMode } from '../generated/prisma/enums';
import type { JsonInput } from '../json';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

export interface NewConnection {
  name: string;
  accountId: string;
  region: string;
  partition: string;
  mode: ConnectionMode;
  externalId: string;
  labRoleArn: string | null;
  managementRoleArn: string | null;
  endpointOverride: string | null;
}

export type ConnectionChanges = Partial<
  Pick<NewConnection, 'name' | 'region' | 'labRoleArn' | 'managementRoleArn' | 'endpointOverride'>
>;

/** The fields a verification was run against; its outcome is kept only while they still hold. */
export type VerifiedAs = Pick<AwsConnection, 'region' | 'labRoleArn' | 'managementRoleArn' | 'endpointOverride'>;

export interface VerifyOutcome {
  /** Left as stored when null (unknown does not overwrite what an earlier check learned). */
  maxSessionSeconds: number | null;
  roleChaining: boolean | null;
  verifiedAt: Date | null;
  lastVerifiedAt: Date;
  lastVerifyOk: boolean;
  /** null when it passed. */
  lastVerifyFailures: JsonInput | null;
}

/** What the last verification learned; cleared when the role, the endpoint or the region changes. */
const VERIFICATION_RESET = {
  maxSessionSeconds: null,
  roleChaining: null,
  verifiedAt: null,
  lastVerifiedAt: null,
  lastVerifyOk: null,
  lastVerifyFailures: Prisma.DbNull,
};

/** AWS connections of a tenant, with what their last verification found. */
@Injectable()
export class ConnectionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(scope: TenantScope, page: PageRequest, sort?: string): Promise<Page<AwsConnection>> {
    const { tenantId } = scope;
    const rows = await this.prisma.awsConnection.findMany({
      where: { tenantId },
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'name'>(sort, 'createdAt')),
    });
    return toPage(rows, page);
  }

  findById(scope: TenantScope, id: string, tx?: Tx): Promise<AwsConnection | null> {
    return clientOf(this.prisma, tx).awsConnection.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  async nameTaken(scope: TenantScope, name: string, tx?: Tx): Promise<boolean> {
    return (
      (await clientOf(this.prisma, tx).awsConnection.findUnique({
        where: { tenantId_name: { tenantId: scope.tenantId, name } },
      })) !== null
    );
  }

  create(scope: TenantScope, input: NewConnection, tx?: Tx): Promise<AwsConnection> {
    return clientOf(this.prisma, tx).awsConnection.create({ data: { tenantId: scope.tenantId, ...input } });
  }

  /** Applies the changes; `resetVerification` also forgets what the last verification learned. */
  update(
    scope: TenantScope,
    id: string,
    changes: ConnectionChanges,
    resetVerification: boolean,
    tx?: Tx,
  ): Promise<AwsConnection> {
    return clientOf(this.prisma, tx).awsConnection.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id } },
      data: { ...changes, ...(resetVerification && VERIFICATION_RESET) },
    });
  }

  async delete(scope: TenantScope, id: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).awsConnection.delete({ where: { tenantId_id: { tenantId: scope.tenantId, id } } });
  }

  /** Stores a verification's outcome if the connection is still as it was verified; whether it was. */
  async recordVerification(
    scope: TenantScope,
    id: string,
    as: VerifiedAs,
    outcome: VerifyOutcome,
    tx?: Tx,
  ): Promise<boolean> {
    const { count } = await clientOf(this.prisma, tx).awsConnection.updateMany({
      where: {
        tenantId: scope.tenantId,
        id,
        region: as.region,
        labRoleArn: as.labRoleArn,
        managementRoleArn: as.managementRoleArn,
        endpointOverride: as.endpointOverride,
      },
      data: {
        ...(outcome.maxSessionSeconds !== null && { maxSessionSeconds: outcome.maxSessionSeconds }),
        ...(outcome.roleChaining !== null && { roleChaining: outcome.roleChaining }),
        verifiedAt: outcome.verifiedAt,
        lastVerifiedAt: outcome.lastVerifiedAt,
        lastVerifyOk: outcome.lastVerifyOk,
        lastVerifyFailures: outcome.lastVerifyFailures ?? Prisma.DbNull,
      },
    });
    return count > 0;
  }
}
