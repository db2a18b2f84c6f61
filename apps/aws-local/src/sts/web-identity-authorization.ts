import type { Backend } from '../backend';
import { webIdentityContextKeys } from '../authz/context-keys';
import { parsePolicyCached } from '../authz/policy-parser';
import type { ContextValue } from '../authz/policy-types';
import { evaluateTrust } from '../authz/trust-evaluator';
import { accessDenied } from '../errors';
import type { IamRole } from '../world/iam-entities';
import type { WebIdentityInput } from './web-identity-params';
import type { VerifiedWebIdentity } from './web-identity-token';

function requestKeys(input: WebIdentityInput, identity: VerifiedWebIdentity): Record<string, ContextValue> {
  const extra: Record<string, ContextValue> = { 'sts:RoleSessionName': input.roleSessionName };
  const tagKeys = Object.keys(identity.tags);
  if (tagKeys.length > 0) {
    extra['aws:TagKeys'] = tagKeys;
    for (const [k, v] of Object.entries(identity.tags)) extra[`aws:RequestTag/${k}`] = v;
  }
  if (identity.transitiveTagKeys.length > 0) extra['sts:TransitiveTagKeys'] = identity.transitiveTagKeys;
  if (identity.sourceIdentity !== undefined) extra['sts:SourceIdentity'] = identity.sourceIdentity;
  return extra;
}

/**
 * A web identity has no identity policies of its own, so the role's trust policy alone decides: it must
 * allow the provider (`Federated`) each action the call performs (AssumeRoleWithWebIdentity; TagSession
 * when the token carries tags; SetSourceIdentity when it carries a source identity), with its conditions
 * on the token's claims, and deny none of them.
 */
export function authorizeWebIdentity(
  backend: Backend,
  role: IamRole | undefined,
  identity: VerifiedWebIdentity,
  input: WebIdentityInput,
  region: string,
): asserts role is IamRole {
  // AWS's wording; a missing role is refused the same way, so tokens cannot probe for role names.
  const denied = (action: string): Error => accessDenied(`Not authorized to perform ${action}`);
  if (!role) throw denied('sts:AssumeRoleWithWebIdentity');
  const actions = ['sts:AssumeRoleWithWebIdentity'];
  if (Object.keys(identity.tags).length > 0) actions.push('sts:TagSession');
  if (identity.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  const keys = webIdentityContextKeys(
    {
      providerArn: identity.provider.arn,
      providerKey: identity.provider.key,
      audience: identity.audience,
      subject: identity.subject,
    },
    region,
    backend.clock.now(),
    requestKeys(input, identity),
  );
  const trust = { name: `role/${role.name}/trust`, policy: parsePolicyCached(role.trustPolicy, 'trust') };
  const caller = { specific: [], account: identity.provider.account, federated: identity.provider.arn };
  for (const action of actions) {
    const t = evaluateTrust(trust, caller, { action, resource: role.arn, keys });
    if (t.denied || !t.allowed) throw denied(action);
  }
}
