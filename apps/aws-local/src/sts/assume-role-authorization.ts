import { accessDenied } from '../errors';
import type { Backend } from '../backend';
import { principalContextKeys } from '../authz/context-keys';
import { parsePolicyCached } from '../authz/policy-parser';
import type { ContextValue } from '../authz/policy-types';
import { evaluateTrust } from '../authz/trust-evaluator';
import type { CallerNames } from '../authz/trust-evaluator';
import type { Principal } from '../sessions/issued-session';
import { principalArn } from '../sessions/issued-session';
import type { IamRole } from '../world/iam-entities';
import type { AssumeRoleInput } from './assume-role-params';

function callerNames(p: Principal): CallerNames {
  const specific = [principalArn(p)];
  // A trust policy may name the role itself; it then trusts every session of that role.
  if (p.kind === 'assumed-role' && p.session.role) specific.push(p.session.role.arn);
  return { specific, account: p.account };
}

function trustContext(input: AssumeRoleInput, sourceIdentity: string | undefined): Record<string, ContextValue> {
  const extra: Record<string, ContextValue> = { 'sts:RoleSessionName': input.roleSessionName };
  if (input.externalId !== undefined) extra['sts:ExternalId'] = input.externalId;
  if (sourceIdentity !== undefined) extra['sts:SourceIdentity'] = sourceIdentity;
  if (input.tags.length > 0) {
    extra['aws:TagKeys'] = input.tags.map((t) => t.key);
    for (const t of input.tags) extra[`aws:RequestTag/${t.key}`] = t.value;
  }
  if (input.transitiveTagKeys.length > 0) extra['sts:TransitiveTagKeys'] = input.transitiveTagKeys;
  return extra;
}

/**
 * AssumeRole needs each STS action it performs (AssumeRole; TagSession when tags are passed;
 * SetSourceIdentity when a source identity is set) allowed by the role's trust policy and, unless the
 * trust policy names the caller itself, by the caller's own identity policies. An explicit Deny in
 * either refuses it.
 */
export function authorizeAssumeRole(
  backend: Backend,
  caller: Principal,
  role: IamRole | undefined,
  input: AssumeRoleInput,
  region: string,
  sourceIdentity: string | undefined,
): void {
  const denied = (action: string): Error =>
    accessDenied(
      `User: ${principalArn(caller)} is not authorized to perform: ${action} on resource: ${role?.arn ?? input.roleArn}`,
    );
  // A missing role is refused like a forbidden one, so callers cannot probe for role names.
  if (!role) throw denied('sts:AssumeRole');
  const actions = ['sts:AssumeRole'];
  if (input.tags.length > 0) actions.push('sts:TagSession');
  if (input.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  const extra = trustContext(input, sourceIdentity);
  const keys = principalContextKeys(caller, region, backend.clock.now(), extra);
  const trust = { name: `role/${role.name}/trust`, policy: parsePolicyCached(role.trustPolicy, 'trust') };
  for (const action of actions) {
    const identity = backend.authorizer.authorizeWithKeys(caller, action, role.arn, keys);
    if (identity.decision === 'deny') throw denied(action);
    const t = evaluateTrust(trust, callerNames(caller), { action, resource: role.arn, keys });
    if (t.denied || !t.allowed) throw denied(action);
    if (!t.direct && identity.decision !== 'allow') throw denied(action);
  }
}
