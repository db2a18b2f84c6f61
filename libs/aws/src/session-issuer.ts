import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { issuanceMetrics } from '@labkeys/metrics';
import { AwsCallError } from './aws-call.error';
import type { AwsConnectionTarget } from './aws-connection.types';
import type { AssumedRole, StsGateway } from './sts.gateway';
import { webIdentitySubject, type WebIdentityTokenSource } from './web-identity';

/** What a session needs from STS, whichever way the connection obtains it. */
export type SessionRequest = AssumeRoleCommandInput & { RoleArn: string; RoleSessionName: string };

/**
 * The one place the connection's mode decides how credentials are obtained. ASSUME_ROLE: AssumeRole with
 * LabKeys' own identity and the external id. WEB_IDENTITY: a token LabKeys signs for `labkeys:<tenant>:<subject>`
 * carrying the session tags and source identity, then AssumeRoleWithWebIdentity with the same role, session name,
 * policies and duration. Everything after (sealing, expiry, retries) treats both answers alike.
 */
export class SessionIssuer {
  constructor(
    private readonly sts: StsGateway,
    private readonly tokens: WebIdentityTokenSource | null,
  ) {}

  async issue(connection: AwsConnectionTarget, input: SessionRequest, subjectName: string): Promise<AssumedRole> {
    if (connection.mode !== 'WEB_IDENTITY')
      return issuanceMetrics.timeSts('AssumeRole', this.sts.assumeRole(connection, input));
    const token = await this.webIdentityToken(connection, subjectName, input);
    return issuanceMetrics.timeSts(
      'AssumeRoleWithWebIdentity',
      this.sts.assumeRoleWithWebIdentity(connection, {
        RoleArn: input.RoleArn,
        RoleSessionName: input.RoleSessionName,
        WebIdentityToken: token,
        ...(input.DurationSeconds !== undefined && { DurationSeconds: input.DurationSeconds }),
        ...(input.Policy !== undefined && { Policy: input.Policy }),
        ...(input.PolicyArns !== undefined && input.PolicyArns.length > 0 && { PolicyArns: input.PolicyArns }),
      }),
    );
  }

  /** A signed token for one call; exposed for verify's cross-tenant probe. */
  webIdentityToken(
    connection: AwsConnectionTarget,
    subjectName: string,
    input: Pick<AssumeRoleCommandInput, 'Tags' | 'TransitiveTagKeys' | 'SourceIdentity'> = {},
  ): Promise<string> {
    if (!this.tokens)
      throw new AwsCallError(
        'WebIdentityUnavailable',
        'This process has no OIDC issuer to sign web identity tokens.',
        null,
        false,
      );
    if (!connection.tenantId) throw new Error('A web identity connection must name its tenant');
    return this.tokens.token({
      subject: webIdentitySubject(connection.tenantId, subjectName),
      tags: input.Tags,
      transitiveTagKeys: input.TransitiveTagKeys,
      sourceIdentity: input.SourceIdentity,
    });
  }
}
