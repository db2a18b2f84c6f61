import type { Backend } from '../backend';
import { AwsError } from '../errors';
import type { QueryContext, UnsignedQueryContext } from '../query-context';
import { assumeRole } from './assume-role';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity';
import { getCallerIdentity, getSessionToken } from './caller-actions';

type StsAction = (backend: Backend, ctx: QueryContext) => string;

const ACTIONS: Record<string, StsAction> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
};

/** Runs an STS action and returns the inner XML of its `<ActionResult>`. */
export function handleSts(backend: Backend, ctx: QueryContext): string {
  const action = ACTIONS[ctx.action];
  if (!action)
    throw new AwsError('InvalidAction', `Could not find operation ${ctx.action} for version 2011-06-15`, 400);
  return action(backend, ctx);
}

// Actions AWS serves without SigV4: the caller proves who it is with a token instead.
const UNSIGNED_ACTIONS: Record<string, (backend: Backend, ctx: UnsignedQueryContext) => Promise<string>> = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
};

export function isUnsignedStsAction(action: string): boolean {
  return Object.prototype.hasOwnProperty.call(UNSIGNED_ACTIONS, action);
}

/** Runs an unsigned STS action (any signature on the request is ignored, as STS does). */
export function handleUnsignedSts(backend: Backend, ctx: UnsignedQueryContext): Promise<string> {
  return UNSIGNED_ACTIONS[ctx.action](backend, ctx);
}
