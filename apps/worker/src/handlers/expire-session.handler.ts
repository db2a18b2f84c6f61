import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@labkeys/config';
import { SessionRepository, PrismaService } from '@labkeys/database';
import { PushPublisher } from '@labkeys/push';
import { JobName, JobProducer, type SessionRef } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';
import { lifecycleMetrics } from '@labkeys/metrics';

/**
 * At a session's expiry: ACTIVE→EXPIRED and the sealed secret destroyed.
 * The job is first due a notice period before expiry: then it tells the
 * student (`session.expiring`) and puts itself back for the expiry itself.
 * A job that fires early for any other reason (clock drift) also puts itself back.
 */
@Injectable()
@HandlesJob(JobName.ExpireSession)
export class ExpireSessionHandler implements JobHandler<JobName.ExpireSession> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionRepository,
    private readonly producer: JobProducer,
    private readonly push: PushPublisher,
    private readonly config: AppConfig,
  ) {}

  async handle({ tenantId, sessionId }: SessionRef, job: Job<SessionRef>): Promise<'expired' | 'rescheduled' | 'skipped'> {
    // The common case, due and ACTIVE, is one statement.
    const expired = await this.sessions.expireIfDue(tenantId, sessionId);
    if (expired) {
      lifecycleMetrics.expired(job.timestamp + (job.delay ?? 0));
      await this.push.publish([
        { type: 'session.ended', tenantId, labId: expired.labId, studentId: expired.studentId, sessionId, state: 'EXPIRED', detail: { reason: 'expired' }, at: new Date().toISOString() },
      ]);
      return 'expired';
    }
    const session = await this.prisma.labSession.findFirst({
      where: { tenantId, id: sessionId },
      select: { id: true, state: true, expiresAt: true, labId: true, studentId: true },
    });
    if (!session || session.state !== 'ACTIVE' || !session.expiresAt) return 'skipped';
    const early = session.expiresAt.getTime() - Date.now();
    if (early > 0) {
      const jobId = `expire-${sessionId}-${session.expiresAt.getTime()}`;
      // Told once: the sweep sends the notice too when this job was lost, and whichever marks it first tells.
      const notice = job.id !== jobId ? await this.sessions.claimExpiringNotice(tenantId, sessionId, this.config.expiringNoticeMs + 1000) : null;
      if (notice) {
        await this.push.publish([
          {
            type: 'session.expiring',
            tenantId,
            labId: session.labId,
            studentId: session.studentId,
            sessionId,
            state: 'ACTIVE',
            detail: { expiresAt: session.expiresAt.toISOString(), secondsLeft: Math.round(early / 1000) },
            at: new Date().toISOString(),
          },
        ]);
      }
      await this.producer.add(JobName.ExpireSession, { tenantId, sessionId }, { delay: early, jobId });
      return 'rescheduled';
    }
    // Due by now, but another run ended it between the two reads.
    return 'skipped';
  }
}
