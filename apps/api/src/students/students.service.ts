import { Injectable, NotFoundException } from '@nestjs/common';
import { pageArgs, parseSort, PrismaService, toPage, type Page, type Student } from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import type { ListStudentsQueryDto, StudentDetailDto, StudentDto } from './dto/student.dto';

const toDto = ({ tenantId: _t, ...student }: Student): StudentDto => student;

/** Students of a tenant. They are created by roster imports (EnrollmentsService), never one by one. */
@Injectable()
export class StudentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, q: ListStudentsQueryDto): Promise<Page<StudentDto>> {
    const text = q.q ? { contains: q.q, mode: 'insensitive' as const } : undefined;
    const rows = await this.prisma.student.findMany({
      where: {
        tenantId,
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
      where: { tenantId, id },
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
      const current = await tx.student.findFirst({ where: { tenantId, id } });
      if (!current) throw new NotFoundException({ detail: 'Student not found.' });
      if (current.displayName === displayName) return toDto(current);
      const row = await tx.student.update({ where: { tenantId_id: { tenantId, id } }, data: { displayName } });
      // Names are personal data: the audit trail records that it changed, not the values.
      await this.audit.record(tx, tenantId, { action: 'student.updated', subjectType: 'student', subjectId: id, summary: { fields: ['displayName'] } });
      return toDto(row);
    });
  }
}
