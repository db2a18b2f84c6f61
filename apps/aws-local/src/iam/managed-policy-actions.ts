import type { Backend } from '../backend';
import { AwsError, noSuchEntity } from '../errors';
import type { QueryContext } from '../query-context';
import { ConstraintCollector } from '../validation';
import { el, wrap } from '../xml';
import {
  checkDocument,
  checkPath,
  checkPolicyArn,
  checkPolicyName,
  checkRoleName,
  requireValidDocument,
} from './iam-params';
import { policyXml } from './iam-xml';
import { requireRole } from './role-actions';

const ATTACHED_POLICIES_PER_ROLE = 10;

export function createPolicy(backend: Backend, ctx: QueryContext): string {
  const p = ctx.params;
  const name = p.get('PolicyName');
  const path = p.get('Path');
  const document = p.get('PolicyDocument');
  const description = p.get('Description');
  const c = new ConstraintCollector();
  checkPolicyName(c, name);
  checkPath(c, path);
  checkDocument(c, document, 'policyDocument');
  c.length(description, 'description', 0, 1000);
  c.throwIfAny();
  requireValidDocument(document as string, 'identity');
  const account = ctx.principal.account;
  if (backend.world.findPolicyByName(account, name as string)) {
    throw new AwsError(
      'EntityAlreadyExists',
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
      409,
    );
  }
  const policy = backend.world.putPolicy({
    account,
    name: name as string,
    path: path ?? '/',
    description,
    document: document as string,
  });
  return policyXml(policy, 0);
}

function readAttachment(ctx: QueryContext): { roleName: string; policyArn: string } {
  const c = new ConstraintCollector();
  const roleName = ctx.params.get('RoleName');
  const policyArn = ctx.params.get('PolicyArn');
  checkRoleName(c, roleName);
  checkPolicyArn(c, policyArn);
  c.throwIfAny();
  return { roleName: roleName as string, policyArn: policyArn as string };
}

export function attachRolePolicy(backend: Backend, ctx: QueryContext): null {
  const { roleName, policyArn } = readAttachment(ctx);
  const role = requireRole(backend, ctx.principal.account, roleName);
  if (!backend.world.getPolicy(policyArn))
    throw noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`);
  if (role.attachedPolicyArns.includes(policyArn)) return null;
  if (role.attachedPolicyArns.length >= ATTACHED_POLICIES_PER_ROLE) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for PoliciesPerRole: ${ATTACHED_POLICIES_PER_ROLE}`, 409);
  }
  role.attachedPolicyArns.push(policyArn);
  return null;
}

export function detachRolePolicy(backend: Backend, ctx: QueryContext): null {
  const { roleName, policyArn } = readAttachment(ctx);
  const role = requireRole(backend, ctx.principal.account, roleName);
  const index = role.attachedPolicyArns.indexOf(policyArn);
  if (index < 0) throw noSuchEntity(`Policy ${policyArn} was not found.`);
  role.attachedPolicyArns.splice(index, 1);
  return null;
}

export function listAttachedRolePolicies(backend: Backend, ctx: QueryContext): string {
  const roleName = ctx.params.get('RoleName');
  const c = new ConstraintCollector();
  checkRoleName(c, roleName);
  c.throwIfAny();
  const role = requireRole(backend, ctx.principal.account, roleName as string);
  const members = role.attachedPolicyArns
    .map((arn) =>
      wrap(
        'member',
        el('PolicyName', backend.world.getPolicy(arn)?.name ?? arn.split('/').pop()) + el('PolicyArn', arn),
      ),
    )
    .join('');
  return wrap('AttachedPolicies', members) + el('IsTruncated', false);
}
