import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { InstructorActor, StudentActor } from './actor';

export const AUTH_MODE = 'labkeys:auth-mode';
export type AuthMode = 'public' | 'student' | 'instructor' | 'owner';

/** No token needed (health, docs). */
export const Public = () => SetMetadata(AUTH_MODE, 'public' satisfies AuthMode);
/** A student access token (lks_…) is required. */
export const StudentRoute = () => SetMetadata(AUTH_MODE, 'student' satisfies AuthMode);
/** Only tenant owners (instructor management). */
export const OwnerOnly = () => SetMetadata(AUTH_MODE, 'owner' satisfies AuthMode);

/** The authenticated instructor of this request. */
export const CurrentInstructor = createParamDecorator((_: unknown, ctx: ExecutionContext): InstructorActor => {
  const actor = ctx.switchToHttp().getRequest().actor;
  if (actor?.kind !== 'instructor') throw new Error('route is not an instructor route');
  return actor;
});

/** The authenticated student of this request. */
export const CurrentStudent = createParamDecorator((_: unknown, ctx: ExecutionContext): StudentActor => {
  const actor = ctx.switchToHttp().getRequest().actor;
  if (actor?.kind !== 'student') throw new Error('route is not a student route');
  return actor;
});
