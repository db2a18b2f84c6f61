import type { Backend } from '../backend';
import { parsePolicy, policySizeWithoutWhitespace, PolicyGrammarError } from '../authz/policy-parser';
import { AwsError, malformedPolicy, validationError } from '../errors';
import type { ConstraintCollector } from '../validation';

const POLICY_PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+';
// Session policies (inline and managed) share 2,048 plaintext characters, whitespace not counted.
const PACKED_POLICY_LIMIT = 2048;

/** Model constraints on `Policy` and `PolicyArns`, shared by AssumeRole and AssumeRoleWithWebIdentity. */
export function checkSessionPolicyParams(
  c: ConstraintCollector,
  policy: string | undefined,
  policyArns: string[] | undefined,
): void {
  c.length(policy, 'policy', 1);
  c.pattern(policy, 'policy', POLICY_PATTERN);
  c.listLength(policyArns, 'policyArns', 10);
  (policyArns ?? []).forEach((arn, i) => c.length(arn, `policyArns.${i + 1}.member.arn`, 20, 2048));
}

/** An inline session policy must follow IAM's grammar; MalformedPolicyDocument otherwise. */
export function requireSessionPolicyGrammar(policy: string | undefined): void {
  if (policy === undefined) return;
  try {
    parsePolicy(policy, 'identity');
  } catch (e) {
    if (e instanceof PolicyGrammarError) throw malformedPolicy(e.message);
    throw e;
  }
}

/**
 * Percentage of the packed-policy allowance the session policies use; PackedPolicyTooLarge above 100.
 * Reported (undefined otherwise) when the session has session policies or tags.
 */
export function packedPolicySize(
  backend: Backend,
  policy: string | undefined,
  policyArns: string[],
  hasTags: boolean,
): number | undefined {
  if (policy === undefined && policyArns.length === 0 && !hasTags) return undefined;
  let chars = policy === undefined ? 0 : policySizeWithoutWhitespace(policy);
  for (const arn of policyArns) {
    const managed = backend.world.getPolicy(arn);
    if (!managed) throw validationError(`Policy ${arn} does not exist or is not attachable.`);
    chars += policySizeWithoutWhitespace(managed.document);
  }
  const percent = Math.ceil((chars * 100) / PACKED_POLICY_LIMIT);
  if (percent > 100) {
    throw new AwsError(
      'PackedPolicyTooLarge',
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
      400,
    );
  }
  return percent;
}
