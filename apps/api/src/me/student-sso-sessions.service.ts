import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  LabRepository,
  StudentSsoSessionRepository,
  tenantScopeOf,
  type CurrentEnrollmentRow,
  type StudentSsoSessionKind,
  type TenantScope,
} from '@labkeys/database';
import { generateToken, hashToken, looksLikeToken } from '@labkeys/secrets';
import type { StudentActor } from '../auth/actor';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { newSessionId, sessionIdHash } from '../identity/session-cookie';
import { STUDENT_SESSION_LIFETIME_MS } from './student-session-cookie';

/** A CLI session from a school sign-in lasts this long; `labkeys login --sso` again after. */
export const STUDENT_CLI_SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;

/** A student signed in through their school: who, and the enrollment they chose (null before choosing). */
export interface StudentIdentity {
  tenantId: string;
  scope: TenantScope;
  studentId: string;
  ssoSessionId: string;
  kind: StudentSsoSessionKind;
  enrollmentId: string | null;
}

export interface StudentLabChoice {
  enrollmentId: string;
  chosen: boolean;
  course: { id: string; code: string; title: string; endsAt: string | null };
  labs: { id: string; name: string; state: string; startsAt: string | null; endsAt: string | null }[];
}

/**
 * Students signed in through their school's identity provider: the session belongs to the student, not to one
 * access link, and covers every course they are enrolled in; the course they work in is a choice kept in the
 * session (made for them when there is only one). The checks made for access links still apply to the chosen
 * enrollment: a StudentActor carries its current access token's hash, so unenrolling, archiving, deleting the
 * student or the access lifetime end what it may do, as for a link.
 */
@Injectable()
export class StudentSsoSessions {
  constructor(
    private readonly repository: StudentSsoSessionRepository,
    private readonly labs: LabRepository,
    private readonly tokens: TokenAuthenticator,
  ) {}

  /** The student's enrollments whose access still lasts (newest course first). */
  async currentEnrollments(scope: TenantScope, studentId: string): Promise<CurrentEnrollmentRow[]> {
    return (await this.repository.currentEnrollmentsOf(scope, studentId)).filter((e) =>
      this.tokens.accessLasts(e.tokenIssuedAt, e.courseEndsAt),
    );
  }

  /** A new session (page cookie value, or the CLI's lkc_ token), choosing the enrollment when there is only one. */
  async start(
    scope: TenantScope,
    input: { studentId: string; kind: StudentSsoSessionKind; providerId: string; enrollments: CurrentEnrollmentRow[] },
  ): Promise<string> {
    await this.repository.pruneEndedOf(scope, input.studentId);
    const raw = input.kind === 'CLI' ? generateToken('lkc') : newSessionId();
    await this.repository.create(scope, {
      studentId: input.studentId,
      idHash: input.kind === 'CLI' ? hashToken(raw) : sessionIdHash(raw),
      kind: input.kind,
      providerId: input.providerId,
      enrollmentId: input.enrollments.length === 1 ? input.enrollments[0].enrollmentId : null,
      lifetimeMs: input.kind === 'CLI' ? STUDENT_CLI_SESSION_LIFETIME_MS : STUDENT_SESSION_LIFETIME_MS,
    });
    return raw;
  }

  /** The student of a page cookie or a CLI bearer token, or null when it does not open a live session. */
  async open(raw: string, via: 'cookie' | 'bearer'): Promise<StudentIdentity | null> {
    if (via === 'bearer' && !looksLikeToken(raw, 'lkc')) return null;
    const live = await this.repository.systemAuthenticate(
      via === 'bearer' ? hashToken(raw) : sessionIdHash(raw),
      via === 'bearer' ? 'CLI' : 'WEB',
    );
    if (!live) return null;
    return {
      tenantId: live.tenantId,
      scope: tenantScopeOf(live.tenantId),
      studentId: live.studentId,
      ssoSessionId: live.id,
      kind: live.kind,
      enrollmentId: live.enrollmentId,
    };
  }

  /**
   * The student in their chosen enrollment, as the student API's routes take them; 409 when several courses
   * wait for a choice; null when the chosen enrollment no longer opens labs (then the session opens nothing).
   */
  async actorOf(identity: StudentIdentity): Promise<StudentActor | null> {
    const enrollments = await this.currentEnrollments(identity.scope, identity.studentId);
    const chosen = identity.enrollmentId
      ? enrollments.find((e) => e.enrollmentId === identity.enrollmentId)
      : enrollments.length === 1
        ? enrollments[0]
        : undefined;
    if (!chosen) {
      if (enrollments.length === 0) return null;
      throw new ConflictException({
        detail: 'You are in several courses: choose one first (GET /v1/me/sso/labs, then POST /v1/me/sso/choice).',
        code: 'lab_choice_required',
      });
    }
    return {
      kind: 'student',
      tenantId: identity.tenantId,
      scope: identity.scope,
      studentId: identity.studentId,
      enrollmentId: chosen.enrollmentId,
      courseId: chosen.courseId,
      tokenHash: chosen.accessTokenHash,
      webSessionId: null,
      ssoSessionId: identity.ssoSessionId,
    };
  }

  /** Every current lab of every course the student is in, by course; the chosen course is marked. */
  async choices(identity: StudentIdentity): Promise<StudentLabChoice[]> {
    const enrollments = await this.currentEnrollments(identity.scope, identity.studentId);
    const labs = enrollments.length
      ? await this.labs.currentOfCourses(
          identity.scope,
          enrollments.map((e) => e.courseId),
        )
      : [];
    return enrollments.map((e) => ({
      enrollmentId: e.enrollmentId,
      chosen: e.enrollmentId === identity.enrollmentId || (enrollments.length === 1 && !identity.enrollmentId),
      course: {
        id: e.courseId,
        code: e.courseCode,
        title: e.courseTitle,
        endsAt: e.courseEndsAt?.toISOString() ?? null,
      },
      labs: labs
        .filter((lab) => lab.courseId === e.courseId)
        .map((lab) => ({
          id: lab.id,
          name: lab.name,
          state: lab.state,
          startsAt: lab.startsAt?.toISOString() ?? null,
          endsAt: lab.endsAt?.toISOString() ?? null,
        })),
    }));
  }

  async choose(identity: StudentIdentity, enrollmentId: string): Promise<void> {
    const enrollments = await this.currentEnrollments(identity.scope, identity.studentId);
    if (!enrollments.some((e) => e.enrollmentId === enrollmentId))
      throw new NotFoundException({ detail: 'You are not in that course (any more).' });
    await this.repository.choose(identity.scope, identity.ssoSessionId, enrollmentId);
  }

  async end(scope: TenantScope, ssoSessionId: string): Promise<void> {
    await this.repository.revoke(scope, ssoSessionId);
  }
}
