import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** A delivery to write QUEUED, its raw token sealed in it (the tenant comes from the scope). */
export interface NewMailDelivery {
  id: string;
  enrollmentId: string;
  toAddress: string;
  sealedToken: Uint8Array<ArrayBuffer>;
  sealKeyId: string;
}

/**
 * Access-link emails: the deliveries (QUEUED → SENT, FAILED or SUPERSEDED, the sealed token destroyed when
 * they finish) and the enrollment side of issuing a link — who gets one and the token hash it replaces.
 */
@Injectable()
export class MailDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Whether the course exists and when it was archived. */
  courseOf(scope: TenantScope, courseId: string, tx?: Tx): Promise<{ archivedAt: Date | null } | null> {
    return clientOf(this.prisma, tx).course.findFirst({
      where: { tenantId: scope.tenantId, id: courseId },
      select: { archivedAt: true },
    });
  }

  /** Enrolled students of the course (one enrollment, or all; `unsentOnly`: none QUEUED or SENT yet), in id order. */
  recipients(scope: TenantScope, courseId: string, target: { enrollmentId?: string; unsentOnly: boolean }, tx?: Tx) {
    return clientOf(this.prisma, tx).enrollment.findMany({
      where: {
        tenantId: scope.tenantId,
        courseId,
        unenrolledAt: null,
        ...(target.enrollmentId ? { id: target.enrollmentId } : {}),
        ...(target.unsentOnly ? { mailDeliveries: { none: { state: { in: ['QUEUED', 'SENT'] } } } } : {}),
      },
      select: { id: true, studentId: true, student: { select: { email: true } } },
      orderBy: { id: 'asc' },
    });
  }

  async enrollmentExists(scope: TenantScope, courseId: string, enrollmentId: string, tx?: Tx): Promise<boolean> {
    return (
      (await clientOf(this.prisma, tx).enrollment.findFirst({
        where: { tenantId: scope.tenantId, courseId, id: enrollmentId },
        select: { id: true },
      })) !== null
    );
  }

  /** QUEUED or FAILED deliveries of these enrollments → SUPERSEDED, their tokens destroyed. */
  async supersedeWaiting(scope: TenantScope, enrollmentIds: string[], tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).mailDelivery.updateMany({
      where: { tenantId: scope.tenantId, enrollmentId: { in: enrollmentIds }, state: { in: ['QUEUED', 'FAILED'] } },
      data: {
        state: 'SUPERSEDED',
        sealedToken: null,
        sealKeyId: null,
        lastError: 'A newer access link replaced this one.',
      },
    });
  }

  /** The enrollment's new access token (hash only), which invalidates the previous one. */
  async replaceAccessToken(
    scope: TenantScope,
    enrollmentId: string,
    hash: string,
    issuedAt: Date,
    tx: Tx,
  ): Promise<void> {
    await clientOf(this.prisma, tx).enrollment.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id: enrollmentId } },
      data: { accessTokenHash: hash, tokenIssuedAt: issuedAt },
    });
  }

  async createQueued(scope: TenantScope, deliveries: NewMailDelivery[], tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).mailDelivery.createMany({
      data: deliveries.map((d) => ({
        id: d.id,
        tenantId: scope.tenantId,
        enrollmentId: d.enrollmentId,
        toAddress: d.toAddress,
        state: 'QUEUED' as const,
        sealedToken: d.sealedToken,
        sealKeyId: d.sealKeyId,
      })),
    });
  }

  /** A delivery with what its email says: the enrollment's token hash, course and student name. */
  findForSending(scope: TenantScope, deliveryId: string) {
    return this.prisma.mailDelivery.findFirst({
      where: { tenantId: scope.tenantId, id: deliveryId },
      include: {
        enrollment: {
          include: { course: { select: { code: true, title: true } }, student: { select: { displayName: true } } },
        },
      },
    });
  }

  /** An attempt the SMTP server refused; the token stays for the retry. Never over a SENT delivery. */
  async recordFailedAttempt(scope: TenantScope, deliveryId: string, error: string): Promise<void> {
    await this.prisma.mailDelivery.updateMany({
      where: { tenantId: scope.tenantId, id: deliveryId, state: { not: 'SENT' } },
      data: { state: 'FAILED', attempts: { increment: 1 }, lastError: error },
    });
  }

  async markSuperseded(scope: TenantScope, deliveryId: string, reason: string): Promise<void> {
    await this.finish(scope, deliveryId, { state: 'SUPERSEDED', lastError: reason });
  }

  async markSent(scope: TenantScope, deliveryId: string): Promise<void> {
    await this.finish(scope, deliveryId, {
      state: 'SENT',
      sentAt: new Date(),
      lastError: null,
      attempts: { increment: 1 },
    });
  }

  private finish(
    scope: TenantScope,
    deliveryId: string,
    data: Parameters<PrismaService['mailDelivery']['updateMany']>[0]['data'],
  ) {
    return this.prisma.mailDelivery.updateMany({
      where: { tenantId: scope.tenantId, id: deliveryId },
      data: { ...data, sealedToken: null, sealKeyId: null },
    });
  }

  /** Every tenant: deliveries still QUEUED since before `updatedBefore` (their job may be lost). */
  systemQueuedSince(updatedBefore: Date, take: number): Promise<{ id: string; tenantId: string }[]> {
    return this.prisma.mailDelivery.findMany({
      where: { state: 'QUEUED', updatedAt: { lt: updatedBefore } },
      select: { id: true, tenantId: true },
      take,
    });
  }
}
