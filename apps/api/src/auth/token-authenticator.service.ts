import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import {
  ApiTokenRepository,
  EnrollmentRepository,
  StudentSsoSessionRepository,
  tenantScopeOf,
} from '@labkeys/database';
import { hashToken, looksLikeToken } from '@labkeys/secrets';
import type { InstructorActor, StudentActor } from './actor';

/**
 * Tokens are looked up by their SHA-256; the raw value is never stored or compared. The token says whose it
 * is: the actor's scope is minted here, from the tenant of the row the hash found, and nowhere else in the api.
 */
@Injectable()
export class TokenAuthenticator {
  private static readonly LAST_USED_RESOLUTION_MS = 60_000;

  constructor(
    private readonly apiTokens: ApiTokenRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly ssoSessions: StudentSsoSessionRepository,
    private readonly config: AppConfig,
  ) {}

  async instructor(raw: string): Promise<InstructorActor | null> {
    if (!looksLikeToken(raw, 'lk')) return null;
    const token = await this.apiTokens.systemFindByHash(hashToken(raw));
    const now = new Date();
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now) || token.instructor.disabledAt)
      return null;
    const scope = tenantScopeOf(token.tenantId);
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TokenAuthenticator.LAST_USED_RESOLUTION_MS) {
      await this.apiTokens.touchLastUsed(scope, token.id, now);
    }
    return {
      kind: 'instructor',
      tenantId: token.tenantId,
      scope,
      instructorId: token.instructorId,
      role: token.instructor.role,
      tokenId: token.id,
      sessionId: null,
    };
  }

  async student(raw: string): Promise<StudentActor | null> {
    if (!looksLikeToken(raw, 'lks')) return null;
    const tokenHash = hashToken(raw);
    const enrollment = await this.currentEnrollment(tokenHash);
    if (!enrollment) return null;
    const scope = tenantScopeOf(enrollment.tenantId);
    return {
      kind: 'student',
      tenantId: enrollment.tenantId,
      scope,
      studentId: enrollment.studentId,
      enrollmentId: enrollment.id,
      courseId: enrollment.courseId,
      tokenHash,
      webSessionId: null,
      ssoSessionId: null,
    };
  }

  /** The student of a page session, while the token it was exchanged for still opens the same enrollment. */
  async studentOfSession(session: {
    id: string;
    tenantId: string;
    enrollmentId: string;
    tokenHash: string;
  }): Promise<StudentActor | null> {
    const enrollment = await this.currentEnrollment(session.tokenHash);
    if (!enrollment || enrollment.id !== session.enrollmentId || enrollment.tenantId !== session.tenantId) return null;
    return {
      kind: 'student',
      tenantId: enrollment.tenantId,
      scope: tenantScopeOf(enrollment.tenantId),
      studentId: enrollment.studentId,
      enrollmentId: enrollment.id,
      courseId: enrollment.courseId,
      tokenHash: session.tokenHash,
      webSessionId: session.id,
      ssoSessionId: null,
    };
  }

  /** Whether the token a student authenticated with still opens their enrollment (streams ask on every event). */
  async isCurrent(me: StudentActor): Promise<boolean> {
    const enrollment = await this.currentEnrollment(me.tokenHash);
    if (enrollment?.id !== me.enrollmentId || enrollment.tenantId !== me.tenantId) return false;
    return !me.ssoSessionId || this.ssoSessions.isLive(me.scope, me.ssoSessionId);
  }

  /** Whether an enrollment's access still lasts: until the course's end, else STUDENT_TOKEN_LIFETIME_DAYS after its link was issued. */
  accessLasts(tokenIssuedAt: Date | null, courseEndsAt: Date | null): boolean {
    const issued = tokenIssuedAt ?? new Date(0);
    const expires = courseEndsAt ?? new Date(issued.getTime() + this.config.studentTokenLifetimeMs);
    return expires.getTime() > Date.now();
  }

  /**
   * A token works while its enrollment does: not unenrolled (the hash is cleared then, and replaced when the link
   * is re-issued), the course not archived, the student not deleted, and not past its lifetime — the course's end,
   * or STUDENT_TOKEN_LIFETIME_DAYS after the link was issued for a course without one.
   */
  private async currentEnrollment(tokenHash: string) {
    const enrollment = await this.enrollments.systemFindByTokenHash(tokenHash);
    if (!enrollment || enrollment.unenrolledAt || enrollment.course.archivedAt || enrollment.student.deletedAt)
      return null;
    return this.accessLasts(enrollment.tokenIssuedAt, enrollment.course.endsAt) ? enrollment : null;
  }
}
