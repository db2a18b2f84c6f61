import { Injectable, Logger } from '@nestjs/common';
import { AwsCallError, IamGateway, parseRoleArn } from '@labkeys/aws';
import { AuditWriter, buildRevocationPolicy, iamPolicySize, revocationPolicyName, ROLE_INLINE_BUDGET } from '@labkeys/core';
import { PrismaService } from '@labkeys/database';
import { PushPublisher, type PushEvent } from '@labkeys/push';
import type { RoleRef } from '@labkeys/queues';
import { coveredSessionFilter, readRoleRevocationState, type StoredEntry } from './role-revocation-state';

/** Thrown while revocations of a role are not in AWS yet; BullMQ retries with backoff, the sweep after that. */
export class RevocationNotAppliedError extends Error {
  override readonly name = 'RevocationNotAppliedError';
}

export interface ApplyOutcome {
  applied: number;
  pruned: number;
  revoked: number;
  size: number;
  merged: number;
}

/**
 * Writes one lab role's deny policy from its revocation entries and ends the sessions it covers.
 * A session becomes REVOKED only after IAM accepted a document that denies it; when IAM fails or the
 * document cannot fit the role's inline budget even merged, the sessions stay REVOKING with the reason,
 * the instructor is told, and the job is retried.
 */
@Injectable()
export class RevocationApplier {
  private readonly logger = new Logger(RevocationApplier.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly iam: IamGateway,
    private readonly push: PushPublisher,
    private readonly audit: AuditWriter,
  ) {}

  async apply(role: RoleRef): Promise<ApplyOutcome | 'nothing'> {
    const connection = await this.prisma.awsConnection.findFirst({ where: { tenantId: role.tenantId, id: role.connectionId } });
    const roleName = parseRoleArn(role.roleArn)?.roleName;
    // Templates are validated on save; an entry naming no role could only come from a deleted connection.
    if (!connection || !roleName) return 'nothing';
    const now = new Date();
    const state = await readRoleRevocationState(this.prisma, role, now);
    if (state.live.length === 0 && state.stale.length === 0) return 'nothing';

    const policyName = revocationPolicyName(connection.id);
    const names = await this.iam.listRolePolicies(connection, roleName);
    let others = 0;
    let current: string | null = null;
    for (const name of names) {
      const doc = await this.iam.getRolePolicy(connection, roleName, name);
      if (name === policyName) current = doc;
      else if (doc) others += iamPolicySize(doc);
    }
    const budget = ROLE_INLINE_BUDGET - others;
    const built = buildRevocationPolicy({ entries: state.policyEntries, cutoffs: state.cutoffs, budget });
    if (!built.fits) {
      await this.notYetRevoked(role, state.live, `Not yet revoked: the deny needs ${built.size} characters but role ${roleName} has ${Math.max(0, budget)} of its 10,240 inline characters left; LabKeys keeps retrying.`);
      throw new RevocationNotAppliedError(`revocation policy of ${built.size} characters does not fit the ${budget} left on the role`);
    }
    try {
      if (built.document === null) {
        if (current !== null) await this.iam.deleteRolePolicy(connection, roleName, policyName);
      } else if (current === null || iamPolicySize(current) !== built.size || JSON.stringify(JSON.parse(current)) !== built.document) {
        await this.iam.putRolePolicy(connection, roleName, policyName, built.document);
      }
    } catch (error) {
      if (!(error instanceof AwsCallError)) throw error;
      // LimitExceeded: another inline policy grew since it was measured; the next attempt measures again.
      await this.notYetRevoked(role, state.live, `Not yet revoked: AWS refused the deny (${error.code}: ${error.message}); LabKeys keeps retrying.`);
      throw error;
    }
    return { ...(await this.afterWrite(role, state.live, state.stale, now)), size: built.size, merged: built.merged };
  }

  /** IAM holds the document: its entries are APPLIED, the pruned ones PRUNED, the covered sessions REVOKED. */
  private async afterWrite(role: RoleRef, live: StoredEntry[], stale: StoredEntry[], now: Date) {
    const ended = await this.prisma.$transaction(async (tx) => {
      let applied = 0;
      for (const e of live.filter((x) => x.state === 'PENDING')) {
        // Unchanged since read: a revocation reopened meanwhile is written by the next round.
        const { count } = await tx.revocationEntry.updateMany({
          where: { id: e.id, state: 'PENDING', createdAt: e.createdAt, coversUntil: e.coversUntil },
          data: { state: 'APPLIED', appliedAt: now, lastError: null },
        });
        applied += count;
      }
      let pruned = 0;
      for (const e of stale) {
        const { count } = await tx.revocationEntry.updateMany({ where: { id: e.id, state: e.state, coversUntil: e.coversUntil }, data: { state: 'PRUNED', prunedAt: now } });
        pruned += count;
      }
      // Sessions whose deny was never written but whose credentials have expired meanwhile.
      const expired = await tx.labSession.findMany({ where: { ...coveredSessionFilter(role, stale), expiresAt: { lte: now } }, select: { id: true, labId: true, studentId: true } });
      await tx.labSession.updateMany({ where: { id: { in: expired.map((s) => s.id) }, state: 'REVOKING' }, data: { state: 'EXPIRED', sealedSecret: null, sealKeyId: null, endedAt: now } });
      const revoked = await tx.labSession.findMany({ where: coveredSessionFilter(role, live), select: { id: true, labId: true, studentId: true } });
      await tx.labSession.updateMany({
        where: { id: { in: revoked.map((s) => s.id) }, state: 'REVOKING' },
        data: { state: 'REVOKED', sealedSecret: null, sealKeyId: null, endedAt: now, failureCode: null, failureReason: null },
      });
      await this.audit.record(tx, role.tenantId, {
        action: 'revocation.applied',
        subjectType: 'role',
        subjectId: null,
        summary: { roleArn: role.roleArn, connectionId: role.connectionId, applied, pruned, revoked: revoked.map((s) => s.id), expired: expired.map((s) => s.id) },
      });
      return { applied, pruned, revoked, expired };
    });
    const at = now.toISOString();
    const event = (s: { id: string; labId: string; studentId: string }, state: string, reason: string): PushEvent => ({
      type: 'session.ended',
      tenantId: role.tenantId,
      labId: s.labId,
      studentId: s.studentId,
      sessionId: s.id,
      state,
      detail: { reason },
      at,
    });
    await this.push.publish([...ended.revoked.map((s) => event(s, 'REVOKED', 'revoked')), ...ended.expired.map((s) => event(s, 'EXPIRED', 'expired'))]);
    return { applied: ended.applied, pruned: ended.pruned, revoked: ended.revoked.length };
  }

  /** Records why the deny is not in AWS yet, on the entries and on the sessions the instructor sees. */
  private async notYetRevoked(role: RoleRef, live: StoredEntry[], reason: string): Promise<void> {
    const pending = live.filter((e) => e.state === 'PENDING');
    if (pending.length === 0) return;
    this.logger.warn({ roleArn: role.roleArn, entries: pending.length, reason }, 'revocation not yet applied');
    const flagged = await this.prisma.$transaction(async (tx) => {
      await tx.revocationEntry.updateMany({ where: { id: { in: pending.map((e) => e.id) }, state: 'PENDING' }, data: { lastError: reason } });
      const sessions = await tx.labSession.findMany({ where: coveredSessionFilter(role, pending), select: { id: true, labId: true, studentId: true, failureCode: true } });
      await tx.labSession.updateMany({ where: { id: { in: sessions.map((s) => s.id) }, state: 'REVOKING' }, data: { failureCode: 'RevocationPending', failureReason: reason } });
      // Told once per session, not on every retry.
      return sessions.filter((s) => s.failureCode !== 'RevocationPending');
    });
    const at = new Date().toISOString();
    await this.push.publish(
      flagged.map((s) => ({ type: 'revocation.pending', tenantId: role.tenantId, labId: s.labId, studentId: s.studentId, sessionId: s.id, state: 'REVOKING', detail: { reason }, at })),
    );
  }
}
