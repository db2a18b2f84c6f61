import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditWriter } from '@labkeys/core';
import { PrismaService } from '@labkeys/database';
import { JobName, JobProducer, type SessionRef } from '@labkeys/queues';
import { roleSessionNameFor } from '@labkeys/templates';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

/**
 * Auto-renew: ahead of an ACTIVE session's expiry, a successor session is
 * created and issued, so the student's current session switches without a
 * gap. Nothing is renewed once the lab stops running or ends before expiry.
 */
@Injectable()
@HandlesJob(JobName.RenewSession)
export class RenewSessionHandler implements JobHandler<JobName.RenewSession> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: JobProducer,
    private readonly audit: AuditWriter,
  ) {}

  async handle({ tenantId, sessionId }: SessionRef): Promise<'renewed' | 'skipped'> {
    const successorId = await this.prisma.$transaction(async (tx) => {
      // Lock the lab so an end or revoke cannot interleave with the successor's creation.
      const session = await tx.labSession.findFirst({ where: { tenantId, id: sessionId }, include: { student: { select: { handle: true } } } });
      if (!session || session.state !== 'ACTIVE' || !session.expiresAt) return null;
      const [lab] = await tx.$queryRaw<{ state: string; auto_renew: boolean; ends_at: Date | null; course_id: string }[]>`
        SELECT state::text AS state, auto_renew, ends_at, course_id FROM labs WHERE tenant_id = ${tenantId}::uuid AND id = ${session.labId}::uuid FOR UPDATE`;
      if (!lab || lab.state !== 'RUNNING' || !lab.auto_renew) return null;
      if (lab.ends_at && lab.ends_at <= session.expiresAt) return null;
      // A student who left the course (or whose course was archived) gets no successor.
      const enrolled = await tx.enrollment.findFirst({
        where: { tenantId, courseId: lab.course_id, studentId: session.studentId, unenrolledAt: null, course: { archivedAt: null }, student: { deletedAt: null } },
        select: { id: true },
      });
      if (!enrolled) return null;
      // Read again under the lab's lock: a revocation that committed meanwhile wins.
      const locked = await tx.labSession.findFirst({ where: { tenantId, id: sessionId }, select: { state: true } });
      if (locked?.state !== 'ACTIVE') return null;
      const existing = await tx.labSession.findFirst({ where: { tenantId, predecessorId: sessionId }, select: { id: true } });
      if (existing) return existing.id;
      const id = randomUUID();
      await tx.labSession.create({
        data: {
          id,
          tenantId,
          labId: session.labId,
          studentId: session.studentId,
          predecessorId: sessionId,
          state: 'PENDING',
          roleSessionName: roleSessionNameFor({ studentHandle: session.student.handle, sessionId: id }),
        },
      });
      await this.audit.record(tx, tenantId, { action: 'session.renewal-started', subjectType: 'session', subjectId: id, summary: { predecessorId: sessionId } });
      return id;
    });
    if (!successorId) return 'skipped';
    await this.producer.add(JobName.IssueSession, { tenantId, sessionId: successorId });
    return 'renewed';
  }
}
