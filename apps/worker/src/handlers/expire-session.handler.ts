import { Injectable } from '@nestjs/common';
import { SessionRepository, PrismaService } from '@labkeys/database';
import { PushPublisher } from '@labkeys/push';
import { JobName, JobProducer, type SessionRef } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

/**
 * At a session's expiry: ACTIVE→EXPIRED and the sealed secret destroyed.
 * A job that fires early (clock drift between hosts) puts itself back.
 */
@Injectable()
@HandlesJob(JobName.ExpireSession)
export class ExpireSessionHandler implements JobHandler<JobName.ExpireSession> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionRepository,
    private readonly producer: JobProducer,
    private readonly push: PushPublisher,
  ) {}

  async handle({ tenantId, sessionId }: SessionRef): Promise<'expired' | 'rescheduled' | 'skipped'> {
    const session = await this.prisma.labSession.findFirst({
      where: { tenantId, id: sessionId },
      select: { id: true, state: true, expiresAt: true, labId: true, studentId: true },
    });
    if (!session || session.state !== 'ACTIVE' || !session.expiresAt) return 'skipped';
    const early = session.expiresAt.getTime() - Date.now();
    if (early > 0) {
      await this.producer.add(JobName.ExpireSession, { tenantId, sessionId }, { delay: early, jobId: `expire-${sessionId}-${session.expiresAt.getTime()}` });
      return 'rescheduled';
    }
    if (!(await this.sessions.markExpired(tenantId, sessionId))) return 'skipped';
    await this.push.publish([
      {
        type: 'session.ended',
        tenantId,
        labId: session.labId,
        studentId: session.studentId,
        sessionId,
        state: 'EXPIRED',
        detail: { reason: 'expired' },
        at: new Date().toISOString(),
      },
    ]);
    return 'expired';
  }
}
