import type { Clock } from '../clock';
import type { Principal } from '../sessions/issued-session';
import type { IamWorld } from '../world/iam-world';
import { principalContextKeys } from './context-keys';
import { parsePolicyCached } from './policy-parser';
import { evaluateIdentity } from './policy-evaluator';
import type { AuthzResult, ContextValue, NamedPolicy, RequestContextKeys } from './policy-types';

/**
 * Authorizes requests signed by a principal: its identity policies (a role's, for assumed-role
 * sessions; a user's otherwise) intersected with the session policies passed to AssumeRole.
 * Policies are read from the world on every call, so a PutRolePolicy (revocation) applies at once.
 */
export class Authorizer {
  constructor(
    private readonly world: IamWorld,
    private readonly clock: Clock,
  ) {}

  identityPolicies(p: Principal): NamedPolicy[] {
    const owner =
      p.kind === 'assumed-role'
        ? this.world.getRole(p.session.role?.account as string, p.session.role?.name as string)
        : p.user;
    // A session whose role has been deleted has no permissions left.
    if (!owner || (p.kind === 'assumed-role' && owner.arn !== p.session.role?.arn)) return [];
    const label = p.kind === 'assumed-role' ? `role/${owner.name}` : `user/${owner.name}`;
    const policies: NamedPolicy[] = [];
    for (const [name, text] of owner.inlinePolicies) {
      policies.push({ name: `${label}/inline/${name}`, policy: parsePolicyCached(text, 'identity') });
    }
    for (const arn of owner.attachedPolicyArns) {
      const managed = this.world.getPolicy(arn);
      if (managed) policies.push({ name: arn, policy: parsePolicyCached(managed.document, 'identity') });
    }
    return policies;
  }

  /** Session policies, or null when none were passed (then they do not limit anything). */
  sessionPolicies(p: Principal): NamedPolicy[] | null {
    if (p.kind !== 'assumed-role') return null;
    const s = p.session;
    if (!s.sessionPolicy && s.policyArns.length === 0) return null;
    const policies: NamedPolicy[] = [];
    if (s.sessionPolicy)
      policies.push({ name: 'session/inline', policy: parsePolicyCached(s.sessionPolicy, 'identity') });
    for (const arn of s.policyArns) {
      const managed = this.world.getPolicy(arn);
      if (managed) policies.push({ name: `session/${arn}`, policy: parsePolicyCached(managed.document, 'identity') });
    }
    return policies;
  }

  authorize(
    p: Principal,
    action: string,
    resource: string,
    region: string,
    extra?: Record<string, ContextValue>,
  ): AuthzResult {
    return this.authorizeWithKeys(p, action, resource, principalContextKeys(p, region, this.clock.now(), extra));
  }

  /** As authorize, with a request context already built (several actions of one request share it). */
  authorizeWithKeys(p: Principal, action: string, resource: string, keys: RequestContextKeys): AuthzResult {
    return evaluateIdentity(this.identityPolicies(p), this.sessionPolicies(p), { action, resource, keys });
  }
}
