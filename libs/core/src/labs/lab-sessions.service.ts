import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { LIVE_SESSION_STATES, PrismaService, type TransactionClient } from '@labkeys/database';
import { JobName, JobProducer } from '@labkeys/queues';
import { roleSessionNameFor } from '@labkeys/templates';
import { AuditWriter } from '../audit/audit-writer';
import { LabStateConflictError, NotFoundError } from '../errors/domain-errors';
import { ConnectionNotVerifiedError, unverifiedConnectionOf, type UnverifiedConnection } from './connection-not-verified.error';

export interface StartLabResult {
  labId: string;
  state: 'RUNNING';
  created: number;
  alreadyLive: number;
  queued: number;
}

/** A scheduled start refused because the lab's connection failed its last verify; the lab stays SCHEDULED. */
export interface RefusedStartResult {
  labId: string;
  state: 'SCHEDULED';
  refused: UnverifiedConnection;
}

/**
 * Starting a lab, and issuing for students who join a running one: one
 * transaction creates a PENDING session per enrolled student without a live
 * one; after commit, one issuance job per pending session is added in bulk
 * (job id from the session id, so adding it again is harmless).
 */
@Injectable()
export class LabSessionsService {
  private readonly logger = new Logger(LabSessionsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: JobProducer,
    private readonly audit: AuditWriter,
  ) {}

  /**
   * The one start path (manual and scheduled). A lab whose connection failed its last verify does not start:
   * a manual start answers 409 naming the connection; a scheduled one records `lab.start-refused` and leaves the
   * lab SCHEDULED without throwing, so neither the StartLab job nor the sweep retries it in a loop (the sweep
   * skips labs on such connections) and it starts at the next sweep once the connection verifies again.
   */
  async startLab(tenantId: string, labId: string, trigger: 'manual'): Promise<StartLabResult>;
  async startLab(tenantId: string, labId: string, trigger: 'schedule'): Promise<StartLabResult | RefusedStartResult>;
  async startLab(tenantId: string, labId: string, trigger: 'manual' | 'schedule'): Promise<StartLabResult | RefusedStartResult> {
    const result = await this.prisma.$transaction(async (tx) => {
      const lab = await lockLab(tx, tenantId, labId);
      if (lab.state === 'CANCELLED' || lab.state === 'ENDED') {
        throw new LabStateConflictError(lab.state, `The lab is ${lab.state.toLowerCase()} and cannot start.`);
      }
      const unverified = await unverifiedConnectionOf(tx, tenantId, labId);
      if (unverified) {
        if (trigger === 'manual') throw new ConnectionNotVerifiedError(unverified);
        await this.audit.record(tx, tenantId, {
          action: 'lab.start-refused',
          subjectType: 'lab',
          subjectId: labId,
          summary: { trigger, connectionId: unverified.id, connectionName: unverified.name, failures: unverified.failures },
        });
        return { refused: unverified };
      }
      if (lab.state === 'SCHEDULED') {
        await tx.lab.update({ where: { tenantId_id: { tenantId, id: labId } }, data: { state: 'RUNNING', startedAt: new Date() } });
      }
      const { created, alreadyLive } = await createMissingSessions(tx, tenantId, labId, lab.course_id);
      await this.audit.record(tx, tenantId, { action: 'lab.started', subjectType: 'lab', subjectId: labId, summary: { trigger, created, alreadyLive, wasRunning: lab.state === 'RUNNING' } });
      return { created, alreadyLive, endsAt: lab.ends_at };
    });
    if (result.refused) return { labId, state: 'SCHEDULED', refused: result.refused };
    const { endsAt, ...counts } = result;
    const queued = await this.afterCommit(tenantId, labId, async () => {
      // The end job is checked against the lab's end time when it runs; the sweep catches a moved end time.
      if (endsAt) await this.producer.add(JobName.EndLab, { tenantId, labId }, { delay: Math.max(0, endsAt.getTime() - Date.now()) });
      return this.enqueuePending(tenantId, labId);
    });
    return { labId, state: 'RUNNING', ...counts, queued };
  }

  /** Students newly enrolled in a course get sessions in its running labs. */
  async issueForNewEnrollments(tenantId: string, courseId: string, studentIds: string[]): Promise<number> {
    if (studentIds.length === 0) return 0;
    const labs = await this.prisma.lab.findMany({ where: { tenantId, courseId, state: 'RUNNING' }, select: { id: true } });
    let created = 0;
    for (const lab of labs) {
      created += await this.prisma.$transaction(async (tx) => {
        const locked = await lockLab(tx, tenantId, lab.id);
        if (locked.state !== 'RUNNING') return 0;
        const result = await createMissingSessions(tx, tenantId, lab.id, locked.course_id, studentIds);
        if (result.created > 0) {
          await this.audit.record(tx, tenantId, { action: 'lab.sessions-added', subjectType: 'lab', subjectId: lab.id, summary: { created: result.created } });
        }
        return result.created;
      });
      await this.afterCommit(tenantId, lab.id, () => this.enqueuePending(tenantId, lab.id));
    }
    return created;
  }

  /**
   * Enqueueing after commit must not turn a committed start into an error (the caller would retry a change
   * that happened): a failure is logged and 0 counted as queued; the sweep re-queues PENDING sessions that
   * have no job, and ends labs past their end time.
   */
  private async afterCommit(tenantId: string, labId: string, enqueue: () => Promise<number>): Promise<number> {
    try {
      return await enqueue();
    } catch (error) {
      this.logger.warn({ tenantId, labId, err: (error as Error).message }, 'could not enqueue after commit; the repair sweep will queue the pending sessions');
      return 0;
    }
  }

  /** (Re)adds the issuance job of every pending session of a lab; ids make repeats no-ops. */
  async enqueuePending(tenantId: string, labId: string): Promise<number> {
    const pending = await this.prisma.labSession.findMany({ where: { tenantId, labId, state: 'PENDING' }, select: { id: true } });
    await this.producer.addBulk(
      JobName.IssueSession,
      pending.map((s) => ({ tenantId, sessionId: s.id })),
    );
    return pending.length;
  }
}

interface LockedLab {
  id: string;
  state: string;
  course_id: string;
  ends_at: Date | null;
}

/** Serialises concurrent starts and enrollments of one lab, so no student gets two sessions. */
async function lockLab(tx: TransactionClient, tenantId: string, labId: string): Promise<LockedLab> {
  const rows = await tx.$queryRaw<LockedLab[]>`SELECT id, state::text AS state, course_id, ends_at FROM labs WHERE tenant_id = ${tenantId}::uuid AND id = ${labId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Lab not found.');
  return rows[0];
}

async function createMissingSessions(tx: TransactionClient, tenantId: string, labId: string, courseId: string, onlyStudents?: string[]) {
  const enrolled = await tx.enrollment.findMany({
    where: { tenantId, courseId, unenrolledAt: null, student: { deletedAt: null }, course: { archivedAt: null }, ...(onlyStudents ? { studentId: { in: onlyStudents } } : {}) },
    select: { student: { select: { id: true, handle: true } } },
  });
  // A revoked student stays revoked: starting the lab again must not hand them new credentials.
  const live = await tx.labSession.findMany({
    where: { tenantId, labId, state: { in: [...LIVE_SESSION_STATES, 'REVOKING', 'REVOKED'] } },
    select: { studentId: true },
  });
  const hasLive = new Set(live.map((s) => s.studentId));
  const missing = enrolled.map((e) => e.student).filter((student) => !hasLive.has(student.id));
  const rows = missing.map((student) => {
    const id = randomUUID();
    return { id, tenantId, labId, studentId: student.id, state: 'PENDING' as const, roleSessionName: roleSessionNameFor({ studentHandle: student.handle, sessionId: id }) };
  });
  if (rows.length > 0) await tx.labSession.createMany({ data: rows });
  return { created: rows.length, alreadyLive: enrolled.length - rows.length };
}
