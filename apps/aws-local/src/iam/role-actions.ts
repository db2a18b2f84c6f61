import type { Backend } from '../backend';
import { policySizeWithoutWhitespace } from '../authz/policy-parser';
import { AwsError, noSuchEntity } from '../errors';
import { listParam } from '../query-context';
import type { QueryContext } from '../query-context';
import { ConstraintCollector, intParam } from '../validation';
import type { IamRole } from '../world/iam-entities';
import { checkDocument, checkPath, checkRoleName, requireValidDocument } from './iam-params';
import { roleXml } from './iam-xml';

// IAM's default quota for a role trust policy, counted without whitespace.
const TRUST_POLICY_QUOTA = 2048;

export function requireRole(backend: Backend, account: string, name: string): IamRole {
  const role = backend.world.getRole(account, name);
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

function readTags(params: Map<string, string>): Record<string, string> {
  const keys = listParam(params, 'Tags', 'Key') ?? [];
  return Object.fromEntries(keys.map((k, i) => [k, params.get(`Tags.member.${i + 1}.Value`) ?? '']));
}

export function createRole(backend: Backend, ctx: QueryContext): string {
  const p = ctx.params;
  const name = p.get('RoleName');
  const path = p.get('Path');
  const trust = p.get('AssumeRolePolicyDocument');
  const description = p.get('Description');
  const max = intParam(p.get('MaxSessionDuration'), 'MaxSessionDuration');
  const c = new ConstraintCollector();
  checkRoleName(c, name);
  checkPath(c, path);
  checkDocument(c, trust, 'assumeRolePolicyDocument');
  c.length(description, 'description', 0, 1000);
  c.range(max, 'maxSessionDuration', 3600, 43200);
  c.throwIfAny();
  requireValidDocument(trust as string, 'trust');
  if (policySizeWithoutWhitespace(trust as string) > TRUST_POLICY_QUOTA) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`, 409);
  }
  if (backend.world.getRole(ctx.principal.account, name as string)) {
    throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
  }
  const role = backend.world.putRole({
    account: ctx.principal.account,
    name: name as string,
    path: path ?? '/',
    description,
    maxSessionDuration: max ?? 3600,
    trustPolicy: trust as string,
    inlinePolicies: new Map(),
    attachedPolicyArns: [],
    tags: readTags(p),
  });
  return roleXml(role);
}

export function getRole(backend: Backend, ctx: QueryContext): string {
  const name = ctx.params.get('RoleName');
  const c = new ConstraintCollector();
  checkRoleName(c, name);
  c.throwIfAny();
  return roleXml(requireRole(backend, ctx.principal.account, name as string), true);
}

export function updateRole(backend: Backend, ctx: QueryContext): null {
  const name = ctx.params.get('RoleName');
  const description = ctx.params.get('Description');
  const max = intParam(ctx.params.get('MaxSessionDuration'), 'MaxSessionDuration');
  const c = new ConstraintCollector();
  checkRoleName(c, name);
  c.length(description, 'description', 0, 1000);
  c.range(max, 'maxSessionDuration', 3600, 43200);
  c.throwIfAny();
  const role = requireRole(backend, ctx.principal.account, name as string);
  if (description !== undefined) role.description = description;
  if (max !== undefined) role.maxSessionDuration = max;
  return null;
}

export function deleteRole(backend: Backend, ctx: QueryContext): null {
  const name = ctx.params.get('RoleName');
  const c = new ConstraintCollector();
  checkRoleName(c, name);
  c.throwIfAny();
  const role = requireRole(backend, ctx.principal.account, name as string);
  if (role.inlinePolicies.size > 0)
    throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
  if (role.attachedPolicyArns.length > 0) {
    throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
  }
  backend.world.deleteRole(role.account, role.name);
  return null;
}
