import { AwsError } from '../errors';
import { listParam } from '../query-context';
import { ConstraintCollector, intParam } from '../validation';
import { checkSessionPolicyParams, requireSessionPolicyGrammar } from './session-policy';

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  externalId?: string;
  policy?: string;
  policyArns: string[];
  tags: Array<{ key: string; value: string }>;
  transitiveTagKeys: string[];
  sourceIdentity?: string;
}

// Patterns as the STS model (and so AWS's messages) spell them.
export const SESSION_NAME_PATTERN = '[\\w+=,.@-]*';
const EXTERNAL_ID_PATTERN = '[\\w+=,.@:\\/-]*';
const TAG_KEY_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+';
const TAG_VALUE_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';
const SERIAL_PATTERN = '[\\w+=/:,.@-]*';
const TOKEN_CODE_PATTERN = '[\\d]*';

const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterValue', message, 400);

/** Reads AssumeRole parameters and applies the STS model constraints and cross-parameter rules. */
export function readAssumeRoleParams(params: Map<string, string>): AssumeRoleInput {
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const durationSeconds = intParam(params.get('DurationSeconds'), 'DurationSeconds');
  const externalId = params.get('ExternalId');
  const policy = params.get('Policy');
  const policyArns = listParam(params, 'PolicyArns', 'arn');
  const tagKeys = listParam(params, 'Tags', 'Key');
  const transitiveTagKeys = listParam(params, 'TransitiveTagKeys');
  const sourceIdentity = params.get('SourceIdentity');
  const serialNumber = params.get('SerialNumber');
  const tokenCode = params.get('TokenCode');

  const tags = (tagKeys ?? []).map((key, i) => ({ key, value: params.get(`Tags.member.${i + 1}.Value`) ?? '' }));

  const c = new ConstraintCollector();
  if (c.required(roleArn, 'roleArn')) c.length(roleArn, 'roleArn', 20, 2048);
  if (c.required(roleSessionName, 'roleSessionName')) {
    c.length(roleSessionName, 'roleSessionName', 2, 64);
    c.pattern(roleSessionName, 'roleSessionName', SESSION_NAME_PATTERN);
  }
  c.range(durationSeconds, 'durationSeconds', 900, 43200);
  c.length(externalId, 'externalId', 2, 1224);
  c.pattern(externalId, 'externalId', EXTERNAL_ID_PATTERN);
  checkSessionPolicyParams(c, policy, policyArns);
  c.listLength(tagKeys, 'tags', 50);
  tags.forEach((t, i) => {
    c.length(t.key, `tags.${i + 1}.member.key`, 1, 128);
    c.pattern(t.key, `tags.${i + 1}.member.key`, TAG_KEY_PATTERN, 'u');
    c.length(t.value, `tags.${i + 1}.member.value`, 0, 256);
    c.pattern(t.value, `tags.${i + 1}.member.value`, TAG_VALUE_PATTERN, 'u');
  });
  c.listLength(transitiveTagKeys, 'transitiveTagKeys', 50);
  (transitiveTagKeys ?? []).forEach((k, i) => {
    c.length(k, `transitiveTagKeys.${i + 1}.member`, 1, 128);
    c.pattern(k, `transitiveTagKeys.${i + 1}.member`, TAG_KEY_PATTERN, 'u');
  });
  c.length(sourceIdentity, 'sourceIdentity', 2, 64);
  // The pattern has no ':', which also keeps out the reserved `aws:` prefix.
  c.pattern(sourceIdentity, 'sourceIdentity', SESSION_NAME_PATTERN);
  c.length(serialNumber, 'serialNumber', 9, 256);
  c.pattern(serialNumber, 'serialNumber', SERIAL_PATTERN);
  c.length(tokenCode, 'tokenCode', 6, 6);
  c.pattern(tokenCode, 'tokenCode', TOKEN_CODE_PATTERN);
  c.throwIfAny();

  const seen = new Set<string>();
  for (const t of tags) {
    const lower = t.key.toLowerCase();
    if (seen.has(lower))
      throw invalidParameter('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(lower);
  }
  for (const k of transitiveTagKeys ?? []) {
    if (!seen.has(k.toLowerCase())) {
      throw invalidParameter('The specified transitive tag key must be included in the requested tags.');
    }
  }
  requireSessionPolicyGrammar(policy);
  return {
    roleArn: roleArn as string,
    roleSessionName: roleSessionName as string,
    durationSeconds: durationSeconds ?? 3600,
    externalId,
    policy,
    policyArns: policyArns ?? [],
    tags,
    transitiveTagKeys: transitiveTagKeys ?? [],
    sourceIdentity,
  };
}
