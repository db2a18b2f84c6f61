import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import type { SessionState } from '../generated/prisma/enums';
import { pageArgs, toPage, type PageRequest, type SortDirection } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

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
 * Lab sessions: the issuance state machine, the revocation steps, the instructor's and the student's reads,
 * and the sweep's cross-tenant queries (`system…`). Each transition is a conditional update on the expected
 * state (UPDATE … WHERE state = expected), so a job that runs twice changes nothing the second time; every
 * statement of a tenant method carries `tenant_id = scope.tenantId`.
 */
@Injectable()
export class LabSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * PENDING → ISSUING, answering what issuing needs of the session in the same
   * statement (one round trip on the hottest path). An ISSUING session whose
   * claim is older than the lease (its worker died mid-call) may be claimed again.
   * The lease is measured by the database's clock, like every other deadline.
   */
  async claimForIssuing(
    scope: TenantScope,
    sessionId: string,
    leaseMs: number,
    revocationMarginMs: number,
  ): Promise<ClaimedSession | null> {
    const rows = await this.prisma.$queryRaw<ClaimedSession[]>`
      UPDATE lab_sessions AS s
         SET state = 'ISSUING', attempts = s.attempts + 1, first_attempt_at = COALESCE(s.first_attempt_at, now()), updated_at = now()
        FROM students AS st
       WHERE s.tenant_id = ${scope.tenantId}::uuid AND s.id = ${sessionId}::uuid
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
  async releaseClaim(
    scope: TenantScope,
    sessionId: string,
    release: { attempt: false } | { attempt: true; code: string; message: string },
  ): Promise<boolean> {
    if (!release.attempt) {
      return this.transition(scope, sessionId, 'ISSUING', { state: 'PENDING', attempts: { decrement: 1 } });
    }
    return this.transition(scope, sessionId, 'ISSUING', {
      state: 'PENDING',
      failureCode: release.code,
      failureReason: release.message.slice(0, 2000),
    });
  }

  /** ISSUING → ACTIVE with the sealed credentials; raw SQL because it runs once per issued session. */
  async markActive(scope: TenantScope, sessionId: string, credentials: IssuedCredentials): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE lab_sessions
         SET state = 'ACTIVE', access_key_id = ${credentials.accessKeyId}, sealed_secret = ${credentials.sealedSecret},
             seal_key_id = ${credentials.sealKeyId}, assumed_role_id = ${credentials.assumedRoleId},
             assumed_role_arn = ${credentials.assumedRoleArn}, expires_at = ${credentials.expiresAt}, issued_at = now(),
             connection_id = ${credentials.connectionId}::uuid, role_arn = ${credentials.roleArn},
             failure_code = NULL, failure_reason = NULL, updated_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${sessionId}::uuid AND state = 'ISSUING'`;
    return count === 1;
  }

  async markFailed(
    scope: TenantScope,
    sessionId: string,
    from: SessionState,
    code: string,
    reason: string,
  ): Promise<boolean> {
    return this.transition(scope, sessionId, from, {
      state: 'FAILED',
      failureCode: code,
      failureReason: reason.slice(0, 2000),
      endedAt: new Date(),
    });
  }

  /** ACTIVE → EXPIRED once its expiry has passed by the database's clock; the sealed secret is destroyed with it. */
  async markExpired(scope: TenantScope, sessionId: string): Promise<boolean> {
    return (await this.expireIfDue(scope, sessionId)) !== null;
  }

  /** The same, in one statement that also answers who to tell (null when not ACTIVE or not yet due). */
  async expireIfDue(scope: TenantScope, sessionId: string): Promise<{ labId: string; studentId: string } | null> {
    const rows = await this.prisma.$queryRaw<{ labId: string; studentId: string }[]>`
      UPDATE lab_sessions SET state = 'EXPIRED', sealed_secret = NULL, seal_key_id = NULL, ended_at = now(), updated_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${sessionId}::uuid AND state = 'ACTIVE' AND expires_at <= now()
      RETURNING lab_id AS "labId", student_id AS "studentId"`;
    return rows[0] ?? null;
  }

  /**
   * Marks the expiring notice of an ACTIVE session as sent, once: true only for the caller that marked it,
   * so the job and the sweep never both tell the student.
   */
  async claimExpiringNotice(
    scope: TenantScope,
    sessionId: string,
    noticeMs: number,
  ): Promise<{ labId: string; studentId: string; expiresAt: Date } | null> {
    const rows = await this.prisma.$queryRaw<{ labId: string; studentId: string; expiresAt: Date }[]>`
      UPDATE lab_sessions SET expiring_notified_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${sessionId}::uuid AND state = 'ACTIVE' AND expiring_notified_at IS NULL
         AND expires_at > now() AND expires_at <= now() + ${noticeMs} * interval '1 millisecond'
      RETURNING lab_id AS "labId", student_id AS "studentId", expires_at AS "expiresAt"`;
    return rows[0] ?? null;
  }

  private async transition(
    scope: TenantScope,
    sessionId: string,
    from: SessionState,
    data: Prisma.LabSessionUpdateManyMutationInput,
  ): Promise<boolean> {
    const { count } = await this.prisma.labSession.updateMany({
      where: { tenantId: scope.tenantId, id: sessionId, state: from },
      data,
    });
    return count === 1;
  }

  // ── Reads and writes of one session ──────────────────────────────────────────

  find(scope: TenantScope, sessionId: string) {
    return this.prisma.labSession.findFirst({
      where: { tenantId: scope.tenantId, id: sessionId },
      select: { id: true, state: true, expiresAt: true, labId: true, studentId: true },
    });
  }

  findState(scope: TenantScope, sessionId: string, tx?: Tx): Promise<{ state: SessionState } | null> {
    return clientOf(this.prisma, tx).labSession.findFirst({
      where: { tenantId: scope.tenantId, id: sessionId },
      select: { state: true },
    });
  }

  findWithStudentHandle(scope: TenantScope, sessionId: string, tx?: Tx) {
    return clientOf(this.prisma, tx).labSession.findFirst({
      where: { tenantId: scope.tenantId, id: sessionId },
      include: { student: { select: { handle: true } } },
    });
  }

  /** The session a renewal created for `predecessorId`, if any. */
  findSuccessor(scope: TenantScope, predecessorId: string, tx?: Tx): Promise<{ id: string } | null> {
    return clientOf(this.prisma, tx).labSession.findFirst({
      where: { tenantId: scope.tenantId, predecessorId },
      select: { id: true },
    });
  }

  async createSuccessor(
    scope: TenantScope,
    session: NewPendingSession & { predecessorId: string },
    tx: Tx,
  ): Promise<void> {
    await clientOf(this.prisma, tx).labSession.create({
      data: { ...session, tenantId: scope.tenantId, state: 'PENDING' },
    });
  }

  // ── Starting a lab ───────────────────────────────────────────────────────────

  /** Whether the student is enrolled in the (unarchived) course and not deleted. */
  async isEnrolled(scope: TenantScope, courseId: string, studentId: string, tx?: Tx): Promise<boolean> {
    const enrolled = await clientOf(this.prisma, tx).enrollment.findFirst({
      where: {
        tenantId: scope.tenantId,
        courseId,
        studentId,
        unenrolledAt: null,
        course: { archivedAt: null },
        student: { deletedAt: null },
      },
      select: { id: true },
    });
    return enrolled !== null;
  }

  /** The students enrolled in an unarchived course (optionally only some of them), not deleted. */
  async enrolledStudents(
    scope: TenantScope,
    courseId: string,
    onlyStudents: string[] | undefined,
    tx?: Tx,
  ): Promise<{ id: string; handle: string }[]> {
    const enrolled = await clientOf(this.prisma, tx).enrollment.findMany({
      where: {
        tenantId: scope.tenantId,
        courseId,
        unenrolledAt: null,
        student: { deletedAt: null },
        course: { archivedAt: null },
        ...(onlyStudents ? { studentId: { in: onlyStudents } } : {}),
      },
      select: { student: { select: { id: true, handle: true } } },
    });
    return enrolled.map((e) => e.student);
  }

  /** Students with a session of the lab in one of `states`. */
  async studentIdsInStates(scope: TenantScope, labId: string, states: SessionState[], tx?: Tx): Promise<string[]> {
    const rows = await clientOf(this.prisma, tx).labSession.findMany({
      where: { tenantId: scope.tenantId, labId, state: { in: states } },
      select: { studentId: true },
    });
    return rows.map((s) => s.studentId);
  }

  async createPending(scope: TenantScope, sessions: NewPendingSession[], tx: Tx): Promise<void> {
    if (sessions.length > 0)
      await clientOf(this.prisma, tx).labSession.createMany({
        data: sessions.map((s) => ({ ...s, tenantId: scope.tenantId, state: 'PENDING' as const })),
      });
  }

  async pendingIdsOfLab(scope: TenantScope, labId: string): Promise<string[]> {
    const pending = await this.prisma.labSession.findMany({
      where: { tenantId: scope.tenantId, labId, state: 'PENDING' },
      select: { id: true },
    });
    return pending.map((s) => s.id);
  }

  // ── Revocation ───────────────────────────────────────────────────────────────

  /** Whether the tenant has the student a revocation names. */
  async studentExists(scope: TenantScope, studentId: string, tx?: Tx): Promise<boolean> {
    return (
      (await clientOf(this.prisma, tx).student.findFirst({
        where: { tenantId: scope.tenantId, id: studentId },
        select: { id: true },
      })) !== null
    );
  }

  findInLab(scope: TenantScope, labId: string, sessionId: string, tx?: Tx): Promise<{ id: string } | null> {
    return clientOf(this.prisma, tx).labSession.findFirst({
      where: { tenantId: scope.tenantId, labId, id: sessionId },
      select: { id: true },
    });
  }

  /** The labs that sessions matched by `selector` (any state) belong to. */
  async labIdsOf(scope: TenantScope, selector: SessionSelector, tx?: Tx): Promise<string[]> {
    const labs = await clientOf(this.prisma, tx).labSession.findMany({
      where: { tenantId: scope.tenantId, ...whereOf(selector) },
      distinct: ['labId'],
      select: { labId: true },
    });
    return labs.map((l) => l.labId);
  }

  async liveIds(scope: TenantScope, selector: SessionSelector, tx?: Tx): Promise<string[]> {
    const live = await clientOf(this.prisma, tx).labSession.findMany({
      where: { ...whereOf(selector), tenantId: scope.tenantId, state: { in: LIVE_SESSION_STATES } },
      select: { id: true },
    });
    return live.map((s) => s.id);
  }

  /** PENDING/ISSUING → REVOKED at `now`: never issued, nothing to deny. `revokeReason`: the instructor's words, if any. */
  async endUnissued(scope: TenantScope, ids: string[], now: Date, revokeReason: string | null, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).labSession.updateMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, state: { in: ['PENDING', 'ISSUING'] } },
      data: {
        state: 'REVOKED',
        revokeRequestedAt: now,
        revokeReason,
        endedAt: now,
        failureCode: null,
        failureReason: null,
      },
    });
  }

  /** ACTIVE → REVOKING at `now`, until IAM has accepted the deny. */
  async markRevoking(scope: TenantScope, ids: string[], now: Date, revokeReason: string | null, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).labSession.updateMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, state: 'ACTIVE' },
      data: { state: 'REVOKING', revokeRequestedAt: now, revokeReason },
    });
  }

  /** The sessions among `ids` whose revocation was requested at `now`, with the role each was issued on. */
  revokedAt(scope: TenantScope, ids: string[], now: Date, tx?: Tx): Promise<RevokedSession[]> {
    return clientOf(this.prisma, tx).labSession.findMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, revokeRequestedAt: now },
      // The template is only a fallback for rows issued before sessions recorded their own role.
      select: {
        id: true,
        labId: true,
        studentId: true,
        connectionId: true,
        roleArn: true,
        issuedAt: true,
        lab: { select: { template: { select: { roleArn: true, connectionId: true } } } },
        state: true,
        expiresAt: true,
      },
    });
  }

  async issuedAtOf(scope: TenantScope, ids: string[], tx?: Tx): Promise<{ id: string; issuedAt: Date | null }[]> {
    return clientOf(this.prisma, tx).labSession.findMany({
      where: { tenantId: scope.tenantId, id: { in: ids } },
      select: { id: true, issuedAt: true },
    });
  }

  /** Per lab, the earliest `issuedAt` of its ACTIVE sessions. */
  async earliestActiveIssueByLab(
    scope: TenantScope,
    labIds: string[],
    tx?: Tx,
  ): Promise<{ labId: string; at: Date | null }[]> {
    const groups = await clientOf(this.prisma, tx).labSession.groupBy({
      by: ['labId'],
      where: { tenantId: scope.tenantId, labId: { in: labIds }, state: 'ACTIVE' },
      _min: { issuedAt: true },
    });
    return groups.map((g) => ({ labId: g.labId, at: g._min.issuedAt }));
  }

  /** Per lab, the earliest claim (last update) of its ISSUING sessions. */
  async earliestIssuingClaimByLab(
    scope: TenantScope,
    labIds: string[],
    tx?: Tx,
  ): Promise<{ labId: string; at: Date | null }[]> {
    const groups = await clientOf(this.prisma, tx).labSession.groupBy({
      by: ['labId'],
      where: { tenantId: scope.tenantId, labId: { in: labIds }, state: 'ISSUING' },
      _min: { updatedAt: true },
    });
    return groups.map((g) => ({ labId: g.labId, at: g._min.updatedAt }));
  }

  /** REVOKING sessions a role's deny covers (see RevocationCover); with `expiredBy`, only those expired by then. */
  findCovered(scope: TenantScope, cover: RevocationCover, tx?: Tx, expiredBy?: Date): Promise<CoveredSession[]> {
    const onRole = { OR: [{ connectionId: cover.connectionId, roleArn: cover.roleArn }, { roleArn: null }] };
    return clientOf(this.prisma, tx).labSession.findMany({
      where: {
        tenantId: scope.tenantId,
        state: 'REVOKING' as const,
        AND: [
          onRole,
          {
            OR: [
              { id: { in: cover.sessionIds } },
              ...cover.labs.map((l) => ({ labId: l.labId, revokeRequestedAt: { lte: l.requestedBy } })),
            ],
          },
        ],
        ...(expiredBy ? { expiresAt: { lte: expiredBy } } : {}),
      },
      select: { id: true, labId: true, studentId: true, failureCode: true, revokeReason: true },
    });
  }

  /** REVOKING → EXPIRED: their deny was never written but their credentials have expired. */
  async expireRevoking(scope: TenantScope, ids: string[], now: Date, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).labSession.updateMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, state: 'REVOKING' },
      data: { state: 'EXPIRED', sealedSecret: null, sealKeyId: null, endedAt: now },
    });
  }

  /** REVOKING → REVOKED once IAM holds a deny that covers them; the sealed secret goes with it. */
  async completeRevocation(scope: TenantScope, ids: string[], now: Date, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).labSession.updateMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, state: 'REVOKING' },
      data: {
        state: 'REVOKED',
        sealedSecret: null,
        sealKeyId: null,
        endedAt: now,
        failureCode: null,
        failureReason: null,
      },
    });
  }

  /** Records on REVOKING sessions why their deny is not in AWS yet. */
  async flagRevocationPending(scope: TenantScope, ids: string[], reason: string, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).labSession.updateMany({
      where: { tenantId: scope.tenantId, id: { in: ids }, state: 'REVOKING' },
      data: { failureCode: 'RevocationPending', failureReason: reason },
    });
  }

  // ── The instructor's view (non-secret columns only) ──────────────────────────

  async pageOfLab(
    scope: TenantScope,
    labId: string,
    state: SessionState | undefined,
    page: PageRequest,
    sort: { field: 'createdAt' | 'expiresAt'; direction: SortDirection },
  ) {
    const rows = await this.prisma.labSession.findMany({
      where: { tenantId: scope.tenantId, labId, state },
      select: SAFE_FIELDS,
      ...pageArgs(scope.tenantId, page, sort),
    });
    return toPage(rows, page);
  }

  findSafe(scope: TenantScope, sessionId: string) {
    return this.prisma.labSession.findFirst({
      where: { tenantId: scope.tenantId, id: sessionId },
      select: SAFE_FIELDS,
    });
  }

  async countByState(scope: TenantScope, labId: string): Promise<{ state: SessionState; count: number }[]> {
    const groups = await this.prisma.labSession.groupBy({
      by: ['state'],
      where: { tenantId: scope.tenantId, labId },
      _count: { _all: true },
    });
    return groups.map((g) => ({ state: g.state, count: g._count._all }));
  }

  /**
   * How far a lab's class has got, per student (a renewal's two sessions count once): ready (an ACTIVE
   * session), waiting (one being issued and none ACTIVE), failed (neither, the newest attempt FAILED). Counts
   * only; students whose access ended otherwise are not counted.
   */
  async classProgress(scope: TenantScope, labId: string): Promise<ClassProgress> {
    const [row] = await this.prisma.$queryRaw<ClassProgress[]>`
      SELECT count(*) FILTER (WHERE active)::int AS ready,
             count(*) FILTER (WHERE NOT active AND waiting)::int AS waiting,
             count(*) FILTER (WHERE NOT active AND NOT waiting AND failed)::int AS failed
        FROM (SELECT bool_or(state = 'ACTIVE') AS active, bool_or(state IN ('PENDING', 'ISSUING')) AS waiting,
                     bool_or(state = 'FAILED') AS failed
                FROM lab_sessions
               WHERE tenant_id = ${scope.tenantId}::uuid AND lab_id = ${labId}::uuid
               GROUP BY student_id) AS per_student`;
    return row ?? { ready: 0, waiting: 0, failed: 0 };
  }

  // ── The student's own sessions ───────────────────────────────────────────────

  /** The labs of the course in which the student has a session being issued (PENDING or ISSUING). */
  async waitingLabsOfStudent(scope: TenantScope, studentId: string, courseId: string): Promise<string[]> {
    const rows = await this.prisma.labSession.findMany({
      where: { tenantId: scope.tenantId, studentId, state: { in: ['PENDING', 'ISSUING'] }, lab: { courseId } },
      distinct: ['labId'],
      select: { labId: true },
      take: 20,
    });
    return rows.map((r) => r.labId);
  }

  /** The student's 20 newest sessions in the course's labs, with lab, template and connection. */
  recentOfStudent(scope: TenantScope, studentId: string, courseId: string) {
    return this.prisma.labSession.findMany({
      where: { tenantId: scope.tenantId, studentId, lab: { courseId } },
      orderBy: [{ createdAt: 'desc' }],
      take: 20,
      include: SESSION_CONTEXT,
    });
  }

  /** One ACTIVE session of the student in the course, with lab, template and connection. */
  findActiveOfStudent(scope: TenantScope, sessionId: string, studentId: string, courseId: string) {
    return this.prisma.labSession.findFirst({
      where: { tenantId: scope.tenantId, id: sessionId, studentId, state: 'ACTIVE', lab: { courseId } },
      include: SESSION_CONTEXT,
    });
  }

  /**
   * The sealed credentials of one of the student's ACTIVE sessions, in one statement (this runs for every
   * credential pushed to a stream), and only while the token the stream was opened with still opens the
   * enrollment: current hash, enrolled, course not archived, student not deleted, token not past its lifetime.
   */
  async sealedForStream(scope: TenantScope, q: StreamCredentialsQuery): Promise<SealedSessionRow | null> {
    const [row] = await this.prisma.$queryRaw<SealedSessionRow[]>`
      SELECT s.id, s.tenant_id AS "tenantId", s.lab_id AS "labId", s.access_key_id AS "accessKeyId", s.sealed_secret AS "sealedSecret",
             s.seal_key_id AS "sealKeyId", s.expires_at AS "expiresAt", s.assumed_role_arn AS "assumedRoleArn",
             l.name AS "labName", c.region, c.endpoint_override AS "endpointOverride"
        FROM lab_sessions s
        JOIN labs l ON l.tenant_id = s.tenant_id AND l.id = s.lab_id
        JOIN role_templates t ON t.tenant_id = l.tenant_id AND t.id = l.template_id
        JOIN aws_connections c ON c.tenant_id = t.tenant_id AND c.id = t.connection_id
        JOIN enrollments e ON e.tenant_id = s.tenant_id AND e.id = ${q.enrollmentId}::uuid
        JOIN courses co ON co.tenant_id = e.tenant_id AND co.id = e.course_id
        JOIN students st ON st.tenant_id = s.tenant_id AND st.id = s.student_id
       WHERE s.tenant_id = ${scope.tenantId}::uuid AND s.id = ${q.sessionId}::uuid AND s.student_id = ${q.studentId}::uuid
         AND l.course_id = ${q.courseId}::uuid AND s.state = 'ACTIVE' AND s.sealed_secret IS NOT NULL
         AND e.access_token_hash = ${q.tokenHash} AND e.unenrolled_at IS NULL AND co.archived_at IS NULL AND st.deleted_at IS NULL
         AND COALESCE(co.ends_at, COALESCE(e.token_issued_at, 'epoch'::timestamptz) + ${q.tokenLifetimeMs} * interval '1 millisecond') > now()`;
    return row ?? null;
  }

  // ── The repair sweep, across tenants ─────────────────────────────────────────

  systemOverdueActive(now: Date, take: number) {
    return this.prisma.labSession.findMany({
      where: { state: 'ACTIVE', expiresAt: { lte: now } },
      select: { id: true, tenantId: true, labId: true, studentId: true },
      take,
    });
  }

  /** ISSUING claims last updated before `claimedBefore` go back to PENDING; answers how many. */
  async systemReclaimAbandoned(claimedBefore: Date): Promise<number> {
    const { count } = await this.prisma.labSession.updateMany({
      where: { state: 'ISSUING', updatedAt: { lt: claimedBefore } },
      data: { state: 'PENDING' },
    });
    return count;
  }

  /** PENDING sessions claimed `maxAttempts` times or first claimed before `firstAttemptBefore`. */
  systemExhausted(maxAttempts: number, firstAttemptBefore: Date, take: number) {
    return this.prisma.labSession.findMany({
      where: {
        state: 'PENDING',
        OR: [{ attempts: { gte: maxAttempts } }, { firstAttemptAt: { lt: firstAttemptBefore } }],
      },
      select: {
        id: true,
        tenantId: true,
        labId: true,
        studentId: true,
        failureCode: true,
        failureReason: true,
        attempts: true,
      },
      take,
    });
  }

  /** ACTIVE sessions of running auto-renew labs expiring within `leadMs` (database clock) that have no successor yet. */
  systemRenewDue(leadMs: number, limit: number): Promise<{ id: string; tenantId: string }[]> {
    return this.prisma.$queryRaw<{ id: string; tenantId: string }[]>`
      SELECT s.id, s.tenant_id AS "tenantId"
        FROM lab_sessions s
        JOIN labs l ON l.tenant_id = s.tenant_id AND l.id = s.lab_id
       WHERE s.state = 'ACTIVE' AND l.state = 'RUNNING' AND l.auto_renew
         AND s.expires_at > now() AND s.expires_at <= now() + ${leadMs} * interval '1 millisecond'
         AND NOT EXISTS (SELECT 1 FROM lab_sessions n WHERE n.tenant_id = s.tenant_id AND n.predecessor_id = s.id)
       LIMIT ${limit}`;
  }

  /** ACTIVE sessions expiring after `now` and by `until` whose student was not told yet. */
  systemExpiringUnnotified(now: Date, until: Date, take: number): Promise<{ id: string; tenantId: string }[]> {
    return this.prisma.labSession.findMany({
      where: { state: 'ACTIVE', expiringNotifiedAt: null, expiresAt: { gt: now, lte: until } },
      select: { id: true, tenantId: true },
      take,
    });
  }

  systemPendingSince(updatedBefore: Date, take: number): Promise<{ id: string; tenantId: string }[]> {
    return this.prisma.labSession.findMany({
      where: { state: 'PENDING', updatedAt: { lt: updatedBefore } },
      select: { id: true, tenantId: true },
      take,
    });
  }
}

/** Students of a lab by how far their access has got (see LabSessionRepository.classProgress). */
export interface ClassProgress {
  ready: number;
  waiting: number;
  failed: number;
}

/** A session to create PENDING (the tenant comes from the scope). */
export interface NewPendingSession {
  id: string;
  labId: string;
  studentId: string;
  roleSessionName: string;
  predecessorId?: string;
}

/** Which sessions a revocation reaches; the fields combine (AND). */
export interface SessionSelector {
  labId?: string;
  /** This session and the successor a renewal created for it. */
  sessionOrSuccessorOf?: string;
  studentId?: string;
  studentIds?: string[];
  /** Only sessions in labs of these courses. */
  courseIds?: string[];
}

function whereOf(s: SessionSelector): Prisma.LabSessionWhereInput {
  return {
    ...(s.labId !== undefined ? { labId: s.labId } : {}),
    ...(s.sessionOrSuccessorOf !== undefined
      ? { OR: [{ id: s.sessionOrSuccessorOf }, { predecessorId: s.sessionOrSuccessorOf }] }
      : {}),
    ...(s.studentId !== undefined ? { studentId: s.studentId } : {}),
    ...(s.studentIds ? { studentId: { in: s.studentIds } } : {}),
    ...(s.courseIds ? { lab: { courseId: { in: s.courseIds } } } : {}),
  };
}

export interface RevokedSession {
  id: string;
  labId: string;
  studentId: string;
  connectionId: string | null;
  roleArn: string | null;
  issuedAt: Date | null;
  lab: { template: { roleArn: string; connectionId: string } };
  state: SessionState;
  expiresAt: Date | null;
}

/**
 * REVOKING sessions a role's entries deny: issued on that role (or before sessions recorded their role), and
 * either named by a session entry or in a lab whose entry was made at or after their revocation request.
 */
export interface RevocationCover {
  connectionId: string;
  roleArn: string;
  sessionIds: string[];
  labs: { labId: string; requestedBy: Date }[];
}

export interface CoveredSession {
  id: string;
  labId: string;
  studentId: string;
  failureCode: string | null;
  /** The instructor's reason for the revocation, if they gave one. */
  revokeReason: string | null;
}

export interface StreamCredentialsQuery {
  sessionId: string;
  studentId: string;
  courseId: string;
  enrollmentId: string;
  tokenHash: string;
  tokenLifetimeMs: number;
}

/** What handing out a session's credentials needs. */
export interface SealedSessionRow {
  id: string;
  tenantId: string;
  labId: string;
  labName: string;
  accessKeyId: string | null;
  sealedSecret: Uint8Array | null;
  sealKeyId: string | null;
  expiresAt: Date | null;
  assumedRoleArn: string | null;
  region: string;
  endpointOverride: string | null;
}

const SESSION_CONTEXT = { lab: { include: { template: { include: { connection: true } } } } } as const;

const SAFE_FIELDS = {
  id: true,
  labId: true,
  studentId: true,
  state: true,
  roleSessionName: true,
  predecessorId: true,
  failureCode: true,
  failureReason: true,
  revokeReason: true,
  accessKeyId: true,
  assumedRoleArn: true,
  attempts: true,
  issuedAt: true,
  expiresAt: true,
  endedAt: true,
  createdAt: true,
  student: { select: { handle: true, email: true } },
} as const;
