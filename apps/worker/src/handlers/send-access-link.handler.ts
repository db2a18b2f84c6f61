import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { AppConfig } from '@labkeys/config';
import { AccessLinkSecrets } from '@labkeys/core';
import { MailDeliveryRepository, tenantScopeOf } from '@labkeys/database';
import { accessLinkMail, MailSender, MailSendError } from '@labkeys/mail';
import { JobName, type DeliveryRef } from '@labkeys/queues';
import { hashToken } from '@labkeys/secrets';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

/**
 * Sends one access-link email. The token waits sealed in the delivery row and is destroyed once the SMTP server
 * has taken the message. A link replaced meanwhile (resent, unenrolled) is not sent. An SMTP failure is recorded
 * on the row (the roster shows it) and retried with backoff; a permanent refusal (5xx) ends it.
 */
@Injectable()
@HandlesJob(JobName.SendAccessLink)
export class SendAccessLinkHandler implements JobHandler<JobName.SendAccessLink> {
  private readonly logger = new Logger(SendAccessLinkHandler.name);

  constructor(
    private readonly deliveries: MailDeliveryRepository,
    private readonly secrets: AccessLinkSecrets,
    private readonly mail: MailSender,
    private readonly config: AppConfig,
  ) {}

  async handle(
    { tenantId, deliveryId }: DeliveryRef,
    job: Job<DeliveryRef>,
  ): Promise<'sent' | 'superseded' | 'skipped'> {
    const scope = tenantScopeOf(tenantId);
    const delivery = await this.deliveries.findForSending(scope, deliveryId);
    if (
      !delivery ||
      delivery.state === 'SENT' ||
      delivery.state === 'SUPERSEDED' ||
      !delivery.sealedToken ||
      !delivery.sealKeyId
    )
      return 'skipped';
    const token = this.secrets.open(tenantId, deliveryId, delivery.sealKeyId, delivery.sealedToken);
    const { enrollment } = delivery;
    if (enrollment.unenrolledAt || enrollment.accessTokenHash !== hashToken(token)) {
      await this.deliveries.markSuperseded(
        scope,
        deliveryId,
        'A newer access link replaced this one before it was sent.',
      );
      return 'superseded';
    }
    const link = `${this.config.publicUrl}/student#token=${token}`;
    try {
      await this.mail.send(
        accessLinkMail({
          to: delivery.toAddress,
          studentName: enrollment.student.displayName,
          courseCode: enrollment.course.code,
          courseTitle: enrollment.course.title,
          link,
        }),
      );
    } catch (error) {
      if (!(error instanceof MailSendError)) throw error;
      await this.deliveries.recordFailedAttempt(scope, deliveryId, error.message.slice(0, 1000));
      this.logger.warn({ deliveryId, attempt: job.attemptsMade + 1, err: error.message }, 'access-link email not sent');
      // Retried by BullMQ with backoff; a permanent refusal is not.
      throw error.retryable ? error : new UnrecoverableError(error.message);
    }
    await this.deliveries.markSent(scope, deliveryId);
    return 'sent';
  }
}
