import type { Backend } from '../backend';
import { policySizeWithoutWhitespace } from '../authz/policy-parser';
import { AwsError, noSuchEntity } from '../errors';
import type { QueryContext } from '../query-context';
import { ConstraintCollector } from '../validation';
import { el, memberList } from '../xml';
import { checkDocument, checkPolicyName, checkRoleName, requireValidDocument } from './iam-params';
import { encodeDocument } from './iam-xml';
import { requireRole } from './role-actions';

// All inline policies of one role together, whitespace not counted.
export const ROLE_INLINE_POLICY_QUOTA = 10240;

/** Aggregate size of a role's inline policies as IAM counts it against the 10,240 quota. */
export function inlinePolicySize(policies: Map<string, string>): number {
  let total = 0;
  for (const text of policies.values()) total += policySizeWithoutWhitespace(text);
  return total;
}

function readNames(ctx: QueryContext, withPolicy: boolean): { roleName: string; policyName: string } {
  const c = new ConstraintCollector();
  const roleName = ctx.params.get('RoleName');
  const policyName = ctx.params.get('PolicyName');
  checkRoleName(c, roleName);
  if (withPolicy) checkPolicyName(c, policyName);
  if (withPolicy && ctx.action === 'PutRolePolicy')
    checkDocument(c, ctx.params.get('PolicyDocument'), 'policyDocument');
  c.throwIfAny();
  return { roleName: roleName as string, policyName: policyName as string };
}

export function putRolePolicy(backend: Backend, ctx: QueryContext): null {
  const { roleName, policyName } = readNames(ctx, true);
  const document = ctx.params.get('PolicyDocument') as string;
  requireValidDocument(document, 'identity');
  const role = requireRole(backend, ctx.principal.account, roleName);
  const next = new Map(role.inlinePolicies);
  next.set(policyName, document);
  if (inlinePolicySize(next) > ROLE_INLINE_POLICY_QUOTA) {
    throw new AwsError(
      'LimitExceeded',
      `Maximum policy size of ${ROLE_INLINE_POLICY_QUOTA} bytes exceeded for role ${role.name}`,
      409,
    );
  }
  role.inlinePolicies.set(policyName, document);
  return null;
}

export function getRolePolicy(backend: Backend, ctx: QueryContext): string {
  const { roleName, policyName } = readNames(ctx, true);
  const role = requireRole(backend, ctx.principal.account, roleName);
  const document = role.inlinePolicies.get(policyName);
  if (document === undefined) throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
  return el('RoleName', role.name) + el('PolicyName', policyName) + el('PolicyDocument', encodeDocument(document));
}

export function deleteRolePolicy(backend: Backend, ctx: QueryContext): null {
  const { roleName, policyName } = readNames(ctx, true);
  const role = requireRole(backend, ctx.principal.account, roleName);
  if (!role.inlinePolicies.delete(policyName)) {
    throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
  }
  return null;
}

export function listRolePolicies(backend: Backend, ctx: QueryContext): string {
  const { roleName } = readNames(ctx, false);
  const role = requireRole(backend, ctx.principal.account, roleName);
  return memberList('PolicyNames', [...role.inlinePolicies.keys()]) + el('IsTruncated', false);
}
