import { arnMatch, wildcardMatch } from './wildcard';

/** Compares one request value with one policy value; negated operators are expressed as `negate` of a base. */
type Matcher = (requestValue: string, policyValue: string) => boolean;

interface OperatorSpec {
  match: Matcher;
  negated: boolean;
}

function parseDate(value: string): number {
  // Policies may give dates as ISO-8601 or as epoch seconds.
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  return Date.parse(value);
}

function numeric(compare: (a: number, b: number) => boolean): Matcher {
  return (r, p) => {
    const a = Number(r);
    const b = Number(p);
    return r.trim() !== '' && p.trim() !== '' && !Number.isNaN(a) && !Number.isNaN(b) && compare(a, b);
  };
}

function date(compare: (a: number, b: number) => boolean): Matcher {
  return (r, p) => {
    const a = parseDate(r);
    const b = parseDate(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && compare(a, b);
  };
}

const eq = (a: number, b: number): boolean => a === b;
const lt = (a: number, b: number): boolean => a < b;
const le = (a: number, b: number): boolean => a <= b;
const gt = (a: number, b: number): boolean => a > b;
const ge = (a: number, b: number): boolean => a >= b;

const stringEquals: Matcher = (r, p) => r === p;
const stringEqualsIgnoreCase: Matcher = (r, p) => r.toLowerCase() === p.toLowerCase();
const stringLike: Matcher = (r, p) => wildcardMatch(p, r);
const arnLike: Matcher = (r, p) => arnMatch(p, r);
const bool: Matcher = (r, p) => r.toLowerCase() === p.toLowerCase();

const specs: Record<string, OperatorSpec> = {
  StringEquals: { match: stringEquals, negated: false },
  StringNotEquals: { match: stringEquals, negated: true },
  StringEqualsIgnoreCase: { match: stringEqualsIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { match: stringEqualsIgnoreCase, negated: true },
  StringLike: { match: stringLike, negated: false },
  StringNotLike: { match: stringLike, negated: true },
  NumericEquals: { match: numeric(eq), negated: false },
  NumericNotEquals: { match: numeric(eq), negated: true },
  NumericLessThan: { match: numeric(lt), negated: false },
  NumericLessThanEquals: { match: numeric(le), negated: false },
  NumericGreaterThan: { match: numeric(gt), negated: false },
  NumericGreaterThanEquals: { match: numeric(ge), negated: false },
  DateEquals: { match: date(eq), negated: false },
  DateNotEquals: { match: date(eq), negated: true },
  DateLessThan: { match: date(lt), negated: false },
  DateLessThanEquals: { match: date(le), negated: false },
  DateGreaterThan: { match: date(gt), negated: false },
  DateGreaterThanEquals: { match: date(ge), negated: false },
  Bool: { match: bool, negated: false },
  ArnEquals: { match: arnLike, negated: false },
  ArnLike: { match: arnLike, negated: false },
  ArnNotEquals: { match: arnLike, negated: true },
  ArnNotLike: { match: arnLike, negated: true },
  BinaryEquals: { match: stringEquals, negated: false },
  IpAddress: { match: stringEquals, negated: false },
  NotIpAddress: { match: stringEquals, negated: true },
};

export const CONDITION_OPERATORS = new Set([...Object.keys(specs), 'Null']);

/**
 * Evaluates one operator for one key. `requestValues` is undefined when the key is absent from the
 * request context. Semantics follow the IAM reference:
 * - absent key: false, except IfExists (true) and negated operators (true: "not equal" to nothing);
 * - ForAnyValue: some request value satisfies the operator (absent or empty set → false);
 * - ForAllValues: every request value satisfies it (absent or empty set → true);
 * - plain operator on a multi-valued key: like ForAnyValue for positive operators, and its negation
 *   for negated ones.
 */
export function evaluateOperator(
  baseOperator: string,
  setOperator: 'ForAnyValue' | 'ForAllValues' | null,
  ifExists: boolean,
  requestValues: string[] | undefined,
  policyValues: string[],
): boolean {
  if (baseOperator === 'Null') {
    const absent = requestValues === undefined || requestValues.length === 0;
    return policyValues.some((p) => (p.toLowerCase() === 'true') === absent);
  }
  const spec = specs[baseOperator];
  if (!spec) return false;
  const matchesAny = (value: string): boolean => policyValues.some((p) => spec.match(value, p));
  // A value "satisfies" a negated operator when it matches none of the policy values.
  const satisfies = (value: string): boolean => (spec.negated ? !matchesAny(value) : matchesAny(value));

  if (setOperator === 'ForAllValues') {
    return requestValues === undefined || requestValues.every(satisfies);
  }
  if (setOperator === 'ForAnyValue') {
    if (requestValues === undefined || requestValues.length === 0) return ifExists;
    return requestValues.some(satisfies);
  }
  if (requestValues === undefined || requestValues.length === 0) return ifExists || spec.negated;
  return spec.negated ? !requestValues.some(matchesAny) : requestValues.some(matchesAny);
}
