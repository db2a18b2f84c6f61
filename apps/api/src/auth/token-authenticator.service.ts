import { Injectable } from '@nestjs/common';
import { PrismaService } from '@labkeys/database';
import { hashToken, looksLikeToken } from '@labkeys/secrets';
import type { InstructorActor, StudentActor } from './actor';

/** Tokens are looked up by their SHA-256; the raw value is never stored or compared. */
@Injectable()
export class TokenAuthenticator {
  private static readonly LAST_USED_RESOLUTION_MS = 60_000;

  constructor(private readonly prisma: PrismaService) {}

  async instructor(raw: string): Promise<InstructorActor | null> {
    if (!looksLikeToken(raw, 'lk')) return null;
    const token = await this.prisma.apiToken.findUnique({
      where: { tokenHash: hashToken(raw) },
      include: { instructor: { select: { role: true, disabledAt: true } } },
    });
    const now = new Date();
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now) || token.instructor.disabledAt) return null;
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TokenAuthenticator.LAST_USED_RESOLUTION_MS) {
      await this.prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
    }
    return { kind: 'instructor', tenantId: token.tenantId, instructorId: token.instructorId, role: token.instructor.role, tokenId: token.id };
  }

  async student(raw: string): Promise<StudentActor | null> {
    if (!looksLikeToken(raw, 'lks')) return null;
    const enrollment = await this.prisma.enrollment.findUnique({
      where: { accessTokenHash: hashToken(raw) },
      select: { id: true, tenantId: true, studentId: true, courseId: true, unenrolledAt: true },
    });
    if (!enrollment || enrollment.unenrolledAt) return null;
    return {
      kind: 'student',
      tenantId: enrollment.tenantId,
      studentId: enrollment.studentId,
      enrollmentId: enrollment.id,
      courseId: enrollment.courseId,
    };
  }
}
