import { AwsError } from '../errors';
import { listParam } from '../query-context';
import { ConstraintCollector, intParam } from '../validation';
import { SESSION_NAME_PATTERN } from './assume-role-params';
import { checkSessionPolicyParams, requireSessionPolicyGrammar } from './session-policy';

export interface WebIdentityInput {
  roleArn: string;
  roleSessionName: string;
  webIdentityToken: string;
  durationSeconds: number;
  policy?: string;
  policyArns: string[];
}

/**
 * Reads AssumeRoleWithWebIdentity parameters with the STS model's constraints. There are no Tags or
 * SourceIdentity parameters: they come from the token's claims.
 */
export function readWebIdentityParams(params: Map<string, string>): WebIdentityInput {
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const token = params.get('WebIdentityToken');
  const providerId = params.get('ProviderId');
  const durationSeconds = intParam(params.get('DurationSeconds'), 'DurationSeconds');
  const policy = params.get('Policy');
  const policyArns = listParam(params, 'PolicyArns', 'arn');

  const c = new ConstraintCollector();
  if (c.required(roleArn, 'roleArn')) c.length(roleArn, 'roleArn', 20, 2048);
  if (c.required(roleSessionName, 'roleSessionName')) {
    c.length(roleSessionName, 'roleSessionName', 2, 64);
    c.pattern(roleSessionName, 'roleSessionName', SESSION_NAME_PATTERN);
  }
  // The token is a credential: AWS reports its constraint failures without echoing it.
  if (c.required(token, 'webIdentityToken')) c.length(token, 'webIdentityToken', 4, 20000, true);
  c.length(providerId, 'providerId', 4, 2048);
  c.range(durationSeconds, 'durationSeconds', 900, 43200);
  checkSessionPolicyParams(c, policy, policyArns);
  c.throwIfAny();
  if (providerId !== undefined) {
    // ProviderId names an OAuth 2.0 provider (www.amazon.com, graph.facebook.com); aws-local serves OIDC only.
    throw new AwsError(
      'InvalidParameterValue',
      'ProviderId is only for OAuth 2.0 access tokens; omit it for an OpenID Connect ID token.',
      400,
    );
  }
  requireSessionPolicyGrammar(policy);
  return {
    roleArn: roleArn as string,
    roleSessionName: roleSessionName as string,
    webIdentityToken: token as string,
    durationSeconds: durationSeconds ?? 3600,
    policy,
    policyArns: policyArns ?? [],
  };
}
