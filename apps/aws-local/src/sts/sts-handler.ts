import type { Backend } from '../backend';
import { AwsError } from '../errors';
import type { QueryContext } from '../query-context';
import { assumeRole } from './assume-role';
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
  if (!action) throw new AwsError('InvalidAction', `Could not find operation ${ctx.action} for version 2011-06-15`, 400);
  return action(backend, ctx);
}
