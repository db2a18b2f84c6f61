import { Injectable, NotFoundException } from '@nestjs/common';
import {
  LabRepository,
  LabSessionRepository,
  parseSort,
  type PageRequest,
  type SessionState,
  type TenantScope,
} from '@labkeys/database';
import type { LabSessionDto } from './dto/lab-session.dto';

/** Read side of a lab's sessions for instructors; the repository selects only non-secret columns. */
@Injectable()
export class LabSessionsQuery {
  constructor(
    private readonly labs: LabRepository,
    private readonly sessions: LabSessionRepository,
  ) {}

  async requireLab(scope: TenantScope, labId: string): Promise<{ id: string; state: string }> {
    const lab = await this.labs.findState(scope, labId);
    if (!lab) throw new NotFoundException({ detail: 'Lab not found.' });
    return lab;
  }

  async list(scope: TenantScope, labId: string, page: PageRequest, filter: { state?: SessionState; sort?: string }) {
    await this.requireLab(scope, labId);
    const rows = await this.sessions.pageOfLab(
      scope,
      labId,
      filter.state,
      page,
      parseSort<'createdAt' | 'expiresAt'>(filter.sort, 'createdAt'),
    );
    return { ...rows, items: rows.items.map(toDto) };
  }

  async one(scope: TenantScope, sessionId: string): Promise<LabSessionDto | null> {
    const row = await this.sessions.findSafe(scope, sessionId);
    return row ? toDto(row) : null;
  }

  async readiness(scope: TenantScope, labId: string): Promise<Record<SessionState, number>> {
    const groups = await this.sessions.countByState(scope, labId);
    const counts = { PENDING: 0, ISSUING: 0, ACTIVE: 0, EXPIRED: 0, REVOKING: 0, REVOKED: 0, FAILED: 0 } as Record<
      SessionState,
      number
    >;
    for (const group of groups) counts[group.state] = group.count;
    return counts;
  }
}

function toDto(
  row: { student: { handle: string; email: string } } & Omit<LabSessionDto, 'studentHandle' | 'studentEmail'>,
): LabSessionDto {
  const { student, ...rest } = row;
  return { ...rest, studentHandle: student.handle, studentEmail: student.email };
}
