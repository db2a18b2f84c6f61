import type { Backend } from '../backend';
import { denialMessage } from '../authz/denial-message';
import { accessDenied, AwsError } from '../errors';
import type { QueryContext } from '../query-context';
import { principalArn } from '../sessions/issued-session';
import { attachRolePolicy, createPolicy, detachRolePolicy, listAttachedRolePolicies } from './managed-policy-actions';
import {
  createOpenIDConnectProvider,
  deleteOpenIDConnectProvider,
  getOpenIDConnectProvider,
  listOpenIDConnectProviders,
  oidcProviderResource,
} from './oidc-provider-actions';
import { createRole, deleteRole, getRole, updateRole } from './role-actions';
import { deleteRolePolicy, getRolePolicy, listRolePolicies, putRolePolicy } from './role-policy-actions';

/** An IAM action returns its `<ActionResult>` inner XML, or null for actions without output. */
type IamAction = (backend: Backend, ctx: QueryContext) => string | null;

const ACTIONS: Record<string, IamAction> = {
  CreateRole: createRole,
  GetRole: getRole,
  UpdateRole: updateRole,
  DeleteRole: deleteRole,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  DeleteRolePolicy: deleteRolePolicy,
  ListRolePolicies: listRolePolicies,
  CreatePolicy: createPolicy,
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  CreateOpenIDConnectProvider: createOpenIDConnectProvider,
  GetOpenIDConnectProvider: getOpenIDConnectProvider,
  ListOpenIDConnectProviders: listOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: deleteOpenIDConnectProvider,
};

/** The resource an IAM action is authorized against: the role, the OIDC provider, or for CreatePolicy the new policy. */
function resourceArn(backend: Backend, ctx: QueryContext): string {
  if (ctx.action.endsWith('OpenIDConnectProvider') || ctx.action === 'ListOpenIDConnectProviders')
    return oidcProviderResource(ctx);
  const account = ctx.principal.account;
  const path = ctx.params.get('Path') ?? '/';
  if (ctx.action === 'CreatePolicy')
    return `arn:aws:iam::${account}:policy${path}${ctx.params.get('PolicyName') ?? ''}`;
  const name = ctx.params.get('RoleName') ?? '';
  return backend.world.getRole(account, name)?.arn ?? `arn:aws:iam::${account}:role${path}${name}`;
}

export function handleIam(backend: Backend, ctx: QueryContext): string | null {
  const action = ACTIONS[ctx.action];
  if (!action)
    throw new AwsError('InvalidAction', `Could not find operation ${ctx.action} for version 2010-05-08`, 400);
  const iamAction = `iam:${ctx.action}`;
  const resource = resourceArn(backend, ctx);
  const result = backend.authorizer.authorize(ctx.principal, iamAction, resource, ctx.region);
  if (result.decision !== 'allow')
    throw accessDenied(denialMessage(principalArn(ctx.principal), iamAction, resource, result));
  return action(backend, ctx);
}
