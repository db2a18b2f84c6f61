import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { AwsCallError, SessionIssuer } from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import { LabSessionRepository, tenantScopeOf, type ClaimedSession, type TenantScope } from '@labkeys/database';
import { PushPublisher, sessionEvent, sessionSubjectOf } from '@labkeys/push';
import { JobName, JobProducer, type SessionRef } from '@labkeys/queues';
import { buildAssumeRoleInput, TemplateRenderError, type SessionTagInput } from '@labkeys/templates';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';
import {
  CallerIdentityCache,
  issuedDurationSeconds,
  LabContextCache,
  SessionSecrets,
  type LabContext,
} from '@labkeys/core';
import { issuanceMetrics } from '@labkeys/metrics';
import { StsPacer } from '../issuance/sts-pacer';

export type IssueOutcome = 'active' | 'failed' | 'skipped';

/**
 * Flow 2 of the design: claim PENDING→ISSUING, render the template for this
 * student, AssumeRole (or AssumeRoleWithWebIdentity), seal, ACTIVE with STS's expiration, schedule expiry
 * (and renewal), push. Retryable AWS errors give the claim back and rethrow
 * for BullMQ's backoff; permanent ones end the session FAILED with AWS's words.
 */
@Injectable()
@HandlesJob(JobName.IssueSession)
export class IssueSessionHandler implements JobHandler<JobName.IssueSession> {
  private readonly logger = new Logger(IssueSessionHandler.name);

  constructor(
    private readonly sessions: LabSessionRepository,
    private readonly labs: LabContextCache,
    private readonly issuer: SessionIssuer,
    private readonly identity: CallerIdentityCache,
    private readonly pacer: StsPacer,
    private readonly secrets: SessionSecrets,
    private readonly producer: JobProducer,
    private readonly push: PushPublisher,
    private readonly config: AppConfig,
  ) {}

  async handle({ tenantId, sessionId }: SessionRef, job: Job<SessionRef>, token?: string): Promise<IssueOutcome> {
    const scope = tenantScopeOf(tenantId);
    const session = await this.sessions.claimForIssuing(
      scope,
      sessionId,
      this.config.issueLeaseMs,
      this.config.revocationClockMarginMs,
    );
    // Already issued, failed, revoked, or being issued right now by another delivery of this job.
    if (!session) return 'skipped';
    // The lab was revoked moments ago: a token issued now could fall under its lab-wide deny (which reaches a
    // margin past the revocation), so a newcomer waits until it cannot. Not an attempt.
    if (session.holdMs > 0) {
      await this.sessions.releaseClaim(scope, sessionId, { attempt: false });
      if (!token) return 'skipped';
      await job.moveToDelayed(Date.now() + Math.ceil(session.holdMs), token);
      throw new DelayedError();
    }
    // Claimed again after its last allowed attempt (a worker died mid-call, or the sweep re-queued it).
    if (session.attempts > this.config.issueMaxAttempts || session.retryingMs > this.config.issueMaxMs) {
      await this.giveUp(scope, session, session.lastErrorCode, session.lastErrorMessage);
      return 'failed';
    }
    const lab = await this.labs.get(scope, session.labId);
    if (!lab || lab.state !== 'RUNNING') {
      await this.fail(
        scope,
        session,
        'LabNotRunning',
        `The lab is ${lab?.state.toLowerCase() ?? 'gone'}; no credentials were issued.`,
      );
      return 'failed';
    }
    const connection = lab.template.connection;
    const wait = await this.pacer.acquire(connection.accountId);
    if (wait > 0 && token) {
      // Waiting for the account's pace is not an attempt.
      await this.sessions.releaseClaim(scope, sessionId, { attempt: false });
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    try {
      const durationSeconds = issuedDurationSeconds(
        lab.sessionDurationSeconds,
        connection,
        await this.identity.chains(connection),
      );
      const input = buildAssumeRoleInput(
        { ...lab.template, sessionTags: lab.template.sessionTags as unknown as SessionTagInput[] },
        {
          tenantId,
          labId: lab.id,
          sessionId,
          studentHandle: session.studentHandle,
          courseId: lab.course.id,
          courseCode: lab.course.code,
          region: connection.region,
          accountId: connection.accountId,
          partition: connection.partition,
          externalId: connection.externalId,
          durationSeconds,
          roleSessionName: session.roleSessionName,
        },
      );
      if (job.attemptsMade === 0) issuanceMetrics.queueWait(job.timestamp);
      // AssumeRole or AssumeRoleWithWebIdentity, as the connection says; everything after is the same.
      const issued = await this.issuer.issue(
        connection,
        { ...input, RoleArn: input.RoleArn!, RoleSessionName: input.RoleSessionName! },
        session.studentHandle,
      );
      const { sealed, keyId } = this.secrets.seal(tenantId, sessionId, {
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
      });
      const activated = await this.sessions.markActive(scope, sessionId, {
        accessKeyId: issued.accessKeyId,
        sealedSecret: sealed,
        sealKeyId: keyId,
        assumedRoleId: issued.assumedRoleId,
        assumedRoleArn: issued.assumedRoleArn,
        expiresAt: issued.expiration,
        connectionId: connection.id,
        roleArn: lab.template.roleArn,
      });
      if (!activated) return 'skipped';
      issuanceMetrics.timeToActive(job.timestamp);
      await this.afterActive(session, lab, issued.expiration);
      return 'active';
    } catch (error) {
      if (error instanceof AwsCallError && !error.retryable) {
        await this.fail(scope, session, error.code, error.message);
        return 'failed';
      }
      if (error instanceof TemplateRenderError) {
        await this.fail(scope, session, 'TemplateRenderError', error.message);
        return 'failed';
      }
      const code = error instanceof AwsCallError ? error.code : 'InternalError';
      const message = error instanceof Error ? error.message : String(error);
      // Retrying for ever would leave the student at "being issued" for hours: the bound makes it a failure.
      if (session.attempts >= this.config.issueMaxAttempts || session.retryingMs >= this.config.issueMaxMs) {
        await this.giveUp(scope, session, code, message);
        return 'failed';
      }
      // Throttling, 5xx, timeouts: give the claim back and let BullMQ retry with backoff and jitter.
      issuanceMetrics.retry(code);
      await this.sessions.releaseClaim(scope, sessionId, { attempt: true, code, message });
      throw error;
    }
  }

  private giveUp(
    scope: TenantScope,
    session: ClaimedSession,
    code: string | null,
    message: string | null,
  ): Promise<void> {
    const tried = `after ${Math.min(session.attempts, this.config.issueMaxAttempts)} attempt(s) over ${Math.round(session.retryingMs / 1000)} s`;
    return this.fail(scope, session, code ?? 'IssuanceGaveUp', message ?? `No credentials could be issued ${tried}.`);
  }

  private async afterActive(session: ClaimedSession, lab: LabContext, expiresAt: Date): Promise<void> {
    const ref = { tenantId: session.tenantId, sessionId: session.id };
    const untilExpiry = Math.max(0, expiresAt.getTime() - Date.now());
    // First due a notice period before expiry (the student is told), then at expiry itself.
    await this.producer.add(JobName.ExpireSession, ref, {
      delay: Math.max(0, untilExpiry - this.config.expiringNoticeMs),
    });
    if (lab.autoRenew) {
      await this.producer.add(JobName.RenewSession, ref, { delay: Math.max(0, untilExpiry - this.config.renewLeadMs) });
    }
    const detail = { expiresAt: expiresAt.toISOString(), predecessorId: session.predecessorId };
    await this.push.publish([
      sessionEvent(
        session.predecessorId ? 'session.renewed' : 'session.issued',
        sessionSubjectOf(session),
        'ACTIVE',
        detail,
      ),
    ]);
  }

  private async fail(scope: TenantScope, session: ClaimedSession, code: string, message: string): Promise<void> {
    if (!(await this.sessions.markFailed(scope, session.id, 'ISSUING', code, message))) return;
    issuanceMetrics.failure(code);
    this.logger.warn({ sessionId: session.id, labId: session.labId, code }, 'issuance failed permanently');
    await this.push.publish([sessionEvent('session.failed', sessionSubjectOf(session), 'FAILED', { code, message })]);
  }
}
