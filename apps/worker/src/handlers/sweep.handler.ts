import { Injectable, Logger } from '@nestjs/common';
import { LabSessionsService, RevocationRequestsService } from '@labkeys/core';
import {
  DatabaseClock,
  LabRepository,
  LabSessionRepository,
  MailDeliveryRepository,
  RevocationEntryRepository,
  tenantScopeOf,
} from '@labkeys/database';
import { PushPublisher, sessionEvent, sessionSubjectOf, type PushEvent } from '@labkeys/push';
import { JobName, JobProducer } from '@labkeys/queues';
import { AppConfig } from '@labkeys/config';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';
import { RenewSessionHandler } from './renew-session.handler';

export interface SweepResult {
  expired: number;
  reclaimed: number;
  requeued: number;
  labsStarted: number;
  labsEnded: number;
  /** Roles whose deny policy was queued for a rewrite: revocations to retry or entries to prune. */
  rolesRequeued: number;
  /** Sessions that used up their issuance attempts or time, ended FAILED. */
  gaveUp: number;
  /** Successors created for auto-renew sessions whose renewal job was lost. */
  renewed: number;
  /** `session.expiring` notices sent because their job was lost. */
  notified: number;
  /** Access-link emails queued again because their job was lost. */
  mailRequeued: number;
}

const BATCH = 1000;

/**
 * Repair sweep. Postgres is the truth and Redis only runs jobs, so the sweep
 * re-derives from the database whatever a lost or late job should have done:
 * overdue sessions expire, abandoned claims return to PENDING, pending
 * sessions without a live job get one, due labs start, overdue labs end, and
 * revocations not yet in AWS (or entries past their sessions' expiry) get
 * their role's policy rewritten, sessions that used up their issuance
 * attempts end FAILED, auto-renew sessions get their successor and students
 * their expiring notice. Safe with several workers: every change is a
 * conditional update and every job id is fixed. Every deadline is compared
 * with the database's clock, never a worker's.
 *
 * Its queries span tenants (`system…` methods); a row it acts on names its tenant, and that scope is
 * minted from the row as the dispatcher does from a job payload: both were written by LabKeys.
 */
@Injectable()
@HandlesJob(JobName.Sweep)
export class SweepHandler implements JobHandler<JobName.Sweep> {
  private readonly logger = new Logger(SweepHandler.name);

  constructor(
    private readonly clock: DatabaseClock,
    private readonly sessions: LabSessionRepository,
    private readonly labRows: LabRepository,
    private readonly entries: RevocationEntryRepository,
    private readonly deliveries: MailDeliveryRepository,
    private readonly producer: JobProducer,
    private readonly labs: LabSessionsService,
    private readonly push: PushPublisher,
    private readonly config: AppConfig,
    private readonly revocations: RevocationRequestsService,
    private readonly renewal: RenewSessionHandler,
  ) {}

  async handle(): Promise<SweepResult> {
    const result: SweepResult = {
      expired: await this.expireOverdue(),
      reclaimed: await this.reclaimAbandoned(),
      gaveUp: await this.endExhausted(),
      requeued: 0,
      labsStarted: await this.startDueLabs(),
      labsEnded: await this.endOverdueLabs(),
      rolesRequeued: 0,
      renewed: await this.renewDue(),
      notified: await this.notifyExpiring(),
      mailRequeued: await this.requeueMail(),
    };
    result.requeued = await this.requeuePending();
    result.rolesRequeued = await this.requeueRevocations();
    if (Object.values(result).some((n) => n > 0)) this.logger.log(result, 'sweep repaired state');
    return result;
  }

  private dbNow(): Promise<Date> {
    return this.clock.now();
  }

  private async expireOverdue(): Promise<number> {
    const now = await this.dbNow();
    const overdue = await this.sessions.systemOverdueActive(now, BATCH);
    const events: PushEvent[] = [];
    for (const s of overdue) {
      if (await this.sessions.markExpired(tenantScopeOf(s.tenantId), s.id)) {
        events.push(sessionEvent('session.ended', sessionSubjectOf(s), 'EXPIRED', { reason: 'expired' }, now));
      }
    }
    await this.push.publish(events);
    return events.length;
  }

  /** An ISSUING claim older than the lease belongs to a worker that died mid-call. */
  private async reclaimAbandoned(): Promise<number> {
    const now = await this.dbNow();
    return this.sessions.systemReclaimAbandoned(new Date(now.getTime() - this.config.issueLeaseMs));
  }

  /** Sessions retried to their bound end FAILED with the last AWS error, so nobody waits on "being issued" for hours. */
  private async endExhausted(): Promise<number> {
    const now = await this.dbNow();
    const exhausted = await this.sessions.systemExhausted(
      this.config.issueMaxAttempts,
      new Date(now.getTime() - this.config.issueMaxMs),
      BATCH,
    );
    const events: PushEvent[] = [];
    for (const s of exhausted) {
      const code = s.failureCode ?? 'IssuanceGaveUp';
      const message = s.failureReason ?? `No credentials could be issued after ${s.attempts} attempt(s).`;
      if (await this.sessions.markFailed(tenantScopeOf(s.tenantId), s.id, 'PENDING', code, message)) {
        events.push(sessionEvent('session.failed', sessionSubjectOf(s), 'FAILED', { code, message }, now));
      }
    }
    await this.push.publish(events);
    return events.length;
  }

  /** ACTIVE sessions of running auto-renew labs inside the renew lead time that have no successor yet. */
  private async renewDue(): Promise<number> {
    const due = await this.sessions.systemRenewDue(this.config.renewLeadMs, BATCH);
    let renewed = 0;
    for (const s of due)
      if ((await this.renewal.handle({ tenantId: s.tenantId, sessionId: s.id })) === 'renewed') renewed++;
    return renewed;
  }

  /** Due `session.expiring` notices whose job was lost; the expiry job and the sweep share one mark, so each is sent once. */
  private async notifyExpiring(): Promise<number> {
    const now = await this.dbNow();
    const due = await this.sessions.systemExpiringUnnotified(
      now,
      new Date(now.getTime() + this.config.expiringNoticeMs),
      BATCH,
    );
    const events: PushEvent[] = [];
    for (const s of due) {
      const notice = await this.sessions.claimExpiringNotice(
        tenantScopeOf(s.tenantId),
        s.id,
        this.config.expiringNoticeMs,
      );
      if (!notice) continue;
      const secondsLeft = Math.round((notice.expiresAt.getTime() - now.getTime()) / 1000);
      const subject = { tenantId: s.tenantId, labId: notice.labId, studentId: notice.studentId, sessionId: s.id };
      events.push(
        sessionEvent(
          'session.expiring',
          subject,
          'ACTIVE',
          { expiresAt: notice.expiresAt.toISOString(), secondsLeft },
          now,
        ),
      );
    }
    await this.push.publish(events);
    return events.length;
  }

  private async requeuePending(): Promise<number> {
    const now = await this.dbNow();
    const pending = await this.sessions.systemPendingSince(new Date(now.getTime() - 2000), BATCH);
    let requeued = 0;
    for (const s of pending)
      if (await this.producer.requeue(JobName.IssueSession, { tenantId: s.tenantId, sessionId: s.id })) requeued++;
    return requeued;
  }

  /** Emails whose job was lost (Redis flushed, or the api could not queue it after commit). */
  private async requeueMail(): Promise<number> {
    const now = await this.dbNow();
    const queued = await this.deliveries.systemQueuedSince(new Date(now.getTime() - 60_000), BATCH);
    let requeued = 0;
    for (const d of queued)
      if (await this.producer.requeue(JobName.SendAccessLink, { tenantId: d.tenantId, deliveryId: d.id })) requeued++;
    return requeued;
  }

  private async startDueLabs(): Promise<number> {
    // Labs on a connection whose last verify failed wait (SCHEDULED) until it verifies again, instead of being refused every sweep.
    const due = await this.labRows.systemDueToStart(await this.dbNow(), 100);
    for (const lab of due) await this.labs.startLab(tenantScopeOf(lab.tenantId), lab.id, 'schedule');
    return due.length;
  }

  private async endOverdueLabs(): Promise<number> {
    const due = await this.labRows.systemOverdueToEnd(await this.dbNow(), 100);
    let ended = 0;
    for (const lab of due) if (await this.revocations.endLab(tenantScopeOf(lab.tenantId), lab.id, 'schedule')) ended++;
    return ended;
  }

  /**
   * Roles with revocations not yet written (REVOKING sessions), or with written entries whose sessions
   * have all expired (to prune). A job already queued for the role swallows the add by its id.
   */
  private async requeueRevocations(): Promise<number> {
    const now = await this.dbNow();
    const prunable = new Date(now.getTime() - this.config.revocationClockMarginMs);
    const roles = await this.entries.systemRolesToRewrite(prunable, BATCH);
    for (const role of roles) await this.producer.add(JobName.ApplyRevocations, role);
    return roles.length;
  }
}
