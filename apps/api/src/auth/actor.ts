import type { InstructorRole, TenantScope } from '@labkeys/database';

/** An instructor, owner or assistant authenticated by an API token (lk_…). */
export interface InstructorActor {
  kind: 'instructor';
  tenantId: string;
  /** The tenant of the token, as repositories take it. */
  scope: TenantScope;
  instructorId: string;
  role: InstructorRole;
  tokenId: string;
}

/** A student authenticated by the access token of one enrollment (lks_…). */
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
}

export type Actor = InstructorActor | StudentActor;
