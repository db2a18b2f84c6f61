import { Injectable, NotFoundException } from '@nestjs/common';
import { RevocationRequestsService } from '@labkeys/core';
import { pageArgs, parseSort, PrismaService, toPage, type Page, type Student } from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import type { ListStudentsQueryDto, StudentDetailDto, StudentDto } from './dto/student.dto';

const toDto = ({ tenantId: _t, deletedAt: _d, ...student }: Student): StudentDto => student;

/** Students of a tenant. They are created by roster imports (EnrollmentsService), never one by one. */
@Injectable()
export class StudentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly revocations: RevocationRequestsService,
  ) {}

  async list(tenantId: string, q: ListStudentsQueryDto): Promise<Page<StudentDto>> {
    const text = q.q ? { contains: q.q, mode: 'insensitive' as const } : undefined;
    const rows = await this.prisma.student.findMany({
      where: {
        tenantId,
        deletedAt: null,
        email: q.email,
        enrollments: q.courseId ? { some: { tenantId, courseId: q.courseId, unenrolledAt: null } } : undefined,
        OR: text ? [{ email: text }, { displayName: text }, { handle: text }] : undefined,
      },
      ...pageArgs(tenantId, q, parseSort<'createdAt' | 'email'>(q.sort, 'createdAt')),
    });
    return toPage(rows, q, toDto);
  }

  async get(tenantId: string, id: string): Promise<StudentDetailDto> {
    const row = await this.prisma.student.findFirst({
      where: { tenantId, id, deletedAt: null },
      include: { enrollments: { where: { tenantId }, orderBy: { createdAt: 'asc' }, include: { course: { select: { code: true, title: true } } } } },
    });
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

  async update(tenantId: string, id: string, displayName: string | null): Promise<StudentDto> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.student.findFirst({ where: { tenantId, id, deletedAt: null } });
      if (!current) throw new NotFoundException({ detail: 'Student not found.' });
      if (current.displayName === displayName) return toDto(current);
      const row = await tx.student.update({ where: { tenantId_id: { tenantId, id } }, data: { displayName } });
      // Names are personal data: the audit trail records that it changed, not the values.
      await this.audit.record(tx, tenantId, { action: 'student.updated', subjectType: 'student', subjectId: id, summary: { fields: ['displayName'] } });
      return toDto(row);
    });
  }

  /**
   * Deletes a student: every enrollment ends (links stop working), every live session is revoked through the
   * normal path, and the personal data (email, name) is erased. The row and its pseudonymous handle stay, so
   * the audit trail and AWS's records (session names, source identity) still resolve. Idempotent.
   */
  async remove(tenantId: string, id: string): Promise<void> {
    await this.revocations.endAccess(tenantId, async (tx) => {
      const student = await tx.student.findFirst({ where: { tenantId, id }, select: { deletedAt: true } });
      if (!student) throw new NotFoundException({ detail: 'Student not found.' });
      if (student.deletedAt) return null;
      const now = new Date();
      const { count } = await tx.enrollment.updateMany({ where: { tenantId, studentId: id, unenrolledAt: null }, data: { unenrolledAt: now, accessTokenHash: null } });
      await tx.student.update({ where: { tenantId_id: { tenantId, id } }, data: { deletedAt: now, email: `deleted-${id}@deleted.invalid`, displayName: null } });
      return { studentIds: [id], action: 'student.deleted', subjectType: 'student', subjectId: id, summary: { enrollmentsEnded: count } };
    });
  }
}
