import { Injectable } from '@nestjs/common';
import type { Course } from '../generated/prisma/client';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

const WITH_COUNTS = { _count: { select: { enrollments: { where: { unenrolledAt: null } } } } } as const;

/** A course with the number of its students currently enrolled. */
export type CourseWithCounts = Course & { activeEnrollments: number };

const withCounts = ({ _count, ...course }: Course & { _count: { enrollments: number } }): CourseWithCounts => ({
  ...course,
  activeEnrollments: _count.enrollments,
});

export interface CourseFilter {
  /** Only archived (true) or only active (false) courses. */
  archived?: boolean;
  /** Case-insensitive substring of the code or title. */
  q?: string;
  sort?: string;
}

export interface CourseFields {
  code?: string;
  title?: string;
  endsAt?: Date | null;
}

/** Courses of a tenant: their rows, the active-enrollment count lists show, and the share lock imports take. */
@Injectable()
export class CourseRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(scope: TenantScope, filter: CourseFilter, page: PageRequest): Promise<Page<CourseWithCounts>> {
    const { tenantId } = scope;
    const rows = await this.prisma.course.findMany({
      where: {
        tenantId,
        archivedAt: filter.archived === undefined ? undefined : filter.archived ? { not: null } : null,
        OR: filter.q
          ? [
              { code: { contains: filter.q, mode: 'insensitive' } },
              { title: { contains: filter.q, mode: 'insensitive' } },
            ]
          : undefined,
      },
      include: WITH_COUNTS,
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'code'>(filter.sort, 'createdAt')),
    });
    return toPage(rows, page, withCounts);
  }

  async findWithCounts(scope: TenantScope, id: string, tx?: Tx): Promise<CourseWithCounts | null> {
    const row = await clientOf(this.prisma, tx).course.findFirst({
      where: { tenantId: scope.tenantId, id },
      include: WITH_COUNTS,
    });
    return row && withCounts(row);
  }

  findById(scope: TenantScope, id: string, tx?: Tx): Promise<Course | null> {
    return clientOf(this.prisma, tx).course.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  /** Whether another course of the tenant has this code, compared case-insensitively. */
  async codeTaken(scope: TenantScope, code: string, exceptId?: string, tx?: Tx): Promise<boolean> {
    const clash = await clientOf(this.prisma, tx).course.findFirst({
      where: {
        tenantId: scope.tenantId,
        code: { equals: code, mode: 'insensitive' },
        id: exceptId ? { not: exceptId } : undefined,
      },
      select: { id: true },
    });
    return clash !== null;
  }

  async create(
    scope: TenantScope,
    fields: Required<Pick<CourseFields, 'code' | 'title'>> & { endsAt: Date | null },
    tx?: Tx,
  ): Promise<CourseWithCounts> {
    return withCounts(
      await clientOf(this.prisma, tx).course.create({
        data: { tenantId: scope.tenantId, ...fields },
        include: WITH_COUNTS,
      }),
    );
  }

  async update(scope: TenantScope, id: string, fields: CourseFields, tx?: Tx): Promise<CourseWithCounts> {
    return withCounts(
      await clientOf(this.prisma, tx).course.update({
        where: { tenantId_id: { tenantId: scope.tenantId, id } },
        data: fields,
        include: WITH_COUNTS,
      }),
    );
  }

  /** Archives the course unless it already is; whether this call changed it. */
  async archive(scope: TenantScope, id: string, at: Date, tx?: Tx): Promise<boolean> {
    const { count } = await clientOf(this.prisma, tx).course.updateMany({
      where: { tenantId: scope.tenantId, id, archivedAt: null },
      data: { archivedAt: at },
    });
    return count > 0;
  }

  /** Unarchives the course if it is archived; whether this call changed it. */
  async unarchive(scope: TenantScope, id: string, tx?: Tx): Promise<boolean> {
    const { count } = await clientOf(this.prisma, tx).course.updateMany({
      where: { tenantId: scope.tenantId, id, archivedAt: { not: null } },
      data: { archivedAt: null },
    });
    return count > 0;
  }

  /** Reads the course under FOR SHARE, so it cannot be archived before `tx` ends; null when there is none. */
  async lockForShare(scope: TenantScope, id: string, tx: Tx): Promise<{ archivedAt: Date | null } | null> {
    const [row] = await clientOf(this.prisma, tx).$queryRaw<
      { archived_at: Date | null }[]
    >`SELECT archived_at FROM courses WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid FOR SHARE`;
    return row ? { archivedAt: row.archived_at } : null;
  }

  async exists(scope: TenantScope, id: string): Promise<boolean> {
    return (
      (await this.prisma.course.findFirst({ where: { tenantId: scope.tenantId, id }, select: { id: true } })) !== null
    );
  }
}
