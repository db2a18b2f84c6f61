import { randomUUID } from 'node:crypto';
import { STS_AUDIENCE, oidcProviderArn, oidcProviderKey, type IamGateway, type SessionIssuer } from '@labkeys/aws';
import type { AwsConnection } from '@labkeys/database';
import type { ExternalIdProbe } from './external-id.probe';
import { settle, type Check } from './verify-checks';

const PROBE_SESSION_NAME = 'labkeys-verify-other-tenant';
const SHORTEST_SESSION_SECONDS = 900;

/**
 * On a web identity connection the `sub` condition does what the external id does for AssumeRole: LabKeys signs
 * tokens for every tenant, so the lab role must refuse a token whose subject names another tenant. Verify signs
 * one for a tenant id that exists nowhere and expects AWS to refuse it; credentials it might get are dropped.
 */
export async function probeOtherTenant(issuer: SessionIssuer, connection: AwsConnection): Promise<ExternalIdProbe> {
  const stranger = { ...connection, tenantId: randomUUID() };
  const out = await settle(() =>
    issuer.issue(
      stranger,
      {
        RoleArn: connection.labRoleArn!,
        RoleSessionName: PROBE_SESSION_NAME,
        DurationSeconds: SHORTEST_SESSION_SECONDS,
      },
      'verify',
    ),
  );
  if (!out.error)
    return {
      refused: false,
      message: `AssumeRoleWithWebIdentity on ${connection.labRoleArn} succeeded with a token for another tenant (sub labkeys:${stranger.tenantId}:verify).`,
    };
  if (out.error.retryable) return { refused: null, code: out.error.code, message: out.error.message };
  return { refused: true, code: out.error.code, message: out.error.message };
}

/** The account's IAM OIDC provider for LabKeys' issuer exists (GetOpenIDConnectProvider) and accepts sts.amazonaws.com. */
export async function checkOidcProvider(
  iam: IamGateway,
  connection: AwsConnection,
  issuerUrl: string,
): Promise<Check & { arn: string }> {
  const arn = oidcProviderArn(connection.partition, connection.accountId, issuerUrl);
  const out = await settle(() => iam.getOpenIdConnectProvider(connection, arn));
  if (out.error) return { ok: false, arn, code: out.error.code, message: out.error.message };
  const { url, clientIds } = out.value!;
  if (oidcProviderKey(url) !== oidcProviderKey(issuerUrl))
    return {
      ok: false,
      arn,
      code: 'OidcProviderMismatch',
      message: `The provider's URL is ${url}, not LabKeys' issuer ${issuerUrl}.`,
    };
  if (!clientIds.includes(STS_AUDIENCE))
    return {
      ok: false,
      arn,
      code: 'OidcProviderAudience',
      message: `The provider's client ids (${clientIds.join(', ') || 'none'}) do not include ${STS_AUDIENCE}.`,
    };
  return { ok: true, arn };
}
