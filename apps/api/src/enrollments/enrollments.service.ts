import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { LabSessionsService, RevocationRequestsService } from '@labkeys/core';
import {
  CourseRepository,
  EnrollmentRepository,
  mapPage,
  StudentRepository,
  UnitOfWork,
  type Page,
  type TenantScope,
} from '@labkeys/database';
import { makeStudentHandle } from '@labkeys/templates';
import { AuditService } from '../audit/audit.service';
import { accessLink, newAccessToken, type NewAccessToken } from './access-token';
import type { EnrollmentDto, IssuedAccessLinkDto, ListEnrollmentsQueryDto } from './dto/enrollment.dto';
import type { AccessLinkDto, RosterImportResultDto } from './dto/roster-import.dto';
import type { StudentRow } from './roster-rows';

export interface RosterImport {
  result: RosterImportResultDto;
  /** Enrollments created or reactivated by this import: the ones that may need credentials for running labs. */
  enrollmentIds: string[];
}

/** Large rosters run a few set-based statements, but on a busy database they still deserve more than a transaction's 5 s default. */
const IMPORT_TX = { timeout: 60_000, maxWait: 10_000 };

@Injectable()
export class EnrollmentsService {
  private readonly logger = new Logger(EnrollmentsService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly courses: CourseRepository,
    private readonly students: StudentRepository,
    private readonly enrollments: EnrollmentRepository,
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
  async importStudents(
    scope: TenantScope,
    courseId: string,
    rows: readonly StudentRow[],
    source: 'json' | 'csv',
  ): Promise<RosterImport> {
    const imported = await this.importInTransaction(scope, courseId, rows, source);
    const { tenantId } = scope;
    // After commit: students who just joined get credentials in the course's running labs. The access links
    // exist only in this answer, so nothing here may turn it into an error (enqueue failures are already
    // left to the sweep inside; this catches the store failing between the two transactions).
    try {
      await this.labSessions.issueForNewEnrollments(
        tenantId,
        courseId,
        imported.result.accessLinks.map((link) => link.studentId),
      );
    } catch (error) {
      this.logger.error(
        { tenantId, courseId, err: (error as Error).message },
        'students enrolled, but their sessions in running labs were not created; starting the lab again creates them',
      );
    }
    return imported;
  }

  private async importInTransaction(
    scope: TenantScope,
    courseId: string,
    rows: readonly StudentRow[],
    source: 'json' | 'csv',
  ): Promise<RosterImport> {
    return this.uow.run(async (tx) => {
      // FOR SHARE keeps the course from being archived while this import is enrolling into it.
      const course = await this.courses.lockForShare(scope, courseId, tx);
      if (!course) throw new NotFoundException({ detail: 'Course not found.' });
      if (course.archivedAt)
        throw new ConflictException({ detail: 'The course is archived; unarchive it to enroll students.' });

      const students = await this.students.ensureByEmail(scope, rows, makeStudentHandle, tx);
      const studentIds = rows.map((row) => students.idByEmail.get(row.email)!);
      const current = await this.enrollments.findOfStudents(scope, courseId, studentIds, tx);
      const enrolled = new Set(current.map((e) => e.studentId));
      const now = new Date();

      const tokenByStudent = new Map<string, NewAccessToken>(
        studentIds.filter((id) => !enrolled.has(id)).map((id) => [id, newAccessToken()]),
      );
      // An enrollment another import created meanwhile is skipped, and the token drawn for it is never shown.
      const created = await this.enrollments.insertWithTokens(
        scope,
        courseId,
        [...tokenByStudent].map(([studentId, t]) => ({ studentId, hash: t.hash })),
        now,
        tx,
      );
      const unenrolled = current.filter((e) => e.unenrolledAt);
      unenrolled.forEach((e) => tokenByStudent.set(e.studentId, newAccessToken()));
      const reactivated = await this.enrollments.reactivate(
        scope,
        unenrolled.map((e) => ({ id: e.id, hash: tokenByStudent.get(e.studentId)!.hash })),
        now,
        tx,
      );

      // Links come back in roster order, whatever order the statements wrote them in.
      const position = new Map(studentIds.map((id, index) => [id, index]));
      const issued = [...created, ...reactivated].sort(
        (a, b) => position.get(a.studentId)! - position.get(b.studentId)!,
      );
      const emailById = new Map([...students.idByEmail].map(([email, id]) => [id, email]));
      const accessLinks: AccessLinkDto[] = issued.map((e) => {
        const token = tokenByStudent.get(e.studentId)!.token;
        return {
          studentId: e.studentId,
          email: emailById.get(e.studentId)!,
          enrollmentId: e.id,
          accessToken: token,
          accessLink: accessLink(this.config.publicUrl, token),
        };
      });
      const result: RosterImportResultDto = {
        students: { created: students.created, existing: rows.length - students.created },
        enrollments: {
          created: created.length,
          reactivated: reactivated.length,
          alreadyEnrolled: rows.length - issued.length,
        },
        accessLinks,
      };
      await this.audit.record(
        scope,
        {
          action: 'students.imported',
          subjectType: 'course',
          subjectId: courseId,
          summary: {
            source,
            rows: rows.length,
            students: { ...result.students },
            enrollments: { ...result.enrollments },
          },
        },
        tx,
      );
      return { result, enrollmentIds: issued.map((e) => e.id) };
    }, IMPORT_TX);
  }

  async list(scope: TenantScope, courseId: string, q: ListEnrollmentsQueryDto): Promise<Page<EnrollmentDto>> {
    await this.assertCourse(scope, courseId);
    const page = await this.enrollments.listOfCourse(scope, courseId, q, q);
    return mapPage(page, (e) => ({
      id: e.id,
      courseId: e.courseId,
      studentId: e.studentId,
      student: e.student,
      active: e.unenrolledAt === null,
      tokenIssuedAt: e.tokenIssuedAt,
      unenrolledAt: e.unenrolledAt,
      email: e.latestMail
        ? {
            state: e.latestMail.state,
            attempts: e.latestMail.attempts,
            error: e.latestMail.lastError,
            sentAt: e.latestMail.sentAt,
            queuedAt: e.latestMail.createdAt,
          }
        : null,
      createdAt: e.createdAt,
    }));
  }

  /**
   * Idempotent: unenrolling twice succeeds and records one event. The token stops working at once; the student's
   * live sessions in the course's labs are revoked in the same transaction (REVOKED once IAM accepted the deny),
   * renewals stop, and their open streams close.
   */
  async unenroll(scope: TenantScope, courseId: string, id: string): Promise<void> {
    await this.revocations.endAccess(scope, async (tx) => {
      const enrollment = await this.enrollments.findInCourse(scope, courseId, id, tx);
      if (!enrollment) throw new NotFoundException({ detail: 'Enrollment not found.' });
      if (!(await this.enrollments.unenroll(scope, id, new Date(), tx))) return null;
      return {
        studentIds: [enrollment.studentId],
        courseIds: [courseId],
        action: 'enrollment.unenrolled',
        subjectType: 'enrollment',
        subjectId: id,
        summary: { courseId, studentId: enrollment.studentId },
      };
    });
  }

  /** Replaces the token; the old hash is overwritten, so the old link fails from this commit on. */
  async reissueAccessLink(scope: TenantScope, courseId: string, id: string): Promise<IssuedAccessLinkDto> {
    const issued = await this.uow.run(async (tx) => {
      const enrollment = await this.enrollments.findInCourse(scope, courseId, id, tx);
      if (!enrollment) throw new NotFoundException({ detail: 'Enrollment not found.' });
      const { token, hash } = newAccessToken();
      if (!(await this.enrollments.replaceToken(scope, id, hash, new Date(), tx))) {
        throw new ConflictException({
          detail: 'The student is unenrolled; import them again to re-enroll with a new link.',
        });
      }
      await this.audit.record(
        scope,
        {
          action: 'enrollment.access-link-reissued',
          subjectType: 'enrollment',
          subjectId: id,
          summary: { courseId, studentId: enrollment.studentId },
        },
        tx,
      );
      return {
        studentId: enrollment.studentId,
        link: { accessToken: token, accessLink: accessLink(this.config.publicUrl, token) },
      };
    });
    // Streams opened with the old link close; a failure to tell them is caught by their next event's re-check.
    await this.revocations.tokenReplaced(scope.tenantId, issued.studentId).catch((error: Error) => {
      this.logger.warn(
        { enrollmentId: id, err: error.message },
        'could not tell open streams that the access link was replaced',
      );
    });
    return issued.link;
  }

  private async assertCourse(scope: TenantScope, courseId: string): Promise<void> {
    if (!(await this.courses.exists(scope, courseId))) throw new NotFoundException({ detail: 'Course not found.' });
  }
}
