import { Injectable, NotFoundException } from '@nestjs/common';
import { pageArgs, parseSort, PrismaService, toPage, type PageRequest, type SessionState } from '@labkeys/database';
import type { LabSessionDto } from './dto/lab-session.dto';

const SAFE_FIELDS = {
  id: true,
  labId: true,
  studentId: true,
  state: true,
  roleSessionName: true,
  predecessorId: true,
  failureCode: true,
  failureReason: true,
  accessKeyId: true,
  assumedRoleArn: true,
  attempts: true,
  issuedAt: true,
  expiresAt: true,
  endedAt: true,
  createdAt: true,
  student: { select: { handle: true, email: true } },
} as const;

/** Read side of a lab's sessions for instructors; selects only non-secret columns. */
@Injectable()
export class LabSessionsQuery {
  constructor(private readonly prisma: PrismaService) {}

  async requireLab(tenantId: string, labId: string): Promise<{ id: string; state: string }> {
    const lab = await this.prisma.lab.findFirst({ where: { tenantId, id: labId }, select: { id: true, state: true } });
    if (!lab) throw new NotFoundException({ detail: 'Lab not found.' });
    return lab;
  }

  async list(tenantId: string, labId: string, page: PageRequest, filter: { state?: SessionState; sort?: string }) {
    await this.requireLab(tenantId, labId);
    const rows = await this.prisma.labSession.findMany({
      where: { tenantId, labId, state: filter.state },
      select: SAFE_FIELDS,
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'expiresAt'>(filter.sort, 'createdAt')),
    });
    return toPage(rows, page, toDto);
  }

  async one(tenantId: string, sessionId: string): Promise<LabSessionDto | null> {
    const row = await this.prisma.labSession.findFirst({ where: { tenantId, id: sessionId }, select: SAFE_FIELDS });
    return row ? toDto(row) : null;
  }

  async readiness(tenantId: string, labId: string): Promise<Record<SessionState, number>> {
    const groups = await this.prisma.labSession.groupBy({ by: ['state'], where: { tenantId, labId }, _count: { _all: true } });
    const counts = { PENDING: 0, ISSUING: 0, ACTIVE: 0, EXPIRED: 0, REVOKING: 0, REVOKED: 0, FAILED: 0 } as Record<SessionState, number>;
    for (const group of groups) counts[group.state] = group._count._all;
    return counts;
  }
}

function toDto(row: { student: { handle: string; email: string } } & Omit<LabSessionDto, 'studentHandle' | 'studentEmail'>): LabSessionDto {
  const { student, ...rest } = row;
  return { ...rest, studentHandle: student.handle, studentEmail: student.email };
}
