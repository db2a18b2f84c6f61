import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AccessLinkSecrets, RevocationRequestsService } from '@labkeys/core';
import { PrismaService } from '@labkeys/database';
import { JobName, JobProducer } from '@labkeys/queues';
import { AuditService } from '../audit/audit.service';
import { newAccessToken } from './access-token';
import { uuidv7 } from './roster.repository';

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
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly secrets: AccessLinkSecrets,
    private readonly producer: JobProducer,
    private readonly revocations: RevocationRequestsService,
  ) {}

  async email(tenantId: string, courseId: string, target: EmailTarget): Promise<{ queued: number; deliveryIds: string[] }> {
    const planned = await this.prisma.$transaction(
      async (tx) => {
        const course = await tx.course.findFirst({ where: { tenantId, id: courseId }, select: { archivedAt: true } });
        if (!course) throw new NotFoundException({ detail: 'Course not found.' });
        if (course.archivedAt) throw new ConflictException({ detail: 'The course is archived; its access links do not work.' });
        const enrollments = await tx.enrollment.findMany({
          where: {
            tenantId,
            courseId,
            unenrolledAt: null,
            ...(target.enrollmentId ? { id: target.enrollmentId } : {}),
            ...(!target.enrollmentId && target.only === 'unsent' ? { mailDeliveries: { none: { state: { in: ['QUEUED', 'SENT'] } } } } : {}),
          },
          select: { id: true, studentId: true, student: { select: { email: true } } },
          orderBy: { id: 'asc' },
        });
        if (target.enrollmentId && enrollments.length === 0) {
          const exists = await tx.enrollment.findFirst({ where: { tenantId, courseId, id: target.enrollmentId }, select: { id: true } });
          if (!exists) throw new NotFoundException({ detail: 'Enrollment not found.' });
          throw new ConflictException({ detail: 'The student is unenrolled; import them again to re-enroll with a new link.' });
        }
        const now = new Date();
        const ids = enrollments.map((e) => e.id);
        await tx.mailDelivery.updateMany({
          where: { tenantId, enrollmentId: { in: ids }, state: { in: ['QUEUED', 'FAILED'] } },
          data: { state: 'SUPERSEDED', sealedToken: null, sealKeyId: null, lastError: 'A newer access link replaced this one.' },
        });
        const deliveries = [];
        for (const e of enrollments) {
          const { token, hash } = newAccessToken();
          const id = uuidv7();
          const { sealed, keyId } = this.secrets.seal(tenantId, id, token);
          await tx.enrollment.update({ where: { tenantId_id: { tenantId, id: e.id } }, data: { accessTokenHash: hash, tokenIssuedAt: now } });
          deliveries.push({ id, tenantId, enrollmentId: e.id, toAddress: e.student.email, state: 'QUEUED' as const, sealedToken: new Uint8Array(sealed), sealKeyId: keyId });
        }
        await tx.mailDelivery.createMany({ data: deliveries });
        await this.audit.record(tx, tenantId, {
          action: 'enrollment.access-links-emailed',
          subjectType: target.enrollmentId ? 'enrollment' : 'course',
          subjectId: target.enrollmentId ?? courseId,
          summary: { courseId, queued: deliveries.length, only: target.enrollmentId ? null : (target.only ?? null) },
        });
        return { deliveryIds: deliveries.map((d) => d.id), studentIds: enrollments.map((e) => e.studentId) };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    try {
      await this.producer.addBulk(JobName.SendAccessLink, planned.deliveryIds.map((deliveryId) => ({ tenantId, deliveryId })));
      // Streams opened with a replaced link close (their next event re-checks the token anyway).
      for (const studentId of new Set(planned.studentIds)) await this.revocations.tokenReplaced(tenantId, studentId);
    } catch (error) {
      this.logger.warn({ courseId, deliveries: planned.deliveryIds.length, err: (error as Error).message }, 'access-link emails not queued yet; the sweep will queue them');
    }
    return { queued: planned.deliveryIds.length, deliveryIds: planned.deliveryIds };
  }
}
