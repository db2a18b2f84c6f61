import {
  MAX_TEMPLATE_TAGS,
  MAX_TRANSITIVE_TAG_KEYS,
  RESERVED_TAG_KEYS,
  RESERVED_TAG_PREFIXES,
  TAG_CHARS,
  TAG_KEY_MAX_CHARS,
  TAG_VALUE_MAX_CHARS,
  TAG_VALUE_TEMPLATE_MAX_CHARS,
} from './aws-limits.constants';
import { fieldPath } from './field-path.util';
import { placeholderProblems, substitute, worstCaseValue } from './placeholder.catalog';
import type { RoleTemplateInput, TemplateViolation } from './role-template.types';

/** Session tags and transitive tag keys; values may carry placeholders, keys may not. */
export function validateSessionTags(
  input: Pick<RoleTemplateInput, 'sessionTags' | 'transitiveTagKeys'>,
): TemplateViolation[] {
  const violations: TemplateViolation[] = [];
  const fail = (field: string, message: string) => violations.push({ field, message });
  const tags = input.sessionTags ?? [];
  const seen = new Map<string, number>();

  if (!Array.isArray(tags)) return [{ field: 'sessionTags', message: 'sessionTags must be an array' }];
  if (tags.length > MAX_TEMPLATE_TAGS) {
    fail(
      'sessionTags',
      `At most ${MAX_TEMPLATE_TAGS} session tags: AWS allows ${MAX_TEMPLATE_TAGS + RESERVED_TAG_KEYS.length} and LabKeys adds ${RESERVED_TAG_KEYS.join(', ')}`,
    );
  }
  tags.forEach((tag, index) => {
    const path = fieldPath('sessionTags', index);
    if (tag === null || typeof tag !== 'object') return fail(path, 'Each tag must be {key, value}');
    const keyPath = fieldPath(path, 'key');
    const valuePath = fieldPath(path, 'value');
    const { key, value } = tag;
    if (typeof key !== 'string' || key.length < 1 || key.length > TAG_KEY_MAX_CHARS) {
      fail(keyPath, `Tag key must be 1-${TAG_KEY_MAX_CHARS} characters`);
    } else if (!TAG_CHARS.test(key)) {
      fail(keyPath, 'Tag key may contain letters, digits, spaces and _ . : / = + - @ only (no placeholders)');
    } else if (RESERVED_TAG_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix))) {
      fail(keyPath, `Tag keys starting with ${RESERVED_TAG_PREFIXES.join(' or ')} are reserved`);
    } else if (seen.has(key.toLowerCase())) {
      fail(
        keyPath,
        `Tag key "${key}" repeats sessionTags[${seen.get(key.toLowerCase())}].key (keys are case-insensitive)`,
      );
    } else {
      seen.set(key.toLowerCase(), index);
    }
    if (typeof value !== 'string') return fail(valuePath, 'Tag value must be a string');
    if (value.length > TAG_VALUE_TEMPLATE_MAX_CHARS) {
      return fail(
        valuePath,
        `Tag value must be at most ${TAG_VALUE_TEMPLATE_MAX_CHARS} characters before placeholders are expanded`,
      );
    }
    const problems = placeholderProblems(value);
    for (const problem of problems) fail(valuePath, problem.message);
    if (problems.length > 0) return;
    const worstCase = substitute(value, worstCaseValue);
    if (!TAG_CHARS.test(worstCase)) {
      fail(valuePath, 'Tag value may contain letters, digits, spaces, _ . : / = + - @ and placeholders only');
    } else if (worstCase.length > TAG_VALUE_MAX_CHARS) {
      fail(
        valuePath,
        `Tag value can render to ${worstCase.length} characters with the longest placeholder values; the limit is ${TAG_VALUE_MAX_CHARS}`,
      );
    }
  });

  const transitive = input.transitiveTagKeys ?? [];
  if (!Array.isArray(transitive)) return [...violations, { field: 'transitiveTagKeys', message: 'Must be an array' }];
  if (transitive.length > MAX_TRANSITIVE_TAG_KEYS) {
    fail('transitiveTagKeys', `At most ${MAX_TRANSITIVE_TAG_KEYS} transitive tag keys`);
  }
  const known = new Set([...seen.keys(), ...RESERVED_TAG_KEYS]);
  transitive.forEach((key, index) => {
    if (typeof key !== 'string' || !known.has(key.toLowerCase())) {
      fail(
        fieldPath('transitiveTagKeys', index),
        `Transitive tag key ${JSON.stringify(key)} is not one of the session tags`,
      );
    }
  });
  return violations;
}
