import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import type { SessionState } from '../generated/prisma/enums';
import { PrismaService } from '../prisma.service';

/** States in which a session counts as the student's live access to a lab. */
export const LIVE_SESSION_STATES: SessionState[] = ['PENDING', 'ISSUING', 'ACTIVE'];

export interface IssuedCredentials {
  accessKeyId: string;
  sealedSecret: Buffer;
  sealKeyId: string;
  assumedRoleId: string;
  assumedRoleArn: string;
  expiresAt: Date;
}

/**
 * Session state transitions. Each is a conditional update on the expected
 * state (UPDATE … WHERE state = expected), so a job that runs twice changes
 * nothing the second time. Tenant id first, always.
 */
@Injectable()
export class SessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * PENDING → ISSUING. An ISSUING session whose claim is older than the lease
   * (its worker died mid-call) may be claimed again.
   */
  async claimForIssuing(tenantId: string, sessionId: string, leaseMs: number): Promise<boolean> {
    const stale = new Date(Date.now() - leaseMs);
    const { count } = await this.prisma.labSession.updateMany({
      where: { tenantId, id: sessionId, OR: [{ state: 'PENDING' }, { state: 'ISSUING', updatedAt: { lt: stale } }] },
      data: { state: 'ISSUING', attempts: { increment: 1 } },
    });
    return count === 1;
  }

  /** ISSUING → PENDING, so a retry can claim it again. */
  async releaseClaim(tenantId: string, sessionId: string): Promise<boolean> {
    return this.transition(tenantId, sessionId, 'ISSUING', { state: 'PENDING' });
  }

  async markActive(tenantId: string, sessionId: string, credentials: IssuedCredentials): Promise<boolean> {
    return this.transition(tenantId, sessionId, 'ISSUING', {
      state: 'ACTIVE',
      accessKeyId: credentials.accessKeyId,
      sealedSecret: new Uint8Array(credentials.sealedSecret),
      sealKeyId: credentials.sealKeyId,
      assumedRoleId: credentials.assumedRoleId,
      assumedRoleArn: credentials.assumedRoleArn,
      expiresAt: credentials.expiresAt,
      issuedAt: new Date(),
      failureCode: null,
      failureReason: null,
    });
  }

  async markFailed(tenantId: string, sessionId: string, from: SessionState, code: string, reason: string): Promise<boolean> {
    return this.transition(tenantId, sessionId, from, { state: 'FAILED', failureCode: code, failureReason: reason.slice(0, 2000), endedAt: new Date() });
  }

  /** ACTIVE → EXPIRED once its expiry has passed; the sealed secret is destroyed with it. */
  async markExpired(tenantId: string, sessionId: string, now = new Date()): Promise<boolean> {
    const { count } = await this.prisma.labSession.updateMany({
      where: { tenantId, id: sessionId, state: 'ACTIVE', expiresAt: { lte: now } },
      data: { state: 'EXPIRED', sealedSecret: null, sealKeyId: null, endedAt: now },
    });
    return count === 1;
  }

  async transition(tenantId: string, sessionId: string, from: SessionState, data: Prisma.LabSessionUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.prisma.labSession.updateMany({ where: { tenantId, id: sessionId, state: from }, data });
    return count === 1;
  }

  /** Everything issuing needs, read in one query. */
  findForIssuing(tenantId: string, sessionId: string) {
    return this.prisma.labSession.findFirst({
      where: { tenantId, id: sessionId },
      include: {
        student: { select: { handle: true } },
        lab: { include: { course: { select: { id: true, code: true } }, template: { include: { connection: true } } } },
      },
    });
  }
}
