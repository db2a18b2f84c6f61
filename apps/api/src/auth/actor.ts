import type { InstructorRole, TenantScope } from '@labkeys/database';

/** An instructor, owner or assistant authenticated by an API token (lk_…) or a dashboard session cookie. */
export interface InstructorActor {
  kind: 'instructor';
  tenantId: string;
  /** The tenant of the token, as repositories take it. */
  scope: TenantScope;
  instructorId: string;
  role: InstructorRole;
  /** The API token of this request; null when it came with the session cookie. */
  tokenId: string | null;
  /** The dashboard session of this request; null when it came with an API token. */
  sessionId: string | null;
}

/**
 * A student in one enrollment: authenticated by its access token (lks_…), the student page's cookie exchanged for
 * it, or a school sign-in (SSO cookie or CLI bearer lkc_…) in which the student chose this enrollment.
 */
export interface StudentActor {
  kind: 'student';
  tenantId: string;
  /** The tenant of the enrollment, as repositories take it. */
  scope: TenantScope;
  studentId: string;
  enrollmentId: string;
  courseId: string;
  /** SHA-256 of the token this request presented: a stream re-checks that it is still the enrollment's current one. */
  tokenHash: string;
  /** The student page session this request came with (cookie `lks_session`); null with the bearer token. */
  webSessionId: string | null;
  /** The school sign-in (SSO) session this request came with; null with an access link. */
  ssoSessionId: string | null;
}

export type Actor = InstructorActor | StudentActor;
