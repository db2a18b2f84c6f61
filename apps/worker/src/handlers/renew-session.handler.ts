import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditWriter } from '@labkeys/core';
import { LabRepository, LabSessionRepository, tenantScopeOf, UnitOfWork } from '@labkeys/database';
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
    private readonly uow: UnitOfWork,
    private readonly labs: LabRepository,
    private readonly sessions: LabSessionRepository,
    private readonly producer: JobProducer,
    private readonly audit: AuditWriter,
  ) {}

  async handle({ tenantId, sessionId }: SessionRef): Promise<'renewed' | 'skipped'> {
    const scope = tenantScopeOf(tenantId);
    const successorId = await this.uow.run(async (tx) => {
      // Lock the lab so an end or revoke cannot interleave with the successor's creation.
      const session = await this.sessions.findWithStudentHandle(scope, sessionId, tx);
      if (!session || session.state !== 'ACTIVE' || !session.expiresAt) return null;
      const lab = await this.labs.lockForUpdate(scope, session.labId, tx);
      if (!lab || lab.state !== 'RUNNING' || !lab.autoRenew) return null;
      if (lab.endsAt && lab.endsAt <= session.expiresAt) return null;
      // A student who left the course (or whose course was archived) gets no successor.
      if (!(await this.sessions.isEnrolled(scope, lab.courseId, session.studentId, tx))) return null;
      // Read again under the lab's lock: a revocation that committed meanwhile wins.
      const locked = await this.sessions.findState(scope, sessionId, tx);
      if (locked?.state !== 'ACTIVE') return null;
      const existing = await this.sessions.findSuccessor(scope, sessionId, tx);
      if (existing) return existing.id;
      const id = randomUUID();
      await this.sessions.createSuccessor(
        scope,
        {
          id,
          labId: session.labId,
          studentId: session.studentId,
          predecessorId: sessionId,
          roleSessionName: roleSessionNameFor({ studentHandle: session.student.handle, sessionId: id }),
        },
        tx,
      );
      await this.audit.record(
        scope,
        {
          action: 'session.renewal-started',
          subjectType: 'session',
          subjectId: id,
          summary: { predecessorId: sessionId },
        },
        tx,
      );
      return id;
    });
    if (!successorId) return 'skipped';
    await this.producer.add(JobName.IssueSession, { tenantId, sessionId: successorId });
    return 'renewed';
  }
}
