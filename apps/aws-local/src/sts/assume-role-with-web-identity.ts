import type { Backend } from '../backend';
import { accessDenied, validationError } from '../errors';
import type { UnsignedQueryContext } from '../query-context';
import { parseIamArn } from '../world/iam-world';
import { issueRoleSession } from './role-session';
import { packedPolicySize } from './session-policy';
import { webIdentityResultXml } from './sts-xml';
import { authorizeWebIdentity } from './web-identity-authorization';
import { readWebIdentityParams } from './web-identity-params';
import { verifyWebIdentityToken } from './web-identity-token';

/**
 * AssumeRoleWithWebIdentity: unsigned; the OIDC token is the caller's proof of identity. Credentials
 * are issued like AssumeRole's (session policies, tags, source identity, expiry), so they authorise,
 * revoke and federate to the console the same way.
 */
export async function assumeRoleWithWebIdentity(backend: Backend, ctx: UnsignedQueryContext): Promise<string> {
  const input = readWebIdentityParams(ctx.params);
  if (!/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+$/.test(input.roleArn)) throw validationError('Request ARN is invalid');
  const role = backend.world.getRoleByArn(input.roleArn);
  // The provider is looked up in the role's account; an ARN that names no IAM role is refused outright.
  const account = role?.account ?? parseIamArn(input.roleArn)?.account;
  if (account === undefined) throw accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
  const identity = await verifyWebIdentityToken(backend, account, input.webIdentityToken);
  authorizeWebIdentity(backend, role, identity, input, ctx.region);
  if (input.durationSeconds > role.maxSessionDuration) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const packed = packedPolicySize(backend, input.policy, input.policyArns, Object.keys(identity.tags).length > 0);
  const session = issueRoleSession(backend, role, {
    sessionName: input.roleSessionName,
    durationSeconds: input.durationSeconds,
    callerArn: identity.provider.arn,
    chained: false,
    tags: identity.tags,
    transitiveTagKeys: identity.transitiveTagKeys,
    sourceIdentity: identity.sourceIdentity,
    sessionPolicy: input.policy,
    policyArns: input.policyArns,
    webIdentity: {
      providerArn: identity.provider.arn,
      issuer: identity.issuer,
      subject: identity.subject,
      audience: identity.audience,
    },
  });
  return webIdentityResultXml(session, packed);
}
