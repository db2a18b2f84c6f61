import { parsePolicy, PolicyGrammarError } from '../authz/policy-parser';
import type { PolicyKind } from '../authz/policy-parser';
import { malformedPolicy } from '../errors';
import { ConstraintCollector } from '../validation';

// Patterns as the IAM model spells them, so messages read like AWS's.
export const NAME_PATTERN = '[\\w+=,.@-]+';
export const PATH_PATTERN = '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)';
export const DOCUMENT_PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+';

export function checkRoleName(c: ConstraintCollector, name: string | undefined, field = 'roleName'): void {
  if (c.required(name, field)) {
    c.length(name, field, 1, 64);
    c.pattern(name, field, NAME_PATTERN);
  }
}

export function checkPolicyName(c: ConstraintCollector, name: string | undefined): void {
  if (c.required(name, 'policyName')) {
    c.length(name, 'policyName', 1, 128);
    c.pattern(name, 'policyName', NAME_PATTERN);
  }
}

export function checkPath(c: ConstraintCollector, path: string | undefined): void {
  c.length(path, 'path', 1, 512);
  c.pattern(path, 'path', PATH_PATTERN);
}

export function checkDocument(c: ConstraintCollector, doc: string | undefined, field: string): void {
  if (c.required(doc, field)) {
    c.length(doc, field, 1, 131072);
    c.pattern(doc, field, DOCUMENT_PATTERN);
  }
}

export function checkPolicyArn(c: ConstraintCollector, arn: string | undefined): void {
  if (c.required(arn, 'policyArn')) c.length(arn, 'policyArn', 20, 2048);
}

/** Parses a document and reports grammar problems as IAM does (MalformedPolicyDocument). */
export function requireValidDocument(text: string, kind: PolicyKind): void {
  try {
    parsePolicy(text, kind);
  } catch (e) {
    if (e instanceof PolicyGrammarError) throw malformedPolicy(e.message);
    throw e;
  }
}
