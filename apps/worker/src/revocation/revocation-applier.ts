import { Injectable, Logger } from '@nestjs/common';
import { AwsCallError, IamGateway, parseRoleArn } from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import {
  AuditWriter,
  buildRevocationPolicy,
  iamPolicySize,
  revocationPolicyName,
  ROLE_INLINE_BUDGET,
} from '@labkeys/core';
import {
  DatabaseClock,
  LabSessionRepository,
  RevocationEntryRepository,
  UnitOfWork,
  type AwsConnection,
  type TenantScope,
  type Tx,
} from '@labkeys/database';
import { PushPublisher, sessionEvent, type PushEvent } from '@labkeys/push';
import { revocationMetrics } from '@labkeys/metrics';
import type { RoleRef } from '@labkeys/queues';
import { coverOf, readRoleRevocationState, type StoredEntry } from './role-revocation-state';

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

type Ended = { id: string; labId: string; studentId: string; revokeReason?: string | null };

/** What one locked round decided; events are published and errors thrown only after its transaction commits. */
type Round =
  | { kind: 'nothing' }
  | { kind: 'written'; outcome: ApplyOutcome; revoked: Ended[]; expired: Ended[]; at: Date }
  | { kind: 'refused'; flagged: Ended[]; reason: string; error: Error };

/** IAM calls of one round may take seconds; the round holds the role's lock (and a pool connection) meanwhile. */
const ROUND_TX = { timeout: 120_000, maxWait: 10_000 };

/**
 * Writes one lab role's deny policy from its revocation entries and ends the sessions it covers.
 * A session becomes REVOKED only after IAM accepted a document that denies it; when IAM fails or the
 * document cannot fit the role's inline budget even merged, the sessions stay REVOKING with the reason,
 * the instructor is told, and the job is retried.
 *
 * Read → PutRolePolicy → mark APPLIED runs under a Postgres advisory lock of the connection and role, so two
 * appliers of the same role (a stalled job redelivered, two workers) cannot both read and then write: the
 * later one reads what the earlier one wrote and marked, and an older document never overwrites a newer one.
 */
@Injectable()
export class RevocationApplier {
  private readonly logger = new Logger(RevocationApplier.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly entries: RevocationEntryRepository,
    private readonly sessions: LabSessionRepository,
    private readonly clock: DatabaseClock,
    private readonly iam: IamGateway,
    private readonly push: PushPublisher,
    private readonly audit: AuditWriter,
    private readonly config: AppConfig,
  ) {}

  /** `scope` is the role's tenant (`role.tenantId`), minted by the job that asks. */
  async apply(scope: TenantScope, role: RoleRef): Promise<ApplyOutcome | 'nothing'> {
    const connection = await this.entries.connectionOf(scope, role.connectionId);
    const roleName = parseRoleArn(role.roleArn)?.roleName;
    // Templates are validated on save; an entry naming no role could only come from a deleted connection.
    if (!connection || !roleName) return 'nothing';
    const round = await this.uow.run((tx) => this.round(scope, role, connection, roleName, tx), ROUND_TX);
    if (round.kind === 'nothing') return 'nothing';
    if (round.kind === 'refused') {
      await this.push.publish(
        round.flagged.map((s) => this.event(role, s, 'revocation.pending', 'REVOKING', round.reason, new Date())),
      );
      throw round.error;
    }
    await this.push.publish([
      ...round.revoked.map((s) => this.event(role, s, 'session.ended', 'REVOKED', 'revoked', round.at, s.revokeReason)),
      ...round.expired.map((s) => this.event(role, s, 'session.ended', 'EXPIRED', 'expired', round.at)),
    ]);
    return round.outcome;
  }

  private async round(
    scope: TenantScope,
    role: RoleRef,
    connection: AwsConnection,
    roleName: string,
    tx: Tx,
  ): Promise<Round> {
    await this.entries.lockRole(scope, role, tx);
    // Read after the lock is held, by the database's clock (the one every deadline is compared on).
    const now = await this.clock.clockTimestamp(tx);
    const marginMs = this.config.revocationClockMarginMs;
    const state = await readRoleRevocationState(
      { entries: this.entries, sessions: this.sessions },
      scope,
      role,
      now,
      marginMs,
      tx,
    );
    if (state.live.length === 0 && state.stale.length === 0) return { kind: 'nothing' };

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
    const built = buildRevocationPolicy({ entries: state.policyEntries, cutoffs: state.cutoffs, budget, marginMs });
    revocationMetrics.budget(
      `${role.tenantId}|${role.connectionId}|${role.roleArn}`,
      (others + built.size) / ROLE_INLINE_BUDGET,
    );
    if (!built.fits) {
      const reason = `Not yet revoked: the deny needs ${built.size} characters but role ${roleName} has ${Math.max(0, budget)} of its 10,240 inline characters left; LabKeys keeps retrying.`;
      const error = new RevocationNotAppliedError(
        `revocation policy of ${built.size} characters does not fit the ${budget} left on the role`,
      );
      return { kind: 'refused', flagged: await this.notYetRevoked(scope, role, state.live, reason, tx), reason, error };
    }
    try {
      if (built.document === null) {
        if (current !== null) await this.iam.deleteRolePolicy(connection, roleName, policyName);
      } else if (
        current === null ||
        iamPolicySize(current) !== built.size ||
        JSON.stringify(JSON.parse(current)) !== built.document
      ) {
        await this.iam.putRolePolicy(connection, roleName, policyName, built.document);
      }
    } catch (error) {
      if (!(error instanceof AwsCallError)) throw error;
      // LimitExceeded: another inline policy grew since it was measured; the next attempt measures again.
      const reason = `Not yet revoked: AWS refused the deny (${error.code}: ${error.message}); LabKeys keeps retrying.`;
      return { kind: 'refused', flagged: await this.notYetRevoked(scope, role, state.live, reason, tx), reason, error };
    }
    const ended = await this.afterWrite(scope, role, state.live, state.stale, now, tx);
    revocationMetrics.applied(state.live, now);
    return {
      kind: 'written',
      outcome: {
        applied: ended.applied,
        pruned: ended.pruned,
        revoked: ended.revoked.length,
        size: built.size,
        merged: built.merged,
      },
      ...ended,
      at: now,
    };
  }

  /** IAM holds the document: its entries are APPLIED, the pruned ones PRUNED, the covered sessions REVOKED. */
  private async afterWrite(
    scope: TenantScope,
    role: RoleRef,
    live: StoredEntry[],
    stale: StoredEntry[],
    now: Date,
    tx: Tx,
  ) {
    let applied = 0;
    for (const e of live.filter((x) => x.state === 'PENDING')) {
      // Unchanged since read: a revocation reopened meanwhile is written by the next round.
      applied += await this.entries.markApplied(scope, e, now, tx);
    }
    let pruned = 0;
    for (const e of stale) {
      pruned += await this.entries.markPruned(scope, e, now, tx);
    }
    // Sessions whose deny was never written but whose credentials have expired meanwhile.
    const expired = await this.sessions.findCovered(scope, coverOf(role, stale), tx, now);
    await this.sessions.expireRevoking(
      scope,
      expired.map((s) => s.id),
      now,
      tx,
    );
    const revoked = await this.sessions.findCovered(scope, coverOf(role, live), tx);
    await this.sessions.completeRevocation(
      scope,
      revoked.map((s) => s.id),
      now,
      tx,
    );
    await this.audit.record(
      scope,
      {
        action: 'revocation.applied',
        subjectType: 'role',
        subjectId: null,
        summary: {
          roleArn: role.roleArn,
          connectionId: role.connectionId,
          applied,
          pruned,
          revoked: revoked.map((s) => s.id),
          expired: expired.map((s) => s.id),
        },
      },
      tx,
    );
    return { applied, pruned, revoked, expired };
  }

  /** Records why the deny is not in AWS yet, on the entries and on the sessions the instructor sees; answers whom to tell. */
  private async notYetRevoked(
    scope: TenantScope,
    role: RoleRef,
    live: StoredEntry[],
    reason: string,
    tx: Tx,
  ): Promise<Ended[]> {
    const pending = live.filter((e) => e.state === 'PENDING');
    if (pending.length === 0) return [];
    this.logger.warn({ roleArn: role.roleArn, entries: pending.length, reason }, 'revocation not yet applied');
    await this.entries.recordError(
      scope,
      pending.map((e) => e.id),
      reason,
      tx,
    );
    const sessions = await this.sessions.findCovered(scope, coverOf(role, pending), tx);
    await this.sessions.flagRevocationPending(
      scope,
      sessions.map((s) => s.id),
      reason,
      tx,
    );
    // Told once per session, not on every retry.
    return sessions.filter((s) => s.failureCode !== 'RevocationPending');
  }

  private event(
    role: RoleRef,
    s: Ended,
    type: 'session.ended' | 'revocation.pending',
    state: string,
    reason: string,
    at: Date,
    revokeReason?: string | null,
  ): PushEvent {
    return sessionEvent(
      type,
      { tenantId: role.tenantId, labId: s.labId, studentId: s.studentId, sessionId: s.id },
      state,
      revokeReason ? { reason, revokeReason } : { reason },
      at,
    );
  }
}
