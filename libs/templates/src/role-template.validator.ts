import {
  POLICY_MAX_DEPTH,
  MAX_DURATION_SECONDS,
  MAX_MANAGED_POLICY_ARNS,
  MIN_DURATION_SECONDS,
  POLICY_CHARS,
  REGION_PATTERN,
  SESSION_POLICY_MAX_CHARS,
} from './aws-limits.constants';
import { fieldPath } from './field-path.util';
import { bundledIamActionCatalog, checkActions } from './iam-action.catalog';
import type { IamActionCatalog } from './iam-action.catalog';
import { exceedsJsonDepth } from './json-depth.util';
import { validatePolicyGrammar } from './policy-grammar.validator';
import { validateSessionTags } from './session-tags.validator';
import { worstCaseSessionPolicy } from './session-policy.renderer';
import type { RoleTemplateInput, TemplateViolation, ValidateRoleTemplateOptions } from './role-template.types';

const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:[\u0021-\u007e]{0,510}\/)?[\w+=,.@-]{1,64}$/;
const POLICY_ARN = /^arn:aws(?:-[a-z]+)*:iam::(?:\d{12}|aws):policy\/(?:[\u0021-\u007e]*\/)?[\w+=,.@-]{1,128}$/;
const LOCAL_HOSTS = /^(?:localhost|.+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
/** A garbage template must not produce a megabyte of violations (each names its field; the first are enough). */
export const MAX_REPORTED_VIOLATIONS = 100;

/**
 * Every problem in a role template, each naming the field. Async because action names are looked up in the
 * bundled IAM catalogue, which loads per service on demand.
 */
export async function validateRoleTemplate(
  input: RoleTemplateInput,
  opts: ValidateRoleTemplateOptions = {},
  catalog: IamActionCatalog = bundledIamActionCatalog,
): Promise<TemplateViolation[]> {
  const violations: TemplateViolation[] = [
    ...validateRoleArn(input.roleArn, opts),
    ...validateDuration(input.durationSeconds, opts.maxSessionDuration),
    ...validateManagedPolicyArns(input.managedPolicyArns),
    ...validateSessionTags(input),
    ...validateConsoleDestination(input.consoleDestination),
    ...validateAllowedRegions(input.allowedRegions),
  ];
  const policy = await validateSessionPolicy(input, catalog);
  violations.push(...policy);
  return violations.slice(0, MAX_REPORTED_VIOLATIONS);
}

function validateRoleArn(roleArn: unknown, opts: ValidateRoleTemplateOptions): TemplateViolation[] {
  const fail = (message: string) => [{ field: 'roleArn', message }];
  if (typeof roleArn !== 'string' || roleArn.length < 20 || roleArn.length > 2048) {
    return fail('Role ARN must be 20-2048 characters');
  }
  const match = ROLE_ARN.exec(roleArn);
  if (!match) return fail('Role ARN must look like arn:aws:iam::123456789012:role/path/RoleName');
  if (opts.accountId !== undefined && match[2] !== opts.accountId) {
    return fail(`Role must be in the connection's account ${opts.accountId}, not ${match[2]}`);
  }
  if (opts.partition !== undefined && match[1] !== opts.partition) {
    return fail(`Role must be in the connection's partition "${opts.partition}", not "${match[1]}"`);
  }
  return [];
}

function validateDuration(duration: unknown, maxSessionDuration: number | undefined): TemplateViolation[] {
  const fail = (message: string) => [{ field: 'durationSeconds', message }];
  if (typeof duration !== 'number' || !Number.isInteger(duration))
    return fail('Duration must be a whole number of seconds');
  if (duration < MIN_DURATION_SECONDS || duration > MAX_DURATION_SECONDS) {
    return fail(`Duration must be between ${MIN_DURATION_SECONDS} and ${MAX_DURATION_SECONDS} seconds`);
  }
  if (maxSessionDuration !== undefined && duration > maxSessionDuration) {
    return fail(`Duration exceeds the role's maximum session duration of ${maxSessionDuration} seconds`);
  }
  return [];
}

function validateManagedPolicyArns(arns: unknown): TemplateViolation[] {
  if (arns === undefined || arns === null) return [];
  if (!Array.isArray(arns)) return [{ field: 'managedPolicyArns', message: 'Must be an array of policy ARNs' }];
  const violations: TemplateViolation[] = [];
  if (arns.length > MAX_MANAGED_POLICY_ARNS) {
    violations.push({ field: 'managedPolicyArns', message: `At most ${MAX_MANAGED_POLICY_ARNS} managed policy ARNs` });
  }
  arns.forEach((arn, index) => {
    if (typeof arn !== 'string' || arn.length < 20 || arn.length > 2048 || !POLICY_ARN.test(arn)) {
      violations.push({
        field: fieldPath('managedPolicyArns', index),
        message: 'Must be a policy ARN (20-2048 characters) like arn:aws:iam::aws:policy/ReadOnlyAccess',
      });
    }
  });
  return violations;
}

function validateConsoleDestination(destination: unknown): TemplateViolation[] {
  if (destination === undefined || destination === null) return [];
  const fail = [{ field: 'consoleDestination', message: 'Must be an https URL (http only for localhost)' }];
  if (typeof destination !== 'string') return fail;
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return fail;
  }
  if (url.protocol === 'https:') return [];
  return url.protocol === 'http:' && LOCAL_HOSTS.test(url.hostname) ? [] : fail;
}

function validateAllowedRegions(regions: unknown): TemplateViolation[] {
  if (regions === undefined || regions === null) return [];
  if (!Array.isArray(regions)) return [{ field: 'allowedRegions', message: 'Must be an array of region names' }];
  return regions.flatMap((region, index) =>
    typeof region === 'string' && REGION_PATTERN.test(region)
      ? []
      : [{ field: fieldPath('allowedRegions', index), message: 'Must be a region name like us-east-1' }],
  );
}

async function validateSessionPolicy(
  input: RoleTemplateInput,
  catalog: IamActionCatalog,
): Promise<TemplateViolation[]> {
  const field = 'sessionPolicyTemplate';
  const text = input.sessionPolicyTemplate;
  const hasText = typeof text === 'string' && text.trim() !== '';
  if (text !== undefined && text !== null && typeof text !== 'string') {
    return [{ field, message: 'Session policy template must be JSON text' }];
  }
  const violations: TemplateViolation[] = [];
  if (hasText) {
    if (!POLICY_CHARS.test(text)) {
      violations.push({ field, message: 'Session policy may only contain tab, newline and characters U+0020-U+00FF' });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return [...violations, { field, message: `Session policy is not valid JSON: ${(error as Error).message}` }];
    }
    if (exceedsJsonDepth(parsed, POLICY_MAX_DEPTH)) {
      return [
        ...violations,
        { field, message: `Session policy nests deeper than ${POLICY_MAX_DEPTH} levels; IAM policies never do` },
      ];
    }
    const grammar = validatePolicyGrammar(parsed, field);
    violations.push(...grammar.violations, ...(await checkActions(grammar.actions, catalog)));
    // Sizing substitutes every placeholder, so it needs them all known and a well-formed document.
    if (grammar.violations.length > 0) return violations;
  }
  const regions = Array.isArray(input.allowedRegions) ? input.allowedRegions : [];
  if (!hasText && regions.length === 0) return violations;
  if (validateAllowedRegions(input.allowedRegions).length > 0) return violations;
  const worstCase = worstCaseSessionPolicy(input);
  // JSON escapes such as \u2603 pass the raw-text check but come out as characters AWS refuses.
  if (hasText && POLICY_CHARS.test(text) && !POLICY_CHARS.test(worstCase)) {
    violations.push({ field, message: 'Session policy renders characters outside U+0020-U+00FF' });
  }
  const length = worstCase.length;
  if (length > SESSION_POLICY_MAX_CHARS) {
    violations.push({
      field: hasText ? field : 'allowedRegions',
      message: `Session policy can render to ${length} characters (placeholders at their longest, whitespace removed${
        regions.length > 0 ? ', allowed-regions deny included' : ''
      }); the limit is ${SESSION_POLICY_MAX_CHARS}`,
    });
  }
  return violations;
}
