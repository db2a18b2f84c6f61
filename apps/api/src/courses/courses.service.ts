import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { RevocationRequestsService } from '@labkeys/core';
import { pageArgs, parseSort, Prisma, PrismaService, toPage, type Course, type Page, type TransactionClient } from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import type { CourseDto, CreateCourseDto, ListCoursesQueryDto, UpdateCourseDto } from './dto/course.dto';

const WITH_COUNTS = { _count: { select: { enrollments: { where: { unenrolledAt: null } } } } } as const;
type CourseWithCounts = Course & { _count: { enrollments: number } };

const toDto = ({ tenantId: _t, _count, ...course }: CourseWithCounts): CourseDto => ({ ...course, activeEnrollments: _count.enrollments });
const codeTaken = () => new ConflictException({ detail: 'A course with this code already exists.', field: 'code' });

/** Courses of a tenant; every method is scoped by tenant id first. */
@Injectable()
export class CoursesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly revocations: RevocationRequestsService,
  ) {}

  async list(tenantId: string, q: ListCoursesQueryDto): Promise<Page<CourseDto>> {
    const rows = await this.prisma.course.findMany({
      where: {
        tenantId,
        archivedAt: q.archived === undefined ? undefined : q.archived ? { not: null } : null,
        OR: q.q ? [{ code: { contains: q.q, mode: 'insensitive' } }, { title: { contains: q.q, mode: 'insensitive' } }] : undefined,
      },
      include: WITH_COUNTS,
      ...pageArgs(tenantId, q, parseSort<'createdAt' | 'code'>(q.sort, 'createdAt')),
    });
    return toPage(rows, q, toDto);
  }

  async get(tenantId: string, id: string): Promise<CourseDto> {
    const row = await this.prisma.course.findFirst({ where: { tenantId, id }, include: WITH_COUNTS });
    if (!row) throw new NotFoundException({ detail: 'Course not found.' });
    return toDto(row);
  }

  async create(tenantId: string, input: CreateCourseDto): Promise<CourseDto> {
    return this.uniqueCode(() =>
      this.prisma.$transaction(async (tx) => {
        await this.assertCodeFree(tx, tenantId, input.code);
        const row = await tx.course.create({ data: { tenantId, code: input.code, title: input.title, endsAt: input.endsAt ? new Date(input.endsAt) : null }, include: WITH_COUNTS });
        await this.audit.record(tx, tenantId, { action: 'course.created', subjectType: 'course', subjectId: row.id, summary: { code: row.code, title: row.title } });
        return toDto(row);
      }),
    );
  }

  async update(tenantId: string, id: string, input: UpdateCourseDto): Promise<CourseDto> {
    return this.uniqueCode(() =>
      this.prisma.$transaction(async (tx) => {
        const current = await tx.course.findFirst({ where: { tenantId, id } });
        if (!current) throw new NotFoundException({ detail: 'Course not found.' });
        if (input.code !== undefined && input.code !== current.code) await this.assertCodeFree(tx, tenantId, input.code, id);
        const endsAt = input.endsAt === undefined ? undefined : input.endsAt === null ? null : new Date(input.endsAt);
        const row = await tx.course.update({ where: { tenantId_id: { tenantId, id } }, data: { code: input.code, title: input.title, endsAt }, include: WITH_COUNTS });
        const changes = Object.fromEntries(Object.entries(input).filter(([key, value]) => value !== undefined && current[key as keyof Course] !== value));
        if (Object.keys(changes).length) {
          await this.audit.record(tx, tenantId, { action: 'course.updated', subjectType: 'course', subjectId: id, summary: changes });
        }
        return toDto(row);
      }),
    );
  }

  /**
   * Archiving is idempotent: a second call changes nothing and records nothing. Archiving ends the access of
   * every enrolled student (their links stop working, their live sessions in the course's labs are revoked);
   * unarchiving lets the links work again but revives no session.
   */
  async setArchived(tenantId: string, id: string, archived: boolean): Promise<CourseDto> {
    if (!archived) return this.unarchive(tenantId, id);
    await this.revocations.endAccess(tenantId, async (tx) => {
      const changed = await tx.course.updateMany({ where: { tenantId, id, archivedAt: null }, data: { archivedAt: new Date() } });
      const row = await tx.course.findFirst({ where: { tenantId, id }, select: { code: true } });
      if (!row) throw new NotFoundException({ detail: 'Course not found.' });
      if (!changed.count) return null;
      const enrolled = await tx.enrollment.findMany({ where: { tenantId, courseId: id, unenrolledAt: null }, select: { studentId: true } });
      return { studentIds: enrolled.map((e) => e.studentId), courseIds: [id], action: 'course.archived', subjectType: 'course', subjectId: id, summary: { code: row.code } };
    });
    return this.get(tenantId, id);
  }

  private async unarchive(tenantId: string, id: string): Promise<CourseDto> {
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.course.updateMany({ where: { tenantId, id, archivedAt: { not: null } }, data: { archivedAt: null } });
      const row = await tx.course.findFirst({ where: { tenantId, id }, include: WITH_COUNTS });
      if (!row) throw new NotFoundException({ detail: 'Course not found.' });
      if (changed.count) {
        await this.audit.record(tx, tenantId, { action: 'course.unarchived', subjectType: 'course', subjectId: id, summary: { code: row.code } });
      }
      return toDto(row);
    });
  }

  /** Codes differing only in case would read as the same course to students, so they count as taken too. */
  private async assertCodeFree(tx: TransactionClient, tenantId: string, code: string, exceptId?: string): Promise<void> {
    const clash = await tx.course.findFirst({ where: { tenantId, code: { equals: code, mode: 'insensitive' }, id: exceptId ? { not: exceptId } : undefined }, select: { id: true } });
    if (clash) throw codeTaken();
  }

  /** Two concurrent writers can both pass the check; the unique index decides and we still name the field. */
  private async uniqueCode<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw codeTaken();
      throw error;
    }
  }
}
