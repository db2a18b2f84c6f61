import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { RevocationRequestsService } from '@labkeys/core';
import {
  CourseRepository,
  EnrollmentRepository,
  isUniqueViolation,
  mapPage,
  UnitOfWork,
  type Course,
  type CourseWithCounts,
  type Page,
  type TenantScope,
  type Tx,
} from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import type { CourseDto, CreateCourseDto, ListCoursesQueryDto, UpdateCourseDto } from './dto/course.dto';

const toDto = ({ tenantId: _t, ...course }: CourseWithCounts): CourseDto => course;
const codeTaken = () => new ConflictException({ detail: 'A course with this code already exists.', field: 'code' });

/** Courses of a tenant; every method is scoped by the tenant first. */
@Injectable()
export class CoursesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly courses: CourseRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly audit: AuditService,
    private readonly revocations: RevocationRequestsService,
  ) {}

  async list(scope: TenantScope, q: ListCoursesQueryDto): Promise<Page<CourseDto>> {
    return mapPage(await this.courses.list(scope, q, q), toDto);
  }

  async get(scope: TenantScope, id: string): Promise<CourseDto> {
    const row = await this.courses.findWithCounts(scope, id);
    if (!row) throw new NotFoundException({ detail: 'Course not found.' });
    return toDto(row);
  }

  async create(scope: TenantScope, input: CreateCourseDto): Promise<CourseDto> {
    return this.uniqueCode(() =>
      this.uow.run(async (tx) => {
        await this.assertCodeFree(tx, scope, input.code);
        const row = await this.courses.create(
          scope,
          { code: input.code, title: input.title, endsAt: input.endsAt ? new Date(input.endsAt) : null },
          tx,
        );
        await this.audit.record(
          scope,
          {
            action: 'course.created',
            subjectType: 'course',
            subjectId: row.id,
            summary: { code: row.code, title: row.title },
          },
          tx,
        );
        return toDto(row);
      }),
    );
  }

  async update(scope: TenantScope, id: string, input: UpdateCourseDto): Promise<CourseDto> {
    return this.uniqueCode(() =>
      this.uow.run(async (tx) => {
        const current = await this.courses.findById(scope, id, tx);
        if (!current) throw new NotFoundException({ detail: 'Course not found.' });
        if (input.code !== undefined && input.code !== current.code)
          await this.assertCodeFree(tx, scope, input.code, id);
        const endsAt = input.endsAt === undefined ? undefined : input.endsAt === null ? null : new Date(input.endsAt);
        const row = await this.courses.update(scope, id, { code: input.code, title: input.title, endsAt }, tx);
        const changes = Object.fromEntries(
          Object.entries(input).filter(([key, value]) => value !== undefined && current[key as keyof Course] !== value),
        );
        if (Object.keys(changes).length) {
          await this.audit.record(
            scope,
            { action: 'course.updated', subjectType: 'course', subjectId: id, summary: changes },
            tx,
          );
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
  async setArchived(scope: TenantScope, id: string, archived: boolean): Promise<CourseDto> {
    if (!archived) return this.unarchive(scope, id);
    await this.revocations.endAccess(scope, async (tx) => {
      const changed = await this.courses.archive(scope, id, new Date(), tx);
      const row = await this.courses.findById(scope, id, tx);
      if (!row) throw new NotFoundException({ detail: 'Course not found.' });
      if (!changed) return null;
      const studentIds = await this.enrollments.activeStudentIds(scope, id, tx);
      return {
        studentIds,
        courseIds: [id],
        action: 'course.archived',
        subjectType: 'course',
        subjectId: id,
        summary: { code: row.code },
      };
    });
    return this.get(scope, id);
  }

  private async unarchive(scope: TenantScope, id: string): Promise<CourseDto> {
    return this.uow.run(async (tx) => {
      const changed = await this.courses.unarchive(scope, id, tx);
      const row = await this.courses.findWithCounts(scope, id, tx);
      if (!row) throw new NotFoundException({ detail: 'Course not found.' });
      if (changed) {
        await this.audit.record(
          scope,
          { action: 'course.unarchived', subjectType: 'course', subjectId: id, summary: { code: row.code } },
          tx,
        );
      }
      return toDto(row);
    });
  }

  /** Codes differing only in case would read as the same course to students, so they count as taken too. */
  private async assertCodeFree(tx: Tx, scope: TenantScope, code: string, exceptId?: string): Promise<void> {
    if (await this.courses.codeTaken(scope, code, exceptId, tx)) throw codeTaken();
  }

  /** Two concurrent writers can both pass the check; the unique index decides and we still name the field. */
  private async uniqueCode<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUniqueViolation(error)) throw codeTaken();
      throw error;
    }
  }
}
