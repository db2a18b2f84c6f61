import type { ConditionEntry, Policy, PrincipalSpec, Statement } from './policy-types';
import { CONDITION_OPERATORS } from './condition-operators';

/** Thrown for documents IAM would reject; the message is what IAM says in MalformedPolicyDocument. */
export class PolicyGrammarError extends Error {}

/** identity: user/role/managed/session policies (no Principal). trust: role trust policies (Principal, no Resource). */
export type PolicyKind = 'identity' | 'trust';

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);

const fail = (message: string): never => {
  throw new PolicyGrammarError(message);
};

function stringList(value: unknown, field: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(`Syntax errors in policy.`);
  return list.map((v) =>
    typeof v === 'string' ? v : fail(`Syntax errors in policy. ${field} must be a string or list of strings.`),
  );
}

function parseActions(value: unknown, field: string): string[] {
  const actions = stringList(value, field);
  for (const a of actions) {
    if (a !== '*' && !/^[a-zA-Z0-9-]+:[^:\s]*$/.test(a)) {
      fail('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    }
  }
  return actions;
}

function parseResources(value: unknown, field: string): string[] {
  const resources = stringList(value, field);
  for (const r of resources) {
    if (r !== '*' && !r.startsWith('arn:')) fail(`Resource ${r} must be in ARN format or "*".`);
  }
  return resources;
}

function parsePrincipal(value: unknown): PrincipalSpec {
  if (value === '*') return '*';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('Invalid principal in policy');
  const spec: Record<string, string[]> = {};
  for (const [type, ids] of Object.entries(value as Record<string, unknown>)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(type))
      fail(`Invalid principal in policy: "${type}"`);
    spec[type] = stringList(ids, 'Principal');
  }
  return spec;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts and checks the base operator exists. */
export function parseOperator(operator: string): Omit<ConditionEntry, 'key' | 'values'> {
  let rest = operator;
  let setOperator: ConditionEntry['setOperator'] = null;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    if (prefix !== 'ForAnyValue' && prefix !== 'ForAllValues') fail(`Invalid Condition type : ${operator}`);
    setOperator = prefix as 'ForAnyValue' | 'ForAllValues';
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  const baseOperator = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!CONDITION_OPERATORS.has(baseOperator) || (ifExists && baseOperator === 'Null')) {
    fail(`Invalid Condition type : ${operator}`);
  }
  return { operator, baseOperator, setOperator, ifExists };
}

function conditionValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : fail('Syntax errors in policy.'),
  );
}

function parseConditions(value: unknown): ConditionEntry[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('Syntax errors in policy.');
  const entries: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
    const parsed = parseOperator(operator);
    if (typeof block !== 'object' || block === null || Array.isArray(block)) fail('Syntax errors in policy.');
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      entries.push({ ...parsed, key, values: conditionValues(values) });
    }
  }
  return entries;
}

function parseStatement(raw: unknown, kind: PolicyKind): Statement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('Syntax errors in policy.');
  const s = raw as Record<string, unknown>;
  for (const field of Object.keys(s)) if (!STATEMENT_FIELDS.has(field)) fail(`Syntax errors in policy.`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') fail('Syntax errors in policy.');
  if ('Action' in s && 'NotAction' in s) fail('Syntax errors in policy.');
  if ('Resource' in s && 'NotResource' in s) fail('Syntax errors in policy.');
  if (!('Action' in s) && !('NotAction' in s)) fail('Policy statement must contain actions.');
  if (kind === 'identity') {
    if ('Principal' in s || 'NotPrincipal' in s) fail('Policy document should not specify a principal.');
    if (!('Resource' in s) && !('NotResource' in s)) fail('Policy statement must contain resources.');
  } else {
    if ('Resource' in s || 'NotResource' in s)
      fail(`Has prohibited field ${'Resource' in s ? 'Resource' : 'NotResource'}`);
    if (!('Principal' in s) && !('NotPrincipal' in s)) fail('Missing required field Principal');
  }
  return {
    sid: typeof s.Sid === 'string' ? s.Sid : undefined,
    effect: s.Effect as Statement['effect'],
    action: 'Action' in s ? parseActions(s.Action, 'Action') : undefined,
    notAction: 'NotAction' in s ? parseActions(s.NotAction, 'NotAction') : undefined,
    resource: 'Resource' in s ? parseResources(s.Resource, 'Resource') : undefined,
    notResource: 'NotResource' in s ? parseResources(s.NotResource, 'NotResource') : undefined,
    principal: 'Principal' in s ? parsePrincipal(s.Principal) : undefined,
    notPrincipal: 'NotPrincipal' in s ? parsePrincipal(s.NotPrincipal) : undefined,
    conditions: 'Condition' in s ? parseConditions(s.Condition) : [],
    source: s,
  };
}

export function parsePolicy(text: string, kind: PolicyKind): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('Syntax errors in policy.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('Syntax errors in policy.');
  const d = doc as Record<string, unknown>;
  for (const field of Object.keys(d)) if (!TOP_LEVEL.has(field)) fail('Syntax errors in policy.');
  if ('Version' in d && !VERSIONS.has(d.Version as string)) fail('The policy must contain a valid version string');
  if (!('Statement' in d)) fail('Syntax errors in policy.');
  const raw = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
  return { version: (d.Version as string) ?? '2008-10-17', statements: raw.map((s) => parseStatement(s, kind)) };
}

// Stored documents are evaluated on every request; parsing each distinct text once keeps that cheap.
const parsedCache = new Map<string, Policy>();

export function parsePolicyCached(text: string, kind: PolicyKind): Policy {
  const cacheKey = kind + '\u0000' + text;
  let policy = parsedCache.get(cacheKey);
  if (!policy) {
    policy = parsePolicy(text, kind);
    if (parsedCache.size > 5000) parsedCache.clear();
    parsedCache.set(cacheKey, policy);
  }
  return policy;
}

/** Size as IAM counts it: the JSON text without whitespace outside string values. */
export function policySizeWithoutWhitespace(text: string): number {
  let size = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      size++;
      if (c === '\\') {
        size++;
        i++;
      } else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      size++;
    } else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') size++;
  }
  return size;
}
