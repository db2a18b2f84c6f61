import { findStatement } from './policy-evaluator';
import type { AuthzRequest, NamedPolicy, PrincipalSpec, Statement } from './policy-types';

export interface TrustDecision {
  denied: boolean;
  allowed: boolean;
  /** The trust policy names the caller itself (not just its account), which is a grant on its own. */
  direct: boolean;
}

/** Identifiers a caller is known by in a Principal element, most specific first. */
export interface CallerNames {
  specific: string[];
  account: string;
  /** A web-identity caller: the ARN of the OIDC provider that vouched for it, matched against `Federated`. */
  federated?: string;
}

function specMatches(spec: PrincipalSpec, caller: CallerNames): { match: boolean; direct: boolean } {
  if (spec === '*') return { match: true, direct: true };
  if (caller.federated !== undefined) return { match: (spec.Federated ?? []).includes(caller.federated), direct: true };
  const ids = spec.AWS ?? [];
  if (ids.includes('*')) return { match: true, direct: true };
  if (ids.some((id) => caller.specific.includes(id))) return { match: true, direct: true };
  const accountIds = [caller.account, `arn:aws:iam::${caller.account}:root`];
  return { match: ids.some((id) => accountIds.includes(id)), direct: false };
}

/** Evaluates a role's trust policy for one action (sts:AssumeRole[WithWebIdentity], sts:TagSession, sts:SetSourceIdentity). */
export function evaluateTrust(trust: NamedPolicy, caller: CallerNames, req: AuthzRequest): TrustDecision {
  let direct = false;
  const principalMatches = (s: Statement): boolean => {
    if (s.notPrincipal) return !specMatches(s.notPrincipal, caller).match;
    if (!s.principal) return false;
    const m = specMatches(s.principal, caller);
    return m.match;
  };
  if (findStatement([trust], req, 'Deny', principalMatches)) return { denied: true, allowed: false, direct: false };
  const allow = findStatement([trust], req, 'Allow', principalMatches);
  if (allow?.statement.principal) direct = specMatches(allow.statement.principal, caller).direct;
  return { denied: false, allowed: allow !== null, direct };
}
