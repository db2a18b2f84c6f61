import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import type { SessionState } from '../generated/prisma/enums';
import { PrismaService } from '../prisma.service';

/** States in which a session counts as the student's live access to a lab. */
export const LIVE_SESSION_STATES: SessionState[] = ['PENDING', 'ISSUING', 'ACTIVE'];

export interface ClaimedSession {
  id: string;
  tenantId: string;
  labId: string;
  studentId: string;
  predecessorId: string | null;
  roleSessionName: string;
  studentHandle: string;
  /** Claims so far, this one included. */
  attempts: number;
  /** Milliseconds since the first claim, by the database's clock. */
  retryingMs: number;
  /** The last retryable AWS error, kept while the session is retried. */
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  /** Milliseconds until the lab's newest lab-wide deny can no longer catch a token issued now (0: issue at once). */
  holdMs: number;
}

export interface IssuedCredentials {
  accessKeyId: string;
  sealedSecret: Buffer;
  sealKeyId: string;
  assumedRoleId: string;
  assumedRoleArn: string;
  expiresAt: Date;
  /** Where the credentials were issued; revocation writes the deny there. */
  connectionId: string;
  roleArn: string;
}

/**
 * Session state transitions. Each is a conditional update on the expected
 * state (UPDATE … WHERE state = expected), so a job that runs twice changes
 * nothing the second time. Tenant id first, always.
 */
@Injectable()
export class SessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * PENDING → ISSUING, answering what issuing needs of the session in the same
   * statement (one round trip on the hottest path). An ISSUING session whose
   * claim is older than the lease (its worker died mid-call) may be claimed again.
   * The lease is measured by the database's clock, like every other deadline.
   */
  async claimForIssuing(tenantId: string, sessionId: string, leaseMs: number, revocationMarginMs: number): Promise<ClaimedSession | null> {
    const rows = await this.prisma.$queryRaw<ClaimedSession[]>`
      UPDATE lab_sessions AS s
         SET state = 'ISSUING', attempts = s.attempts + 1, first_attempt_at = COALESCE(s.first_attempt_at, now()), updated_at = now()
        FROM students AS st
       WHERE s.tenant_id = ${tenantId}::uuid AND s.id = ${sessionId}::uuid
         AND st.tenant_id = s.tenant_id AND st.id = s.student_id
         AND (s.state = 'PENDING' OR (s.state = 'ISSUING' AND s.updated_at < now() - ${leaseMs} * interval '1 millisecond'))
      RETURNING s.id, s.tenant_id AS "tenantId", s.lab_id AS "labId", s.student_id AS "studentId",
                s.predecessor_id AS "predecessorId", s.role_session_name AS "roleSessionName", st.handle AS "studentHandle",
                s.attempts, (EXTRACT(EPOCH FROM now() - s.first_attempt_at) * 1000)::float8 AS "retryingMs",
                s.failure_code AS "lastErrorCode", s.failure_reason AS "lastErrorMessage",
                COALESCE(GREATEST(0, EXTRACT(EPOCH FROM (
                  (SELECT max(r.denies_before) FROM revocation_entries r
                    WHERE r.tenant_id = s.tenant_id AND r.lab_id = s.lab_id AND r.scope = 'LAB' AND r.state <> 'PRUNED')
                  + ${revocationMarginMs} * interval '1 millisecond' - now())) * 1000), 0)::float8 AS "holdMs"`;
    return rows[0] ?? null;
  }

  /**
   * ISSUING → PENDING, so a retry can claim it again. A paced delay is not an attempt; a retryable AWS
   * error is, and is kept so that a session that never succeeds ends FAILED with it.
   */
  async releaseClaim(tenantId: string, sessionId: string, release: { attempt: false } | { attempt: true; code: string; message: string }): Promise<boolean> {
    if (!release.attempt) {
      return this.transition(tenantId, sessionId, 'ISSUING', { state: 'PENDING', attempts: { decrement: 1 } });
    }
    return this.transition(tenantId, sessionId, 'ISSUING', { state: 'PENDING', failureCode: release.code, failureReason: release.message.slice(0, 2000) });
  }

  /** ISSUING → ACTIVE with the sealed credentials; raw SQL because it runs once per issued session. */
  async markActive(tenantId: string, sessionId: string, credentials: IssuedCredentials): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE lab_sessions
         SET state = 'ACTIVE', access_key_id = ${credentials.accessKeyId}, sealed_secret = ${credentials.sealedSecret},
             seal_key_id = ${credentials.sealKeyId}, assumed_role_id = ${credentials.assumedRoleId},
             assumed_role_arn = ${credentials.assumedRoleArn}, expires_at = ${credentials.expiresAt}, issued_at = now(),
             connection_id = ${credentials.connectionId}::uuid, role_arn = ${credentials.roleArn},
             failure_code = NULL, failure_reason = NULL, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${sessionId}::uuid AND state = 'ISSUING'`;
    return count === 1;
  }

  async markFailed(tenantId: string, sessionId: string, from: SessionState, code: string, reason: string): Promise<boolean> {
    return this.transition(tenantId, sessionId, from, { state: 'FAILED', failureCode: code, failureReason: reason.slice(0, 2000), endedAt: new Date() });
  }

  /** ACTIVE → EXPIRED once its expiry has passed by the database's clock; the sealed secret is destroyed with it. */
  async markExpired(tenantId: string, sessionId: string): Promise<boolean> {
    return (await this.expireIfDue(tenantId, sessionId)) !== null;
  }

  /** The same, in one statement that also answers who to tell (null when not ACTIVE or not yet due). */
  async expireIfDue(tenantId: string, sessionId: string): Promise<{ labId: string; studentId: string } | null> {
    const rows = await this.prisma.$queryRaw<{ labId: string; studentId: string }[]>`
      UPDATE lab_sessions SET state = 'EXPIRED', sealed_secret = NULL, seal_key_id = NULL, ended_at = now(), updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${sessionId}::uuid AND state = 'ACTIVE' AND expires_at <= now()
      RETURNING lab_id AS "labId", student_id AS "studentId"`;
    return rows[0] ?? null;
  }

  /**
   * Marks the expiring notice of an ACTIVE session as sent, once: true only for the caller that marked it,
   * so the job and the sweep never both tell the student.
   */
  async claimExpiringNotice(tenantId: string, sessionId: string, noticeMs: number): Promise<{ labId: string; studentId: string; expiresAt: Date } | null> {
    const rows = await this.prisma.$queryRaw<{ labId: string; studentId: string; expiresAt: Date }[]>`
      UPDATE lab_sessions SET expiring_notified_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${sessionId}::uuid AND state = 'ACTIVE' AND expiring_notified_at IS NULL
         AND expires_at > now() AND expires_at <= now() + ${noticeMs} * interval '1 millisecond'
      RETURNING lab_id AS "labId", student_id AS "studentId", expires_at AS "expiresAt"`;
    return rows[0] ?? null;
  }

  async transition(tenantId: string, sessionId: string, from: SessionState, data: Prisma.LabSessionUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.prisma.labSession.updateMany({ where: { tenantId, id: sessionId, state: from }, data });
    return count === 1;
  }

}
