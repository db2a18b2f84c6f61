import { Injectable, Logger } from '@nestjs/common';
import { LabSessionsService, RevocationRequestsService } from '@labkeys/core';
import { PrismaService, SessionRepository } from '@labkeys/database';
import { PushPublisher, type PushEvent } from '@labkeys/push';
import { JOB_CATALOGUE, JobName, JobProducer } from '@labkeys/queues';
import { AppConfig } from '@labkeys/config';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

export interface SweepResult {
  expired: number;
  reclaimed: number;
  requeued: number;
  labsStarted: number;
  labsEnded: number;
  /** Roles whose deny policy was queued for a rewrite: revocations to retry or entries to prune. */
  rolesRequeued: number;
}

const BATCH = 1000;

/**
 * Repair sweep. Postgres is the truth and Redis only runs jobs, so the sweep
 * re-derives from the database whatever a lost or late job should have done:
 * overdue sessions expire, abandoned claims return to PENDING, pending
 * sessions without a live job get one, due labs start, overdue labs end, and
 * revocations not yet in AWS (or entries past their sessions' expiry) get
 * their role's policy rewritten. Safe with several
 * workers: every change is a conditional update and every job id is fixed.
 */
@Injectable()
@HandlesJob(JobName.Sweep)
export class SweepHandler implements JobHandler<JobName.Sweep> {
  private readonly logger = new Logger(SweepHandler.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionRepository,
    private readonly producer: JobProducer,
    private readonly labs: LabSessionsService,
    private readonly push: PushPublisher,
    private readonly config: AppConfig,
    private readonly revocations: RevocationRequestsService,
  ) {}

  async handle(): Promise<SweepResult> {
    const result: SweepResult = {
      expired: await this.expireOverdue(),
      reclaimed: await this.reclaimAbandoned(),
      requeued: 0,
      labsStarted: await this.startDueLabs(),
      labsEnded: await this.endOverdueLabs(),
      rolesRequeued: 0,
    };
    result.requeued = await this.requeuePending();
    result.rolesRequeued = await this.requeueRevocations();
    if (result.expired + result.reclaimed + result.requeued + result.labsStarted + result.labsEnded + result.rolesRequeued > 0) this.logger.log(result, 'sweep repaired state');
    return result;
  }

  private async expireOverdue(): Promise<number> {
    const now = new Date();
    const overdue = await this.prisma.labSession.findMany({
      where: { state: 'ACTIVE', expiresAt: { lte: now } },
      select: { id: true, tenantId: true, labId: true, studentId: true },
      take: BATCH,
    });
    const events: PushEvent[] = [];
    for (const s of overdue) {
      if (await this.sessions.markExpired(s.tenantId, s.id, now)) {
        events.push({ type: 'session.ended', tenantId: s.tenantId, labId: s.labId, studentId: s.studentId, sessionId: s.id, state: 'EXPIRED', detail: { reason: 'expired' }, at: now.toISOString() });
      }
    }
    await this.push.publish(events);
    return events.length;
  }

  /** An ISSUING claim older than the lease belongs to a worker that died mid-call. */
  private async reclaimAbandoned(): Promise<number> {
    const { count } = await this.prisma.labSession.updateMany({
      where: { state: 'ISSUING', updatedAt: { lt: new Date(Date.now() - this.config.issueLeaseMs) } },
      data: { state: 'PENDING' },
    });
    return count;
  }

  private async requeuePending(): Promise<number> {
    const pending = await this.prisma.labSession.findMany({
      where: { state: 'PENDING', updatedAt: { lt: new Date(Date.now() - 2000) } },
      select: { id: true, tenantId: true },
      take: BATCH,
    });
    const queue = this.producer.queue(JOB_CATALOGUE[JobName.IssueSession].queue);
    let requeued = 0;
    for (const s of pending) {
      const jobId = JOB_CATALOGUE[JobName.IssueSession].jobId!({ tenantId: s.tenantId, sessionId: s.id });
      const job = await queue.getJob(jobId);
      const state = job ? await job.getState() : 'missing';
      if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
      // A finished or failed job under the fixed id would swallow a new add; clear it first.
      if (job) await job.remove();
      await this.producer.add(JobName.IssueSession, { tenantId: s.tenantId, sessionId: s.id });
      requeued++;
    }
    return requeued;
  }

  private async startDueLabs(): Promise<number> {
    // Labs on a connection whose last verify failed wait (SCHEDULED) until it verifies again, instead of being refused every sweep.
    const due = await this.prisma.lab.findMany({
      where: { state: 'SCHEDULED', startsAt: { lte: new Date() }, template: { connection: { OR: [{ lastVerifyOk: null }, { lastVerifyOk: true }] } } },
      select: { id: true, tenantId: true },
      take: 100,
    });
    for (const lab of due) await this.labs.startLab(lab.tenantId, lab.id, 'schedule');
    return due.length;
  }

  private async endOverdueLabs(): Promise<number> {
    const due = await this.prisma.lab.findMany({ where: { state: 'RUNNING', endsAt: { lte: new Date() } }, select: { id: true, tenantId: true }, take: 100 });
    let ended = 0;
    for (const lab of due) if (await this.revocations.endLab(lab.tenantId, lab.id, 'schedule')) ended++;
    return ended;
  }

  /**
   * Roles with revocations not yet written (REVOKING sessions), or with written entries whose sessions
   * have all expired (to prune). A job already queued for the role swallows the add by its id.
   */
  private async requeueRevocations(): Promise<number> {
    const roles = await this.prisma.revocationEntry.findMany({
      where: { OR: [{ state: 'PENDING' }, { state: 'APPLIED', coversUntil: { lte: new Date() } }] },
      distinct: ['tenantId', 'connectionId', 'roleArn'],
      select: { tenantId: true, connectionId: true, roleArn: true },
      take: BATCH,
    });
    for (const role of roles) await this.producer.add(JobName.ApplyRevocations, role);
    return roles.length;
  }
}
