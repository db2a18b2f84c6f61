import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@labkeys/config';
import { LabSessionRepository, tenantScopeOf } from '@labkeys/database';
import { lifecycleMetrics } from '@labkeys/metrics';
import { PushPublisher, sessionEvent } from '@labkeys/push';
import { JobName, JobProducer, type JobOf } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

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
    private readonly sessions: LabSessionRepository,
    private readonly producer: JobProducer,
    private readonly push: PushPublisher,
    private readonly config: AppConfig,
  ) {}

  async handle(
    { tenantId, sessionId, at }: JobOf<JobName.ExpireSession>,
    job: Job<JobOf<JobName.ExpireSession>>,
  ): Promise<'expired' | 'rescheduled' | 'skipped'> {
    const scope = tenantScopeOf(tenantId);
    // The common case, due and ACTIVE, is one statement.
    const expired = await this.sessions.expireIfDue(scope, sessionId);
    if (expired) {
      lifecycleMetrics.expired(job.timestamp + (job.delay ?? 0));
      await this.push.publish([
        sessionEvent(
          'session.ended',
          { tenantId, labId: expired.labId, studentId: expired.studentId, sessionId },
          'EXPIRED',
          { reason: 'expired' },
        ),
      ]);
      return 'expired';
    }
    const session = await this.sessions.find(scope, sessionId);
    if (!session || session.state !== 'ACTIVE' || !session.expiresAt) return 'skipped';
    const early = session.expiresAt.getTime() - Date.now();
    if (early > 0) {
      const expiresAt = session.expiresAt.getTime();
      // The job put back for the expiry itself does not tell again. Told once: the sweep sends the notice too
      // when this job was lost, and whichever marks it first tells.
      const notice =
        at !== expiresAt
          ? await this.sessions.claimExpiringNotice(scope, sessionId, this.config.expiringNoticeMs + 1000)
          : null;
      if (notice) {
        const subject = { tenantId, labId: session.labId, studentId: session.studentId, sessionId };
        await this.push.publish([
          sessionEvent('session.expiring', subject, 'ACTIVE', {
            expiresAt: session.expiresAt.toISOString(),
            secondsLeft: Math.round(early / 1000),
          }),
        ]);
      }
      await this.producer.add(JobName.ExpireSession, { tenantId, sessionId, at: expiresAt }, { delay: early });
      return 'rescheduled';
    }
    // Due by now, but another run ended it between the two reads.
    return 'skipped';
  }
}
