import { Injectable } from '@nestjs/common';
import type { Enrollment, MailDelivery, Student } from '../generated/prisma/client';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';
import { inKeyOrder, uuidv7Batch } from '../uuidv7';

/** An enrollment found by its access token's hash, with what decides whether the token still works. */
export interface EnrollmentByTokenHash {
  id: string;
  tenantId: string;
  studentId: string;
  courseId: string;
  unenrolledAt: Date | null;
  tokenIssuedAt: Date | null;
  course: { archivedAt: Date | null; endsAt: Date | null };
  student: { deletedAt: Date | null };
}

/** An enrollment as a course's roster lists it: the student and the latest access-link email, if any. */
export type RosterEntry = Enrollment & {
  student: Pick<Student, 'id' | 'email' | 'handle' | 'displayName'>;
  latestMail: Pick<MailDelivery, 'state' | 'attempts' | 'lastError' | 'sentAt' | 'createdAt'> | null;
};

/** An enrollment written by an import, with the student it is for. */
export interface IssuedEnrollment {
  id: string;
  studentId: string;
}

/**
 * Enrollments: a student in a course, with the hash of their current access token (null once unenrolled).
 * Roster imports write them set-based, in key order, so two imports with overlapping rosters take row locks
 * in the same order and wait for each other instead of deadlocking. The student api looks a token up by its
 * hash before the tenant is known (`systemFindByTokenHash`).
 */
@Injectable()
export class EnrollmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  systemFindByTokenHash(accessTokenHash: string): Promise<EnrollmentByTokenHash | null> {
    return this.prisma.enrollment.findUnique({
      where: { accessTokenHash },
      select: {
        id: true,
        tenantId: true,
        studentId: true,
        courseId: true,
        unenrolledAt: true,
        tokenIssuedAt: true,
        course: { select: { archivedAt: true, endsAt: true } },
        student: { select: { deletedAt: true } },
      },
    });
  }

  async listOfCourse(
    scope: TenantScope,
    courseId: string,
    filter: { active?: boolean; sort?: string },
    page: PageRequest,
  ): Promise<Page<RosterEntry>> {
    const { tenantId } = scope;
    const rows = await this.prisma.enrollment.findMany({
      where: {
        tenantId,
        courseId,
        unenrolledAt: filter.active === undefined ? undefined : filter.active ? null : { not: null },
      },
      include: {
        student: { select: { id: true, email: true, handle: true, displayName: true } },
        mailDeliveries: {
          where: { tenantId },
          orderBy: { createdAt: 'desc' },
          take: 1,
          select: { state: true, attempts: true, lastError: true, sentAt: true, createdAt: true },
        },
      },
      ...pageArgs(tenantId, page, parseSort<'createdAt'>(filter.sort, 'createdAt')),
    });
    return toPage(rows, page, ({ mailDeliveries, ...e }) => ({ ...e, latestMail: mailDeliveries[0] ?? null }));
  }

  /** The enrollment of that course, if it exists. */
  findInCourse(
    scope: TenantScope,
    courseId: string,
    id: string,
    tx?: Tx,
  ): Promise<Pick<Enrollment, 'studentId'> | null> {
    return clientOf(this.prisma, tx).enrollment.findFirst({
      where: { tenantId: scope.tenantId, courseId, id },
      select: { studentId: true },
    });
  }

  /** The course's enrollments (active or not) of these students. */
  findOfStudents(
    scope: TenantScope,
    courseId: string,
    studentIds: string[],
    tx?: Tx,
  ): Promise<Pick<Enrollment, 'id' | 'studentId' | 'unenrolledAt'>[]> {
    return clientOf(this.prisma, tx).enrollment.findMany({
      where: { tenantId: scope.tenantId, courseId, studentId: { in: studentIds } },
      select: { id: true, studentId: true, unenrolledAt: true },
    });
  }

  /** Students currently enrolled in the course. */
  async activeStudentIds(scope: TenantScope, courseId: string, tx?: Tx): Promise<string[]> {
    const rows = await clientOf(this.prisma, tx).enrollment.findMany({
      where: { tenantId: scope.tenantId, courseId, unenrolledAt: null },
      select: { studentId: true },
    });
    return rows.map((e) => e.studentId);
  }

  /** Inserts enrollments with their token hashes, skipping students already enrolled meanwhile; returns the inserted ones. */
  async insertWithTokens(
    scope: TenantScope,
    courseId: string,
    unordered: readonly { studentId: string; hash: string }[],
    now: Date,
    tx: Tx,
  ): Promise<IssuedEnrollment[]> {
    if (!unordered.length) return [];
    const rows = inKeyOrder(unordered, (row) => row.studentId);
    const inserted = await clientOf(this.prisma, tx).$queryRaw<{ id: string; student_id: string }[]>`
      INSERT INTO enrollments (id, tenant_id, course_id, student_id, access_token_hash, token_issued_at, updated_at)
      SELECT v.id, ${scope.tenantId}::uuid, ${courseId}::uuid, v.student_id, v.hash, ${now}, ${now}
        FROM unnest(${uuidv7Batch(rows.length)}::uuid[], ${rows.map((r) => r.studentId)}::uuid[], ${rows.map((r) => r.hash)}::text[]) AS v(id, student_id, hash)
      ON CONFLICT DO NOTHING
      RETURNING id::text, student_id::text`;
    return inserted.map((row) => ({ id: row.id, studentId: row.student_id }));
  }

  /** Re-enrolls unenrolled enrollments, each with its own new token hash; returns the ones it changed. */
  async reactivate(
    scope: TenantScope,
    unordered: readonly { id: string; hash: string }[],
    now: Date,
    tx: Tx,
  ): Promise<IssuedEnrollment[]> {
    if (!unordered.length) return [];
    const rows = inKeyOrder(unordered, (row) => row.id);
    const updated = await clientOf(this.prisma, tx).$queryRaw<{ id: string; student_id: string }[]>`
      UPDATE enrollments AS e
         SET access_token_hash = v.hash, token_issued_at = ${now}, unenrolled_at = NULL, updated_at = ${now}
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.hash)}::text[]) AS v(id, hash)
       WHERE e.tenant_id = ${scope.tenantId}::uuid AND e.id = v.id AND e.unenrolled_at IS NOT NULL
      RETURNING e.id::text, e.student_id::text`;
    return updated.map((row) => ({ id: row.id, studentId: row.student_id }));
  }

  /** Ends the enrollment and clears its token, unless already ended; whether this call ended it. */
  async unenroll(scope: TenantScope, id: string, at: Date, tx?: Tx): Promise<boolean> {
    const { count } = await clientOf(this.prisma, tx).enrollment.updateMany({
      where: { tenantId: scope.tenantId, id, unenrolledAt: null },
      data: { unenrolledAt: at, accessTokenHash: null },
    });
    return count > 0;
  }

  /** Ends every active enrollment of the student and clears their tokens; how many it ended. */
  async unenrollStudent(scope: TenantScope, studentId: string, at: Date, tx?: Tx): Promise<number> {
    const { count } = await clientOf(this.prisma, tx).enrollment.updateMany({
      where: { tenantId: scope.tenantId, studentId, unenrolledAt: null },
      data: { unenrolledAt: at, accessTokenHash: null },
    });
    return count;
  }

  /** Replaces an active enrollment's token hash; false when the enrollment is unenrolled. */
  async replaceToken(scope: TenantScope, id: string, hash: string, at: Date, tx?: Tx): Promise<boolean> {
    const { count } = await clientOf(this.prisma, tx).enrollment.updateMany({
      where: { tenantId: scope.tenantId, id, unenrolledAt: null },
      data: { accessTokenHash: hash, tokenIssuedAt: at },
    });
    return count > 0;
  }
}
