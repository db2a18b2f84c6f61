import { Injectable } from '@nestjs/common';
import type { Lab } from '../generated/prisma/client';
import type { LabState } from '../generated/prisma/enums';
import { pageArgs, toPage, type Page, type PageRequest, type SortDirection } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** A lab row as the lock returns it. */
export interface LockedLab {
  id: string;
  state: string;
  courseId: string;
  endsAt: Date | null;
  autoRenew: boolean;
}

/** The lab's connection as its last verify left it. */
export interface LabConnectionVerify {
  id: string;
  name: string;
  lastVerifyOk: boolean | null;
  lastVerifiedAt: Date | null;
  lastVerifyFailures: unknown;
}

export interface LabFilter {
  courseId?: string;
  templateId?: string;
  state?: LabState;
}

/** The fields a lab is created with (the tenant comes from the scope). */
export interface NewLab {
  name: string;
  courseId: string;
  templateId: string;
  startsAt: Date | null;
  endsAt: Date | null;
  sessionDurationSeconds: number;
  autoRenew: boolean;
}

export type LabChanges = Partial<Omit<NewLab, 'autoRenew'>> & { autoRenew?: boolean };

async function withContext(prisma: PrismaService, tenantId: string, labId: string) {
  return prisma.lab.findFirst({
    where: { tenantId, id: labId },
    include: { course: { select: { id: true, code: true } }, template: { include: { connection: true } } },
  });
}

/** A lab with its course, template and AWS connection: what issuing a session of it needs. */
export type LabWithContext = NonNullable<Awaited<ReturnType<typeof withContext>>>;

/**
 * Labs: their rows, the row lock that serialises a lab's start, enrollment, renewal, revocation and end,
 * and the course, template and connection a lab refers to. State changes here are plain writes; which
 * change is allowed when is the use cases' business.
 */
@Injectable()
export class LabRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * `SELECT … FOR UPDATE` of the lab row inside `tx`: concurrent starts, enrollments, renewals, revocations
   * and ends of one lab take turns, so no student gets two sessions and no renewal slips past an end.
   * Null when the tenant has no such lab.
   */
  async lockForUpdate(scope: TenantScope, labId: string, tx: Tx): Promise<LockedLab | null> {
    const rows = await clientOf(this.prisma, tx).$queryRaw<LockedLab[]>`
      SELECT id, state::text AS state, course_id AS "courseId", ends_at AS "endsAt", auto_renew AS "autoRenew"
        FROM labs WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${labId}::uuid FOR UPDATE`;
    return rows[0] ?? null;
  }

  find(scope: TenantScope, labId: string, tx?: Tx): Promise<Lab | null> {
    return clientOf(this.prisma, tx).lab.findFirst({ where: { tenantId: scope.tenantId, id: labId } });
  }

  findState(scope: TenantScope, labId: string): Promise<{ id: string; state: LabState } | null> {
    return this.prisma.lab.findFirst({
      where: { tenantId: scope.tenantId, id: labId },
      select: { id: true, state: true },
    });
  }

  findWithContext(scope: TenantScope, labId: string): Promise<LabWithContext | null> {
    return withContext(this.prisma, scope.tenantId, labId);
  }

  async page(
    scope: TenantScope,
    filter: LabFilter,
    page: PageRequest,
    sort: { field: 'createdAt' | 'startsAt' | 'name'; direction: SortDirection },
  ): Promise<Page<Lab>> {
    const rows = await this.prisma.lab.findMany({
      where: {
        tenantId: scope.tenantId,
        courseId: filter.courseId,
        templateId: filter.templateId,
        state: filter.state,
      },
      ...pageArgs(scope.tenantId, page, sort),
    });
    return toPage(rows, page);
  }

  runningIdsOfCourse(scope: TenantScope, courseId: string): Promise<{ id: string }[]> {
    return this.prisma.lab.findMany({
      where: { tenantId: scope.tenantId, courseId, state: 'RUNNING' },
      select: { id: true },
    });
  }

  /** The scheduled and running labs of these courses (what a student signed in through SSO may pick from), bounded. */
  currentOfCourses(
    scope: TenantScope,
    courseIds: string[],
  ): Promise<Pick<Lab, 'id' | 'courseId' | 'name' | 'state' | 'startsAt' | 'endsAt'>[]> {
    return this.prisma.lab.findMany({
      where: { tenantId: scope.tenantId, courseId: { in: courseIds }, state: { in: ['SCHEDULED', 'RUNNING'] } },
      select: { id: true, courseId: true, name: true, state: true, startsAt: true, endsAt: true },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: 200,
    });
  }

  create(scope: TenantScope, lab: NewLab, tx: Tx): Promise<Lab> {
    return clientOf(this.prisma, tx).lab.create({ data: { tenantId: scope.tenantId, ...lab } });
  }

  /** Changes a lab only while it is SCHEDULED; false when it is not (a start landed meanwhile). */
  async updateScheduled(scope: TenantScope, labId: string, changes: LabChanges, tx: Tx): Promise<boolean> {
    const updated = await clientOf(this.prisma, tx).lab.updateMany({
      where: { tenantId: scope.tenantId, id: labId, state: 'SCHEDULED' },
      data: changes,
    });
    return updated.count > 0;
  }

  /** SCHEDULED → CANCELLED; false when the lab was not SCHEDULED. */
  async cancelScheduled(scope: TenantScope, labId: string, tx: Tx): Promise<boolean> {
    const cancelled = await clientOf(this.prisma, tx).lab.updateMany({
      where: { tenantId: scope.tenantId, id: labId, state: 'SCHEDULED' },
      data: { state: 'CANCELLED', endedAt: new Date() },
    });
    return cancelled.count > 0;
  }

  async markRunning(scope: TenantScope, labId: string, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).lab.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id: labId } },
      data: { state: 'RUNNING', startedAt: new Date() },
    });
  }

  async markEnded(scope: TenantScope, labId: string, tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).lab.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id: labId } },
      data: { state: 'ENDED', endedAt: new Date() },
    });
  }

  /** The connection of the lab's template with its last verify's outcome; null when the lab is unknown. */
  async connectionVerifyOf(scope: TenantScope, labId: string, tx?: Tx): Promise<LabConnectionVerify | null> {
    const lab = await clientOf(this.prisma, tx).lab.findFirst({
      where: { tenantId: scope.tenantId, id: labId },
      select: {
        template: {
          select: {
            connection: {
              select: { id: true, name: true, lastVerifyOk: true, lastVerifiedAt: true, lastVerifyFailures: true },
            },
          },
        },
      },
    });
    return lab?.template.connection ?? null;
  }

  /** The course a lab is (to be) in; another tenant's id reads as unknown. */
  findCourse(scope: TenantScope, courseId: string, tx?: Tx) {
    return clientOf(this.prisma, tx).course.findFirst({ where: { tenantId: scope.tenantId, id: courseId } });
  }

  /** The role template a lab is (to be) run with, and its connection. */
  findTemplateWithConnection(scope: TenantScope, templateId: string, tx?: Tx) {
    return clientOf(this.prisma, tx).roleTemplate.findFirst({
      where: { tenantId: scope.tenantId, id: templateId },
      include: { connection: true },
    });
  }

  /** Every tenant: SCHEDULED labs due by `now` whose connection did not fail its last verify. */
  systemDueToStart(now: Date, take: number): Promise<{ id: string; tenantId: string }[]> {
    return this.prisma.lab.findMany({
      where: {
        state: 'SCHEDULED',
        startsAt: { lte: now },
        template: { connection: { OR: [{ lastVerifyOk: null }, { lastVerifyOk: true }] } },
      },
      select: { id: true, tenantId: true },
      take,
    });
  }

  /** Every tenant: RUNNING labs whose end time is past `now`. */
  systemOverdueToEnd(now: Date, take: number): Promise<{ id: string; tenantId: string }[]> {
    return this.prisma.lab.findMany({
      where: { state: 'RUNNING', endsAt: { lte: now } },
      select: { id: true, tenantId: true },
      take,
    });
  }
}
