import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { PrismaService } from '@labkeys/database';
import { hashToken, looksLikeToken } from '@labkeys/secrets';
import type { InstructorActor, StudentActor } from './actor';

/** Tokens are looked up by their SHA-256; the raw value is never stored or compared. */
@Injectable()
export class TokenAuthenticator {
  private static readonly LAST_USED_RESOLUTION_MS = 60_000;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

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
    return { kind: 'instructor', tenantId: token.tenantId, instructorId: token.instructorId, role: token.instructor.role, tokenId: token.id, sessionId: null };
  }

  async student(raw: string): Promise<StudentActor | null> {
    if (!looksLikeToken(raw, 'lks')) return null;
    const tokenHash = hashToken(raw);
    const enrollment = await this.currentEnrollment({ accessTokenHash: tokenHash });
    if (!enrollment) return null;
    return { kind: 'student', tenantId: enrollment.tenantId, studentId: enrollment.studentId, enrollmentId: enrollment.id, courseId: enrollment.courseId, tokenHash, webSessionId: null };
  }

  /** The student of a page session, while the token it was exchanged for still opens the same enrollment. */
  async studentOfSession(session: { id: string; tenantId: string; enrollmentId: string; tokenHash: string }): Promise<StudentActor | null> {
    const enrollment = await this.currentEnrollment({ accessTokenHash: session.tokenHash });
    if (!enrollment || enrollment.id !== session.enrollmentId || enrollment.tenantId !== session.tenantId) return null;
    return {
      kind: 'student',
      tenantId: enrollment.tenantId,
      studentId: enrollment.studentId,
      enrollmentId: enrollment.id,
      courseId: enrollment.courseId,
      tokenHash: session.tokenHash,
      webSessionId: session.id,
    };
  }

  /** Whether the token a student authenticated with still opens their enrollment (streams ask on every event). */
  async isCurrent(me: StudentActor): Promise<boolean> {
    const enrollment = await this.currentEnrollment({ accessTokenHash: me.tokenHash });
    return enrollment?.id === me.enrollmentId && enrollment.tenantId === me.tenantId;
  }

  /**
   * A token works while its enrollment does: not unenrolled (the hash is cleared then, and replaced when the link
   * is re-issued), the course not archived, the student not deleted, and not past its lifetime — the course's end,
   * or STUDENT_TOKEN_LIFETIME_DAYS after the link was issued for a course without one.
   */
  private async currentEnrollment(where: { accessTokenHash: string }) {
    const enrollment = await this.prisma.enrollment.findUnique({
      where,
      select: {
        id: true,
        tenantId: true,
        studentId: true,
        courseId: true,
        unenrolledAt: true,
        tokenIssuedAt: true,
        course: { select: { archivedAt: true, endsAt: true } },
        student: { select: { deletedAt: true } },
      },
    });
    if (!enrollment || enrollment.unenrolledAt || enrollment.course.archivedAt || enrollment.student.deletedAt) return null;
    const issued = enrollment.tokenIssuedAt ?? new Date(0);
    const expires = enrollment.course.endsAt ?? new Date(issued.getTime() + this.config.studentTokenLifetimeMs);
    return expires.getTime() > Date.now() ? enrollment : null;
  }
}
