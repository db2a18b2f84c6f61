import { Injectable } from '@nestjs/common';
import type { AwsConnection } from '../generated/prisma/client';
import type { RevocationScope, RevocationState } from '../generated/prisma/enums';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** The lab role a set of entries is written on. */
export interface RevocationRole {
  connectionId: string;
  roleArn: string;
}

/** An entry the role's deny policy may still need (PENDING or APPLIED). */
export interface OpenRevocationEntry {
  id: string;
  scope: RevocationScope;
  value: string;
  labId: string | null;
  sessionId: string | null;
  state: 'PENDING' | 'APPLIED' | 'PRUNED';
  coversUntil: Date;
  createdAt: Date;
  deniesBefore: Date | null;
}

/** What a revocation writes for one (role, scope, value). */
export interface RevocationEntryInput {
  scope: 'LAB' | 'SESSION';
  value: string;
  labId: string;
  sessionId: string | null;
  coversUntil: Date;
  deniesBefore: Date | null;
}

/**
 * Revocation entries: what each lab role's deny policy must say, one row per (role, scope, value). Requests
 * write them PENDING; the applier reads a role's open entries under the role's advisory lock and marks them
 * APPLIED or PRUNED once IAM holds the document; the sweep finds roles whose policy needs a rewrite.
 */
@Injectable()
export class RevocationEntryRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByKey(
    scope: TenantScope,
    key: { roleArn: string; scope: RevocationScope; value: string },
    tx?: Tx,
  ): Promise<{ state: RevocationState; coversUntil: Date } | null> {
    return clientOf(this.prisma, tx).revocationEntry.findUnique({
      where: { tenantId_roleArn_scope_value: { tenantId: scope.tenantId, ...key } },
      select: { state: true, coversUntil: true },
    });
  }

  /**
   * Creates the entry PENDING at `now`, or reopens it: PENDING again with the new time, `coversUntil`
   * (the caller decides it), and the new lab, session and cutoff.
   */
  async upsertPending(
    scope: TenantScope,
    role: RevocationRole,
    entry: RevocationEntryInput,
    coversUntil: Date,
    now: Date,
    tx: Tx,
  ): Promise<void> {
    const { tenantId } = scope;
    await clientOf(this.prisma, tx).revocationEntry.upsert({
      where: {
        tenantId_roleArn_scope_value: { tenantId, roleArn: role.roleArn, scope: entry.scope, value: entry.value },
      },
      create: {
        tenantId,
        connectionId: role.connectionId,
        roleArn: role.roleArn,
        ...entry,
        state: 'PENDING',
        createdAt: now,
      },
      update: {
        state: 'PENDING',
        coversUntil,
        createdAt: now,
        deniesBefore: entry.deniesBefore,
        lastError: null,
        appliedAt: null,
        prunedAt: null,
        labId: entry.labId,
        sessionId: entry.sessionId,
      },
    });
  }

  /** The connection a role's entries are written on (null once it was deleted). */
  connectionOf(scope: TenantScope, connectionId: string): Promise<AwsConnection | null> {
    return this.prisma.awsConnection.findFirst({ where: { tenantId: scope.tenantId, id: connectionId } });
  }

  /** Takes the role's transaction-scoped advisory lock: one applier at a time reads, writes IAM and marks. */
  async lockRole(scope: TenantScope, role: RevocationRole, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx)
      .$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`labkeys:revocation:${scope.tenantId}:${role.connectionId}:${role.roleArn}`}, 0))`;
  }

  async openOfRole(scope: TenantScope, role: RevocationRole, tx?: Tx): Promise<OpenRevocationEntry[]> {
    return await clientOf(this.prisma, tx).revocationEntry.findMany({
      where: {
        tenantId: scope.tenantId,
        connectionId: role.connectionId,
        roleArn: role.roleArn,
        state: { in: ['PENDING', 'APPLIED'] },
      },
      select: {
        id: true,
        scope: true,
        value: true,
        labId: true,
        sessionId: true,
        state: true,
        coversUntil: true,
        createdAt: true,
        deniesBefore: true,
      },
    });
  }

  countPending(scope: TenantScope, role: RevocationRole): Promise<number> {
    return this.prisma.revocationEntry.count({
      where: { tenantId: scope.tenantId, connectionId: role.connectionId, roleArn: role.roleArn, state: 'PENDING' },
    });
  }

  /** PENDING → APPLIED, only if unchanged since read (a revocation reopened meanwhile is written by the next round). */
  async markApplied(
    scope: TenantScope,
    entry: Pick<OpenRevocationEntry, 'id' | 'createdAt' | 'coversUntil'>,
    now: Date,
    tx: Tx,
  ): Promise<number> {
    const { count } = await clientOf(this.prisma, tx).revocationEntry.updateMany({
      where: {
        tenantId: scope.tenantId,
        id: entry.id,
        state: 'PENDING',
        createdAt: entry.createdAt,
        coversUntil: entry.coversUntil,
      },
      data: { state: 'APPLIED', appliedAt: now, lastError: null },
    });
    return count;
  }

  /** → PRUNED, only if unchanged since read. */
  async markPruned(
    scope: TenantScope,
    entry: Pick<OpenRevocationEntry, 'id' | 'state' | 'coversUntil'>,
    now: Date,
    tx: Tx,
  ): Promise<number> {
    const { count } = await clientOf(this.prisma, tx).revocationEntry.updateMany({
      where: { tenantId: scope.tenantId, id: entry.id, state: entry.state, coversUntil: entry.coversUntil },
      data: { state: 'PRUNED', prunedAt: now },
    });
    return count;
  }

  /** Records on PENDING entries why their deny is not in AWS yet. */
  async recordError(scope: TenantScope, ids: string[], reason: string, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).revocationEntry.updateMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, state: 'PENDING' },
      data: { lastError: reason },
    });
  }

  /** Every tenant: roles with PENDING entries, or APPLIED ones covering nothing after `prunableBefore`. */
  systemRolesToRewrite(
    prunableBefore: Date,
    take: number,
  ): Promise<{ tenantId: string; connectionId: string; roleArn: string }[]> {
    return this.prisma.revocationEntry.findMany({
      where: { OR: [{ state: 'PENDING' }, { state: 'APPLIED', coversUntil: { lte: prunableBefore } }] },
      distinct: ['tenantId', 'connectionId', 'roleArn'],
      select: { tenantId: true, connectionId: true, roleArn: true },
      take,
    });
  }
}
