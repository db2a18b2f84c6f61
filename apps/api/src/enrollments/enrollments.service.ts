import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { LabSessionsService, RevocationRequestsService } from '@labkeys/core';
import { pageArgs, parseSort, PrismaService, toPage, type Page } from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import { accessLink, newAccessToken, type NewAccessToken } from './access-token';
import type { EnrollmentDto, IssuedAccessLinkDto, ListEnrollmentsQueryDto } from './dto/enrollment.dto';
import type { AccessLinkDto, RosterImportResultDto } from './dto/roster-import.dto';
import { insertEnrollments, reactivateEnrollments } from './roster.repository';
import type { StudentRow } from './roster-rows';
import { ensureStudents } from './student-upsert';

export interface RosterImport {
  result: RosterImportResultDto;
  /** Enrollments created or reactivated by this import: the ones that may need credentials for running labs. */
  enrollmentIds: string[];
}

/** Large rosters run a few set-based statements, but on a busy database they still deserve more than Prisma's 5 s default. */
const IMPORT_TX = { timeout: 60_000, maxWait: 10_000 };

@Injectable()
export class EnrollmentsService {
  private readonly logger = new Logger(EnrollmentsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly labSessions: LabSessionsService,
    private readonly revocations: RevocationRequestsService,
  ) {}

  /**
   * The one way students join a course. Idempotent by email within the tenant: creates missing students,
   * enrolls the ones not enrolled, reactivates unenrolled ones with a new token, leaves the rest. One
   * transaction, so a failure writes nothing. `rows` must already be validated and free of duplicates.
   */
  async importStudents(tenantId: string, courseId: string, rows: readonly StudentRow[], source: 'json' | 'csv'): Promise<RosterImport> {
    const imported = await this.importInTransaction(tenantId, courseId, rows, source);
    // After commit: students who just joined get credentials in the course's running labs. The access links
    // exist only in this answer, so nothing here may turn it into an error (enqueue failures are already
    // left to the sweep inside; this catches the store failing between the two transactions).
    try {
      await this.labSessions.issueForNewEnrollments(tenantId, courseId, imported.result.accessLinks.map((link) => link.studentId));
    } catch (error) {
      this.logger.error({ tenantId, courseId, err: (error as Error).message }, 'students enrolled, but their sessions in running labs were not created; starting the lab again creates them');
    }
    return imported;
  }

  private async importInTransaction(tenantId: string, courseId: string, rows: readonly StudentRow[], source: 'json' | 'csv'): Promise<RosterImport> {
    return this.prisma.$transaction(async (tx) => {
      // FOR SHARE keeps the course from being archived while this import is enrolling into it.
      const [course] = await tx.$queryRaw<{ archived_at: Date | null }[]>`SELECT archived_at FROM courses WHERE tenant_id = ${tenantId}::uuid AND id = ${courseId}::uuid FOR SHARE`;
      if (!course) throw new NotFoundException({ detail: 'Course not found.' });
      if (course.archived_at) throw new ConflictException({ detail: 'The course is archived; unarchive it to enroll students.' });

      const students = await ensureStudents(tx, tenantId, rows);
      const studentIds = rows.map((row) => students.idByEmail.get(row.email)!);
      const current = await tx.enrollment.findMany({ where: { tenantId, courseId, studentId: { in: studentIds } }, select: { id: true, studentId: true, unenrolledAt: true } });
      const enrolled = new Set(current.map((e) => e.studentId));
      const now = new Date();

      const tokenByStudent = new Map<string, NewAccessToken>(studentIds.filter((id) => !enrolled.has(id)).map((id) => [id, newAccessToken()]));
      // An enrollment another import created meanwhile is skipped, and the token drawn for it is never shown.
      const created = await insertEnrollments(tx, tenantId, courseId, [...tokenByStudent].map(([studentId, t]) => ({ studentId, hash: t.hash })), now);
      const unenrolled = current.filter((e) => e.unenrolledAt);
      unenrolled.forEach((e) => tokenByStudent.set(e.studentId, newAccessToken()));
      const reactivated = await reactivateEnrollments(tx, tenantId, unenrolled.map((e) => ({ id: e.id, hash: tokenByStudent.get(e.studentId)!.hash })), now);

      // Links come back in roster order, whatever order the statements wrote them in.
      const position = new Map(studentIds.map((id, index) => [id, index]));
      const issued = [...created, ...reactivated].sort((a, b) => position.get(a.studentId)! - position.get(b.studentId)!);
      const emailById = new Map([...students.idByEmail].map(([email, id]) => [id, email]));
      const accessLinks: AccessLinkDto[] = issued.map((e) => {
        const token = tokenByStudent.get(e.studentId)!.token;
        return { studentId: e.studentId, email: emailById.get(e.studentId)!, enrollmentId: e.id, accessToken: token, accessLink: accessLink(this.config.publicUrl, token) };
      });
      const result: RosterImportResultDto = {
        students: { created: students.created, existing: rows.length - students.created },
        enrollments: { created: created.length, reactivated: reactivated.length, alreadyEnrolled: rows.length - issued.length },
        accessLinks,
      };
      await this.audit.record(tx, tenantId, {
        action: 'students.imported',
        subjectType: 'course',
        subjectId: courseId,
        summary: { source, rows: rows.length, students: { ...result.students }, enrollments: { ...result.enrollments } },
      });
      return { result, enrollmentIds: issued.map((e) => e.id) };
    }, IMPORT_TX);
  }

  async list(tenantId: string, courseId: string, q: ListEnrollmentsQueryDto): Promise<Page<EnrollmentDto>> {
    await this.assertCourse(tenantId, courseId);
    const rows = await this.prisma.enrollment.findMany({
      where: { tenantId, courseId, unenrolledAt: q.active === undefined ? undefined : q.active ? null : { not: null } },
      include: {
        student: { select: { id: true, email: true, handle: true, displayName: true } },
        mailDeliveries: { where: { tenantId }, orderBy: { createdAt: 'desc' }, take: 1, select: { state: true, attempts: true, lastError: true, sentAt: true, createdAt: true } },
      },
      ...pageArgs(tenantId, q, parseSort<'createdAt'>(q.sort, 'createdAt')),
    });
    return toPage(rows, q, (e) => ({
      id: e.id,
      courseId: e.courseId,
      studentId: e.studentId,
      student: e.student,
      active: e.unenrolledAt === null,
      tokenIssuedAt: e.tokenIssuedAt,
      unenrolledAt: e.unenrolledAt,
      email: e.mailDeliveries[0] ? { state: e.mailDeliveries[0].state, attempts: e.mailDeliveries[0].attempts, error: e.mailDeliveries[0].lastError, sentAt: e.mailDeliveries[0].sentAt, queuedAt: e.mailDeliveries[0].createdAt } : null,
      createdAt: e.createdAt,
    }));
  }

  /**
   * Idempotent: unenrolling twice succeeds and records one event. The token stops working at once; the student's
   * live sessions in the course's labs are revoked in the same transaction (REVOKED once IAM accepted the deny),
   * renewals stop, and their open streams close.
   */
  async unenroll(tenantId: string, courseId: string, id: string): Promise<void> {
    await this.revocations.endAccess(tenantId, async (tx) => {
      const enrollment = await tx.enrollment.findFirst({ where: { tenantId, courseId, id }, select: { studentId: true } });
      if (!enrollment) throw new NotFoundException({ detail: 'Enrollment not found.' });
      const changed = await tx.enrollment.updateMany({ where: { tenantId, id, unenrolledAt: null }, data: { unenrolledAt: new Date(), accessTokenHash: null } });
      if (!changed.count) return null;
      return { studentIds: [enrollment.studentId], courseIds: [courseId], action: 'enrollment.unenrolled', subjectType: 'enrollment', subjectId: id, summary: { courseId, studentId: enrollment.studentId } };
    });
  }

  /** Replaces the token; the old hash is overwritten, so the old link fails from this commit on. */
  async reissueAccessLink(tenantId: string, courseId: string, id: string): Promise<IssuedAccessLinkDto> {
    const issued = await this.prisma.$transaction(async (tx) => {
      const enrollment = await tx.enrollment.findFirst({ where: { tenantId, courseId, id }, select: { studentId: true } });
      if (!enrollment) throw new NotFoundException({ detail: 'Enrollment not found.' });
      const { token, hash } = newAccessToken();
      const changed = await tx.enrollment.updateMany({ where: { tenantId, id, unenrolledAt: null }, data: { accessTokenHash: hash, tokenIssuedAt: new Date() } });
      if (!changed.count) throw new ConflictException({ detail: 'The student is unenrolled; import them again to re-enroll with a new link.' });
      await this.audit.record(tx, tenantId, { action: 'enrollment.access-link-reissued', subjectType: 'enrollment', subjectId: id, summary: { courseId, studentId: enrollment.studentId } });
      return { studentId: enrollment.studentId, link: { accessToken: token, accessLink: accessLink(this.config.publicUrl, token) } };
    });
    // Streams opened with the old link close; a failure to tell them is caught by their next event's re-check.
    await this.revocations.tokenReplaced(tenantId, issued.studentId).catch((error: Error) => {
      this.logger.warn({ enrollmentId: id, err: error.message }, 'could not tell open streams that the access link was replaced');
    });
    return issued.link;
  }

  private async assertCourse(tenantId: string, courseId: string): Promise<void> {
    const course = await this.prisma.course.findFirst({ where: { tenantId, id: courseId }, select: { id: true } });
    if (!course) throw new NotFoundException({ detail: 'Course not found.' });
  }
}
