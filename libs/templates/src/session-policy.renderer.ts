import { POLICY_CHARS, SESSION_POLICY_MAX_CHARS } from './aws-limits.constants';
import { contextValue, substitute, TemplateRenderError, worstCaseValue } from './placeholder.catalog';
import type { PlaceholderName } from './placeholder.catalog';
import type { RenderContext, RoleTemplateInput } from './role-template.types';

type Template = Pick<RoleTemplateInput, 'sessionPolicyTemplate' | 'allowedRegions' | 'managedPolicyArns'>;
type JsonObject = Record<string, unknown>;

/**
 * Global services answer from us-east-1 whatever region the student picked, so a region guard that also
 * covered them would break IAM, STS and billing pages in every other region.
 */
export const REGION_GUARD_EXEMPT_ACTIONS = [
  'iam:*',
  'sts:*',
  'organizations:*',
  'account:*',
  'support:*',
  'cloudfront:*',
  'route53:*',
  'budgets:*',
  'ce:*',
  'health:*',
];

export function regionGuardStatement(allowedRegions: string[]): JsonObject {
  return {
    Effect: 'Deny',
    NotAction: REGION_GUARD_EXEMPT_ACTIONS,
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': allowedRegions } },
  };
}

/**
 * Renders placeholders inside the parsed document's strings (keys included), never into raw text: values
 * then go through JSON.stringify and cannot break out of a string or change the document's structure.
 */
export function renderJson(value: unknown, valueOf: (name: PlaceholderName) => string): unknown {
  if (typeof value === 'string') return substitute(value, valueOf);
  if (Array.isArray(value)) return value.map((item) => renderJson(item, valueOf));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [substitute(key, valueOf), renderJson(item, valueOf)]),
    );
  }
  return value;
}

/**
 * Adds the allowed-regions deny. A session policy only narrows the role, so with no policy of its own the
 * template gets an explicit allow-all first; otherwise a lone Deny would leave the session with nothing.
 * Managed session policies already grant, and an inline allow-all would widen their union, so it is skipped.
 */
export function composeSessionPolicy(rendered: JsonObject | undefined, template: Template): JsonObject | undefined {
  const regions = uniqueRegions(template.allowedRegions);
  if (regions.length === 0) return rendered;
  const guard = regionGuardStatement(regions);
  if (rendered) {
    const statements: unknown[] = Array.isArray(rendered.Statement) ? rendered.Statement : [rendered.Statement];
    return { ...rendered, Statement: [...statements, guard] };
  }
  const grants = (template.managedPolicyArns ?? []).length > 0 ? [] : [{ Effect: 'Allow', Action: '*', Resource: '*' }];
  return { Version: '2012-10-17', Statement: [...grants, guard] };
}

/** Minified session policy for one student, or undefined when the template has none. */
export function renderSessionPolicy(template: Template, ctx: RenderContext): string | undefined {
  const policy = composeSessionPolicy(
    parseTemplate(template, (name) => contextValue(ctx, name)),
    template,
  );
  if (!policy) return undefined;
  const text = JSON.stringify(policy);
  if (text.length > SESSION_POLICY_MAX_CHARS) {
    throw new TemplateRenderError(
      `Rendered session policy is ${text.length} characters; the limit is ${SESSION_POLICY_MAX_CHARS}`,
    );
  }
  if (!POLICY_CHARS.test(text)) {
    throw new TemplateRenderError('Rendered session policy contains characters AWS does not accept');
  }
  return text;
}

/** The minified policy with every placeholder at its longest ('' if none); assumes the template parses. */
export function worstCaseSessionPolicy(template: Template): string {
  const policy = composeSessionPolicy(parseTemplate(template, worstCaseValue), template);
  return policy ? JSON.stringify(policy) : '';
}

function parseTemplate(template: Template, valueOf: (name: PlaceholderName) => string): JsonObject | undefined {
  const text = template.sessionPolicyTemplate;
  if (text === undefined || text === null || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TemplateRenderError('Session policy template is not valid JSON');
  }
  return renderJson(parsed, valueOf) as JsonObject;
}

function uniqueRegions(regions: string[] | undefined): string[] {
  return [...new Set(regions ?? [])];
}
