import { evaluateOperator } from './condition-operators';
import type { AuthzRequest, AuthzResult, ConditionEntry, Effect, NamedPolicy, Statement } from './policy-types';
import { wildcardMatch } from './wildcard';

export interface StatementMatch {
  policy: string;
  statement: Statement;
}

function contextValues(req: AuthzRequest, key: string): string[] | undefined {
  const value = req.keys.get(key.toLowerCase());
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

/**
 * Replaces `${aws:userid}`-style policy variables (policy version 2012-10-17 only). A variable with no
 * value in the request makes the element unmatchable, as in IAM.
 */
function substitute(text: string, req: AuthzRequest, version: string): string | null {
  if (version !== '2012-10-17' || !text.includes('${')) return text;
  let unresolved = false;
  const out = text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    // `${*}`, `${?}`, `${$}` stand for the characters themselves (a `*` here still acts as a wildcard).
    if (name === '*' || name === '?' || name === '$') return name;
    const value = req.keys.get(name.toLowerCase());
    if (typeof value !== 'string') {
      unresolved = true;
      return '';
    }
    return value;
  });
  return unresolved ? null : out;
}

function matchesResource(patterns: string[], req: AuthzRequest, version: string): boolean {
  return patterns.some((p) => {
    const resolved = substitute(p, req, version);
    return resolved !== null && wildcardMatch(resolved, req.resource);
  });
}

function conditionHolds(c: ConditionEntry, req: AuthzRequest, version: string): boolean {
  const values: string[] = [];
  for (const v of c.values) {
    const resolved = substitute(v, req, version);
    if (resolved !== null) values.push(resolved);
  }
  return evaluateOperator(c.baseOperator, c.setOperator, c.ifExists, contextValues(req, c.key), values);
}

/** Whether a statement applies to the request (action, resource and every condition); the principal is checked elsewhere. */
export function statementApplies(s: Statement, req: AuthzRequest, version: string): boolean {
  if (s.action && !s.action.some((a) => wildcardMatch(a, req.action, true))) return false;
  if (s.notAction && s.notAction.some((a) => wildcardMatch(a, req.action, true))) return false;
  if (s.resource && !matchesResource(s.resource, req, version)) return false;
  if (s.notResource && matchesResource(s.notResource, req, version)) return false;
  return s.conditions.every((c) => conditionHolds(c, req, version));
}

export function findStatement(
  policies: NamedPolicy[],
  req: AuthzRequest,
  effect: Effect,
  principalMatches: (s: Statement) => boolean = () => true,
): StatementMatch | null {
  for (const { name, policy } of policies) {
    for (const statement of policy.statements) {
      if (
        statement.effect === effect &&
        principalMatches(statement) &&
        statementApplies(statement, req, policy.version)
      ) {
        return { policy: name, statement };
      }
    }
  }
  return null;
}

const result = (decision: AuthzResult['decision'], match: StatementMatch | null, policy?: string): AuthzResult => ({
  decision,
  statement: match ? match.statement.source : null,
  policy: match ? match.policy : (policy ?? null),
});

/**
 * Identity-based evaluation for one principal: an explicit Deny in any policy wins; otherwise the
 * identity policies must allow, and when the session carries session policies those must allow too
 * (the effective permissions are the intersection).
 */
export function evaluateIdentity(
  identity: NamedPolicy[],
  session: NamedPolicy[] | null,
  req: AuthzRequest,
): AuthzResult {
  const deny = findStatement(identity, req, 'Deny') ?? (session ? findStatement(session, req, 'Deny') : null);
  if (deny) return result('deny', deny);
  const allow = findStatement(identity, req, 'Allow');
  if (!allow) return result('implicitDeny', null, 'identity-based policy');
  if (session) {
    const sessionAllow = findStatement(session, req, 'Allow');
    if (!sessionAllow) return result('implicitDeny', null, 'session policy');
  }
  return result('allow', allow);
}
