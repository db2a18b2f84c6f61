import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { CurrentSession } from '../identity/web-sessions.service';
import type { StudentIdentity } from '../me/student-sso-sessions.service';
import type { Actor, InstructorActor, StudentActor } from './actor';

/** A request once the auth guard has run: the actor, and the dashboard session it came with if any. */
export type AuthRequest = Request & { actor?: Actor; webSession?: CurrentSession; studentIdentity?: StudentIdentity };

export const AUTH_MODE = 'labkeys:auth-mode';
export type AuthMode =
  'public' | 'student' | 'student-identity' | 'instructor' | 'owner' | 'session' | 'session-pending';
export const STEP_UP = 'labkeys:step-up';
export const OWN_ACCOUNT = 'labkeys:own-account';

/** No token needed (health, docs). */
export const Public = () => SetMetadata(AUTH_MODE, 'public' satisfies AuthMode);
/** A student access token (lks_…) is required. */
export const StudentRoute = () => SetMetadata(AUTH_MODE, 'student' satisfies AuthMode);
/** A student signed in through their school (SSO cookie or lkc_ bearer), before or after choosing a course. */
export const StudentIdentityRoute = () => SetMetadata(AUTH_MODE, 'student-identity' satisfies AuthMode);
/** Only tenant owners (instructor management). */
export const OwnerOnly = () => SetMetadata(AUTH_MODE, 'owner' satisfies AuthMode);
/**
 * Only the dashboard session cookie (API tokens are not accepted here). `pending` also admits a session that
 * still owes its second factor or its MFA enrolment.
 */
export const SessionRoute = (options: { pending?: boolean } = {}) =>
  SetMetadata(AUTH_MODE, (options.pending ? 'session-pending' : 'session') satisfies AuthMode);
/** With the session cookie, a fresh TOTP code (step-up) is needed first; API tokens are not asked for one. */
export const StepUp = () => SetMetadata(STEP_UP, true);
/** The caller's own account: assistants, read-only elsewhere, may change it too. */
export const OwnAccount = () => SetMetadata(OWN_ACCOUNT, true);

/** The authenticated instructor of this request. */
export const CurrentInstructor = createParamDecorator((_: unknown, ctx: ExecutionContext): InstructorActor => {
  const actor = ctx.switchToHttp().getRequest<AuthRequest>().actor;
  if (actor?.kind !== 'instructor') throw new Error('route is not an instructor route');
  return actor;
});

/** The authenticated student of this request. */
export const CurrentStudent = createParamDecorator((_: unknown, ctx: ExecutionContext): StudentActor => {
  const actor = ctx.switchToHttp().getRequest<AuthRequest>().actor;
  if (actor?.kind !== 'student') throw new Error('route is not a student route');
  return actor;
});

/** The student signed in through their school (routes marked StudentIdentityRoute). */
export const CurrentStudentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext): StudentIdentity => {
  const identity = ctx.switchToHttp().getRequest<AuthRequest>().studentIdentity;
  if (!identity) throw new Error('route is not a student identity route');
  return identity;
});

/** The dashboard session this request came with (routes marked SessionRoute). */
export const CurrentWebSession = createParamDecorator((_: unknown, ctx: ExecutionContext): CurrentSession => {
  const session = ctx.switchToHttp().getRequest<AuthRequest>().webSession;
  if (!session) throw new Error('route is not a session route');
  return session;
});
