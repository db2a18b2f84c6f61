import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AccessLinkSecrets, RevocationRequestsService } from '@labkeys/core';
import { MailDeliveryRepository, tenantScopeOf, UnitOfWork, uuidv7, type NewMailDelivery } from '@labkeys/database';
import { JobName, JobProducer } from '@labkeys/queues';
import { AuditService } from '../audit/audit.service';
import { newAccessToken } from './access-token';

export interface EmailTarget {
  /** One enrollment (that student's link is always re-sent), or the course's students. */
  enrollmentId?: string;
  /** For the whole course: `unsent` skips students whose link was emailed already or is on its way. */
  only?: 'unsent' | 'all';
}

/**
 * Emails students their access links. Each email carries a fresh link, which replaces (and so invalidates) the
 * student's previous one; earlier emails still waiting are superseded. One transaction writes the new token
 * hashes and the deliveries (the raw token sealed in each); after commit the mail jobs are queued — a failure to
 * queue is logged and the sweep queues them later, never an error for a committed change.
 */
@Injectable()
export class AccessLinkMailService {
  private readonly logger = new Logger(AccessLinkMailService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: MailDeliveryRepository,
    private readonly audit: AuditService,
    private readonly secrets: AccessLinkSecrets,
    private readonly producer: JobProducer,
    private readonly revocations: RevocationRequestsService,
  ) {}

  async email(
    tenantId: string,
    courseId: string,
    target: EmailTarget,
  ): Promise<{ queued: number; deliveryIds: string[] }> {
    // To take the actor's TenantScope once the enrollments controller hands it over.
    const scope = tenantScopeOf(tenantId);
    const planned = await this.uow.run(
      async (tx) => {
        const course = await this.deliveries.courseOf(scope, courseId, tx);
        if (!course) throw new NotFoundException({ detail: 'Course not found.' });
        if (course.archivedAt)
          throw new ConflictException({ detail: 'The course is archived; its access links do not work.' });
        const enrollments = await this.deliveries.recipients(
          scope,
          courseId,
          { enrollmentId: target.enrollmentId, unsentOnly: !target.enrollmentId && target.only === 'unsent' },
          tx,
        );
        if (target.enrollmentId && enrollments.length === 0) {
          const exists = await this.deliveries.enrollmentExists(scope, courseId, target.enrollmentId, tx);
          if (!exists) throw new NotFoundException({ detail: 'Enrollment not found.' });
          throw new ConflictException({
            detail: 'The student is unenrolled; import them again to re-enroll with a new link.',
          });
        }
        const now = new Date();
        const ids = enrollments.map((e) => e.id);
        await this.deliveries.supersedeWaiting(scope, ids, tx);
        const deliveries: NewMailDelivery[] = [];
        for (const e of enrollments) {
          const { token, hash } = newAccessToken();
          const id = uuidv7();
          const { sealed, keyId } = this.secrets.seal(tenantId, id, token);
          await this.deliveries.replaceAccessToken(scope, e.id, hash, now, tx);
          deliveries.push({
            id,
            enrollmentId: e.id,
            toAddress: e.student.email,
            sealedToken: new Uint8Array(sealed),
            sealKeyId: keyId,
          });
        }
        await this.deliveries.createQueued(scope, deliveries, tx);
        await this.audit.record(
          scope,
          {
            action: 'enrollment.access-links-emailed',
            subjectType: target.enrollmentId ? 'enrollment' : 'course',
            subjectId: target.enrollmentId ?? courseId,
            summary: { courseId, queued: deliveries.length, only: target.enrollmentId ? null : (target.only ?? null) },
          },
          tx,
        );
        return { deliveryIds: deliveries.map((d) => d.id), studentIds: enrollments.map((e) => e.studentId) };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    try {
      await this.producer.addBulk(
        JobName.SendAccessLink,
        planned.deliveryIds.map((deliveryId) => ({ tenantId, deliveryId })),
      );
      // Streams opened with a replaced link close (their next event re-checks the token anyway).
      for (const studentId of new Set(planned.studentIds)) await this.revocations.tokenReplaced(tenantId, studentId);
    } catch (error) {
      this.logger.warn(
        { courseId, deliveries: planned.deliveryIds.length, err: (error as Error).message },
        'access-link emails not queued yet; the sweep will queue them',
      );
    }
    return { queued: planned.deliveryIds.length, deliveryIds: planned.deliveryIds };
  }
}
