import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

export type StudentSsoSessionKind = 'WEB' | 'CLI';

/** A student's SSO session that has not ended, with the enrollment chosen in it (if any). */
export interface LiveStudentSsoSession {
  id: string;
  tenantId: string;
  studentId: string;
  kind: StudentSsoSessionKind;
  enrollmentId: string | null;
}

/** One of the student's enrollments that opens their labs: enrolled, course not archived, the student not deleted. */
export interface CurrentEnrollmentRow {
  enrollmentId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  courseEndsAt: Date | null;
  /** SHA-256 of the enrollment's current access token: what the checks made for access links compare with. */
  accessTokenHash: string;
  tokenIssuedAt: Date | null;
}

/** Students signed in through their school's identity provider (page cookie or CLI bearer). Postgres' clock decides. */
@Injectable()
export class StudentSsoSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    scope: TenantScope,
    input: {
      studentId: string;
      idHash: string;
      kind: StudentSsoSessionKind;
      providerId: string | null;
      enrollmentId: string | null;
      lifetimeMs: number;
    },
    tx?: Tx,
  ): Promise<string> {
    const id = randomUUID();
    await clientOf(this.prisma, tx).$executeRaw`
      INSERT INTO student_sso_sessions (id, tenant_id, student_id, id_hash, kind, provider_id, enrollment_id, expires_at)
      VALUES (${id}::uuid, ${scope.tenantId}::uuid, ${input.studentId}::uuid, ${input.idHash}, ${input.kind},
              ${input.providerId}::uuid, ${input.enrollmentId}::uuid,
              now() + ${input.lifetimeMs} * interval '1 millisecond')`;
    return id;
  }

  /** The session an id opens, before the tenant is known (touched in the same statement); its student not deleted. */
  async systemAuthenticate(idHash: string, kind: StudentSsoSessionKind): Promise<LiveStudentSsoSession | null> {
    const rows = await this.prisma.$queryRaw<LiveStudentSsoSession[]>`
      UPDATE student_sso_sessions AS s SET last_seen_at = now()
        FROM students AS st
       WHERE s.id_hash = ${idHash} AND s.kind = ${kind} AND s.revoked_at IS NULL AND s.expires_at > now()
         AND st.tenant_id = s.tenant_id AND st.id = s.student_id AND st.deleted_at IS NULL
      RETURNING s.id, s.tenant_id AS "tenantId", s.student_id AS "studentId", s.kind, s.enrollment_id AS "enrollmentId"`;
    return rows[0] ?? null;
  }

  /** Whether the session still works (streams ask on every event). */
  async isLive(scope: TenantScope, id: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ ok: boolean }[]>`
      SELECT true AS ok FROM student_sso_sessions
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid AND revoked_at IS NULL AND expires_at > now()`;
    return rows.length > 0;
  }

  async choose(scope: TenantScope, id: string, enrollmentId: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`
      UPDATE student_sso_sessions SET enrollment_id = ${enrollmentId}::uuid
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid AND revoked_at IS NULL`;
  }

  async revoke(scope: TenantScope, id: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`
      UPDATE student_sso_sessions SET revoked_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid AND revoked_at IS NULL`;
  }

  /** Removes the student's sessions that can no longer work (ended or past their end). */
  async pruneEndedOf(scope: TenantScope, studentId: string, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).$executeRaw`
      DELETE FROM student_sso_sessions
       WHERE tenant_id = ${scope.tenantId}::uuid AND student_id = ${studentId}::uuid
         AND (revoked_at IS NOT NULL OR expires_at <= now())`;
  }

  /**
   * The student's enrollments that still open labs, newest course first (bounded). The access-token lifetime
   * (course end, else issue + lifetime) is applied by the caller, as for access links.
   */
  currentEnrollmentsOf(scope: TenantScope, studentId: string, tx?: Tx): Promise<CurrentEnrollmentRow[]> {
    return clientOf(this.prisma, tx).$queryRaw<CurrentEnrollmentRow[]>`
      SELECT e.id AS "enrollmentId", c.id AS "courseId", c.code AS "courseCode", c.title AS "courseTitle",
             c.ends_at AS "courseEndsAt", e.access_token_hash AS "accessTokenHash", e.token_issued_at AS "tokenIssuedAt"
        FROM enrollments e
        JOIN courses c ON c.tenant_id = e.tenant_id AND c.id = e.course_id
        JOIN students st ON st.tenant_id = e.tenant_id AND st.id = e.student_id
       WHERE e.tenant_id = ${scope.tenantId}::uuid AND e.student_id = ${studentId}::uuid
         AND e.unenrolled_at IS NULL AND e.access_token_hash IS NOT NULL
         AND c.archived_at IS NULL AND st.deleted_at IS NULL
       ORDER BY c.created_at DESC, e.id
       LIMIT 100`;
  }
}
