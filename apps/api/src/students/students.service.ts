import { Injectable, NotFoundException } from '@nestjs/common';
import { RevocationRequestsService } from '@labkeys/core';
import {
  EnrollmentRepository,
  mapPage,
  StudentRepository,
  UnitOfWork,
  type Page,
  type Student,
  type TenantScope,
} from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import type { ListStudentsQueryDto, StudentDetailDto, StudentDto } from './dto/student.dto';

const toDto = ({ tenantId: _t, deletedAt: _d, ...student }: Student): StudentDto => student;

/** Students of a tenant. They are created by roster imports (EnrollmentsService), never one by one. */
@Injectable()
export class StudentsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly students: StudentRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly audit: AuditService,
    private readonly revocations: RevocationRequestsService,
  ) {}

  async list(scope: TenantScope, q: ListStudentsQueryDto): Promise<Page<StudentDto>> {
    return mapPage(await this.students.list(scope, q, q), toDto);
  }

  async get(scope: TenantScope, id: string): Promise<StudentDetailDto> {
    const row = await this.students.findWithEnrollments(scope, id);
    if (!row) throw new NotFoundException({ detail: 'Student not found.' });
    const { enrollments, ...student } = row;
    return {
      ...toDto(student),
      enrollments: enrollments.map((e) => ({
        id: e.id,
        courseId: e.courseId,
        courseCode: e.course.code,
        courseTitle: e.course.title,
        active: e.unenrolledAt === null,
        tokenIssuedAt: e.tokenIssuedAt,
        unenrolledAt: e.unenrolledAt,
        createdAt: e.createdAt,
      })),
    };
  }

  async update(scope: TenantScope, id: string, displayName: string | null): Promise<StudentDto> {
    return this.uow.run(async (tx) => {
      const current = await this.students.findActive(scope, id, tx);
      if (!current) throw new NotFoundException({ detail: 'Student not found.' });
      if (current.displayName === displayName) return toDto(current);
      const row = await this.students.updateDisplayName(scope, id, displayName, tx);
      // Names are personal data: the audit trail records that it changed, not the values.
      await this.audit.record(
        scope,
        { action: 'student.updated', subjectType: 'student', subjectId: id, summary: { fields: ['displayName'] } },
        tx,
      );
      return toDto(row);
    });
  }

  /**
   * Deletes a student: every enrollment ends (links stop working), every live session is revoked through the
   * normal path, and the personal data (email, name) is erased. The row and its pseudonymous handle stay, so
   * the audit trail and AWS's records (session names, source identity) still resolve. Idempotent.
   */
  async remove(scope: TenantScope, id: string): Promise<void> {
    await this.revocations.endAccess(scope, async (tx) => {
      const student = await this.students.findById(scope, id, tx);
      if (!student) throw new NotFoundException({ detail: 'Student not found.' });
      if (student.deletedAt) return null;
      const now = new Date();
      const count = await this.enrollments.unenrollStudent(scope, id, now, tx);
      await this.students.erase(scope, id, now, tx);
      return {
        studentIds: [id],
        action: 'student.deleted',
        subjectType: 'student',
        subjectId: id,
        summary: { enrollmentsEnded: count },
      };
    });
  }
}
