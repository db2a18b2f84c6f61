export type Effect = 'Allow' | 'Deny';

/** One `"Operator": { "key": [values] }` pair, with the operator split into its parts once at parse time. */
export interface ConditionEntry {
  operator: string;
  baseOperator: string;
  setOperator: 'ForAnyValue' | 'ForAllValues' | null;
  ifExists: boolean;
  key: string;
  values: string[];
}

/** `"*"` or `{ "AWS": [...], "Service": [...], "Federated": [...] }`. */
export type PrincipalSpec = '*' | Record<string, string[]>;

export interface Statement {
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  conditions: ConditionEntry[];
  /** The statement as written, for diagnostics. */
  source: Record<string, unknown>;
}

export interface Policy {
  version: string;
  statements: Statement[];
}

/** A policy with a label saying where it comes from (`role/lab/inline/revocations`, `session/inline`, ...). */
export interface NamedPolicy {
  name: string;
  policy: Policy;
}

/** Request context keys, looked up case-insensitively: keys are stored lower-cased. */
export type ContextValue = string | string[];
export type RequestContextKeys = Map<string, ContextValue>;

export interface AuthzRequest {
  action: string;
  resource: string;
  keys: RequestContextKeys;
}

export type Decision = 'allow' | 'deny' | 'implicitDeny';

export interface AuthzResult {
  decision: Decision;
  statement: Record<string, unknown> | null;
  policy: string | null;
}
