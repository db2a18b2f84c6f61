import { Injectable } from '@nestjs/common';
import type { Student } from '../generated/prisma/client';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';
import { inKeyOrder, uuidv7Batch } from '../uuidv7';

/** 50-bit handles collide about never; a few redraws cover the rest without looping forever. */
const HANDLE_DRAWS = 5;

export interface StudentFilter {
  email?: string;
  /** Only students currently enrolled in this course. */
  courseId?: string;
  /** Case-insensitive substring of the email, display name or handle. */
  q?: string;
  sort?: string;
}

/** A student with every enrollment (active or not), oldest first, and the course's code and title. */
export type StudentWithEnrollments = Student & {
  enrollments: {
    id: string;
    courseId: string;
    tokenIssuedAt: Date | null;
    unenrolledAt: Date | null;
    createdAt: Date;
    course: { code: string; title: string };
  }[];
};

export interface RosterStudent {
  /** Normalised (trimmed, lower-cased). */
  email: string;
  displayName?: string | null;
}

export interface EnsuredStudents {
  /** Student id per (normalised) email, for every row. */
  idByEmail: Map<string, string>;
  created: number;
}

/**
 * Students of a tenant. Deleted students keep their row (with personal data erased) so the audit trail and
 * AWS's records still resolve; lists and reads for instructors skip them.
 */
@Injectable()
export class StudentRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(scope: TenantScope, filter: StudentFilter, page: PageRequest): Promise<Page<Student>> {
    const { tenantId } = scope;
    const text = filter.q ? { contains: filter.q, mode: 'insensitive' as const } : undefined;
    const rows = await this.prisma.student.findMany({
      where: {
        tenantId,
        deletedAt: null,
        email: filter.email,
        enrollments: filter.courseId
          ? { some: { tenantId, courseId: filter.courseId, unenrolledAt: null } }
          : undefined,
        OR: text ? [{ email: text }, { displayName: text }, { handle: text }] : undefined,
      },
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'email'>(filter.sort, 'createdAt')),
    });
    return toPage(rows, page);
  }

  findWithEnrollments(scope: TenantScope, id: string): Promise<StudentWithEnrollments | null> {
    const { tenantId } = scope;
    return this.prisma.student.findFirst({
      where: { tenantId, id, deletedAt: null },
      include: {
        enrollments: {
          where: { tenantId },
          orderBy: { createdAt: 'asc' },
          include: { course: { select: { code: true, title: true } } },
        },
      },
    });
  }

  /** A student not deleted. */
  findActive(scope: TenantScope, id: string, tx?: Tx): Promise<Student | null> {
    return clientOf(this.prisma, tx).student.findFirst({ where: { tenantId: scope.tenantId, id, deletedAt: null } });
  }

  /** The student (not deleted) of an email, e.g. one their school's identity provider verified. */
  findActiveByEmail(scope: TenantScope, email: string, tx?: Tx): Promise<Student | null> {
    return clientOf(this.prisma, tx).student.findFirst({
      where: { tenantId: scope.tenantId, email: email.toLowerCase(), deletedAt: null },
    });
  }

  /** A student, deleted or not. */
  findById(scope: TenantScope, id: string, tx?: Tx): Promise<Student | null> {
    return clientOf(this.prisma, tx).student.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  updateDisplayName(scope: TenantScope, id: string, displayName: string | null, tx?: Tx): Promise<Student> {
    return clientOf(this.prisma, tx).student.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id } },
      data: { displayName },
    });
  }

  /** Marks the student deleted and erases their email and name; the row and handle stay. */
  async erase(scope: TenantScope, id: string, at: Date, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).student.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id } },
      data: { deletedAt: at, email: `deleted-${id}@deleted.invalid`, displayName: null },
    });
  }

  /**
   * Finds or creates the tenant's students for these rows with a handful of set-based statements (`newHandle`
   * draws a handle). Inserts skip conflicts: a row skipped because another import created the same email
   * meanwhile is found by the follow-up read; one skipped because its random handle was taken gets a new handle.
   */
  async ensureByEmail(
    scope: TenantScope,
    rows: readonly RosterStudent[],
    newHandle: () => string,
    tx: Tx,
  ): Promise<EnsuredStudents> {
    const idByEmail = new Map<string, string>();
    const remember = (found: { id: string; email: string }[]) => found.forEach((s) => idByEmail.set(s.email, s.id));
    const findByEmail = (emails: string[]) =>
      clientOf(this.prisma, tx).student.findMany({
        where: { tenantId: scope.tenantId, email: { in: emails } },
        select: { id: true, email: true },
      });

    remember(await findByEmail(rows.map((row) => row.email)));
    let missing = rows.filter((row) => !idByEmail.has(row.email));
    let created = 0;
    for (let draw = 0; missing.length > 0 && draw < HANDLE_DRAWS; draw++) {
      const inserted = await this.insertSkippingConflicts(
        scope,
        missing.map((row) => ({ email: row.email, displayName: row.displayName ?? null, handle: newHandle() })),
        tx,
      );
      created += inserted.length;
      remember(inserted);
      const skipped = missing.filter((row) => !idByEmail.has(row.email));
      if (skipped.length) remember(await findByEmail(skipped.map((row) => row.email)));
      missing = skipped.filter((row) => !idByEmail.has(row.email));
    }
    if (missing.length) throw new Error(`could not allocate unique student handles for ${missing.length} student(s)`);
    return { idByEmail, created };
  }

  /**
   * One INSERT … SELECT FROM unnest(arrays): Prisma's createMany spends ~0.5 s of client-side work per 1,000
   * rows here, this a few milliseconds of SQL whatever the roster size. Skips any row that conflicts (email or
   * handle taken); returns the inserted ones.
   */
  private async insertSkippingConflicts(
    scope: TenantScope,
    unordered: readonly { email: string; displayName: string | null; handle: string }[],
    tx: Tx,
  ) {
    if (!unordered.length) return [];
    const rows = inKeyOrder(unordered, (row) => row.email);
    const now = new Date();
    return clientOf(this.prisma, tx).$queryRaw<{ id: string; email: string }[]>`
      INSERT INTO students (id, tenant_id, email, display_name, handle, updated_at)
      SELECT v.id, ${scope.tenantId}::uuid, v.email, v.display_name, v.handle, ${now}
        FROM unnest(${uuidv7Batch(rows.length)}::uuid[], ${rows.map((r) => r.email)}::text[],
                    ${rows.map((r) => r.displayName)}::text[], ${rows.map((r) => r.handle)}::text[]) AS v(id, email, display_name, handle)
      ON CONFLICT DO NOTHING
      RETURNING id::text, email`;
  }
}
