import { isConditionOperator } from './condition-operator.catalog';
import { fieldPath } from './field-path.util';
import { hasPlaceholder, placeholderProblems } from './placeholder.catalog';
import type { TemplateViolation } from './role-template.types';

export interface ActionReference {
  field: string;
  action: string;
}

export interface GrammarResult {
  violations: TemplateViolation[];
  /** Action patterns found in Action/NotAction, checked against the IAM catalogue separately (async). */
  actions: ActionReference[];
}

const TOP_LEVEL_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const VERSIONS = ['2012-10-17', '2008-10-17'];
const RESOURCE = /^(?:\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Grammar of an IAM policy used as a session policy (no Principal), with placeholders still in place. */
export function validatePolicyGrammar(doc: unknown, base: string): GrammarResult {
  const result: GrammarResult = { violations: [], actions: [] };
  const fail = (field: string, message: string) => result.violations.push({ field, message });

  if (!isObject(doc)) {
    fail(base, 'Session policy must be a JSON object');
    return result;
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) fail(fieldPath(base, key), `Unknown policy element "${key}"`);
  }
  if (doc.Version === undefined) fail(fieldPath(base, 'Version'), 'Version is required; use "2012-10-17"');
  else if (typeof doc.Version !== 'string' || !VERSIONS.includes(doc.Version)) {
    fail(fieldPath(base, 'Version'), `Version must be one of ${VERSIONS.map((v) => `"${v}"`).join(', ')}`);
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') fail(fieldPath(base, 'Id'), 'Id must be a string');

  const statements = doc.Statement;
  const statementsPath = fieldPath(base, 'Statement');
  if (Array.isArray(statements)) {
    if (statements.length === 0) fail(statementsPath, 'Statement must not be empty');
    const sids = new Set<string>();
    statements.forEach((statement, index) => {
      const path = fieldPath(statementsPath, index);
      validateStatement(statement, path, result);
      if (isObject(statement) && typeof statement.Sid === 'string' && statement.Sid !== '') {
        if (sids.has(statement.Sid)) fail(fieldPath(path, 'Sid'), `Sid "${statement.Sid}" is used twice`);
        sids.add(statement.Sid);
      }
    });
  } else if (isObject(statements)) {
    validateStatement(statements, statementsPath, result);
  } else {
    fail(statementsPath, 'Statement is required: an object or a non-empty array of objects');
  }
  collectPlaceholderViolations(doc, base, result.violations);
  return result;
}

function validateStatement(statement: unknown, path: string, result: GrammarResult): void {
  const fail = (field: string, message: string) => result.violations.push({ field, message });
  if (!isObject(statement)) {
    fail(path, 'Each statement must be a JSON object');
    return;
  }
  for (const key of Object.keys(statement)) {
    if (key === 'Principal' || key === 'NotPrincipal') {
      fail(fieldPath(path, key), `${key} is not allowed in a session policy; the session is the principal`);
    } else if (!STATEMENT_KEYS.has(key)) {
      fail(fieldPath(path, key), `Unknown statement element "${key}"`);
    }
  }
  if (statement.Sid !== undefined && (typeof statement.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(statement.Sid))) {
    fail(fieldPath(path, 'Sid'), 'Sid may only contain letters and digits');
  }
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    fail(fieldPath(path, 'Effect'), 'Effect must be "Allow" or "Deny"');
  }
  const action = exactlyOne(statement, 'Action', 'NotAction', path, fail);
  if (action) {
    for (const item of stringList(statement[action], fieldPath(path, action), fail)) {
      if (hasPlaceholder(item.value)) fail(item.field, 'Placeholders are not allowed in action names');
      else result.actions.push({ field: item.field, action: item.value });
    }
  }
  const resource = exactlyOne(statement, 'Resource', 'NotResource', path, fail);
  if (resource) {
    for (const item of stringList(statement[resource], fieldPath(path, resource), fail)) {
      if (!RESOURCE.test(item.value)) fail(item.field, `Resource "${item.value}" must be "*" or an ARN`);
    }
  }
  if (statement.Condition !== undefined) validateCondition(statement.Condition, fieldPath(path, 'Condition'), fail);
}

function exactlyOne(
  statement: Record<string, unknown>,
  positive: string,
  negative: string,
  path: string,
  fail: (field: string, message: string) => void,
): string | undefined {
  const present = [positive, negative].filter((key) => statement[key] !== undefined);
  if (present.length === 1) return present[0];
  fail(
    present.length === 0 ? fieldPath(path, positive) : fieldPath(path, negative),
    `A statement needs exactly one of ${positive} or ${negative}`,
  );
  return undefined;
}

function stringList(
  value: unknown,
  path: string,
  fail: (field: string, message: string) => void,
): { field: string; value: string }[] {
  if (typeof value === 'string') return [{ field: path, value }];
  if (!Array.isArray(value) || value.length === 0) {
    fail(path, 'Must be a string or a non-empty array of strings');
    return [];
  }
  const items: { field: string; value: string }[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string') items.push({ field: fieldPath(path, index), value: item });
    else fail(fieldPath(path, index), 'Must be a string');
  });
  return items;
}

function validateCondition(condition: unknown, path: string, fail: (field: string, message: string) => void): void {
  if (!isObject(condition)) {
    fail(path, 'Condition must be an object of operators');
    return;
  }
  for (const [operator, entries] of Object.entries(condition)) {
    const operatorPath = fieldPath(path, operator);
    if (!isConditionOperator(operator)) {
      fail(operatorPath, `Unknown condition operator "${operator}"`);
      continue;
    }
    if (!isObject(entries) || Object.keys(entries).length === 0) {
      fail(operatorPath, `${operator} must map condition keys to values`);
      continue;
    }
    for (const [key, value] of Object.entries(entries)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0 || !values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        fail(fieldPath(operatorPath, key), 'Condition values must be a string or an array of strings');
      }
    }
  }
}

/** Every string and key in the document may carry placeholders; each must be a known one. */
function collectPlaceholderViolations(value: unknown, path: string, out: TemplateViolation[]): void {
  if (typeof value === 'string') {
    for (const problem of placeholderProblems(value)) out.push({ field: path, ...problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectPlaceholderViolations(item, fieldPath(path, index), out));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = fieldPath(path, key);
      for (const problem of placeholderProblems(key)) out.push({ field: itemPath, ...problem });
      collectPlaceholderViolations(item, itemPath, out);
    }
  }
}
