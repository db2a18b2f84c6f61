/** IAM policy documents a tenant's AWS administrator creates so LabKeys can issue and revoke sessions. */
// A type alias (not an interface) so documents fit wherever plain JSON objects are expected.
export type PolicyDocument = {
  Version: '2012-10-17';
  Statement: Array<Record<string, unknown>>;
};

/** Everything issuance does on the lab role: assume it, tag the session, set the student's source identity. */
export const LAB_ROLE_TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] as const;

/** Revocation writes deny statements into an inline policy of the lab role; verification reads its limits. */
export const MANAGEMENT_ACTIONS = [
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:ListRolePolicies',
] as const;

/**
 * The lab role's trust policy: only LabKeys' principal, and only with this connection's external id, so no
 * other LabKeys tenant can be tricked into using the role (the confused-deputy problem).
 */
export function labRoleTrustPolicy(labkeysPrincipalArn: string, externalId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LabKeysIssuesStudentSessions',
        Effect: 'Allow',
        Principal: { AWS: labkeysPrincipalArn },
        Action: [...LAB_ROLE_TRUST_ACTIONS],
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}

/** The management role's trust: the same principal and external id, AssumeRole only. */
export function managementRoleTrustPolicy(labkeysPrincipalArn: string, externalId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LabKeysManagesLabRoles',
        Effect: 'Allow',
        Principal: { AWS: labkeysPrincipalArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}

/**
 * What the management role may do, limited to the lab role(s) of the connection; on a web identity connection
 * also reading LabKeys' OIDC provider, which verify checks trusts the issuer.
 */
export function managementRolePolicy(labRoleArns: string[], oidcProviderArn?: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LabKeysRevokesSessions',
        Effect: 'Allow',
        Action: [...MANAGEMENT_ACTIONS],
        Resource: labRoleArns.length === 1 ? labRoleArns[0] : [...labRoleArns],
      },
      ...(oidcProviderArn
        ? [
            {
              Sid: 'LabKeysChecksItsProvider',
              Effect: 'Allow',
              Action: 'iam:GetOpenIDConnectProvider',
              Resource: oidcProviderArn,
            },
          ]
        : []),
    ],
  };
}

/** Everything issuance does on the lab role through web identity: the token carries the tags and source identity. */
export const LAB_ROLE_WEB_IDENTITY_TRUST_ACTIONS = [
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
  'sts:SetSourceIdentity',
] as const;

/** `host/path` of an issuer URL: the provider's name in its ARN and in trust-policy condition keys. */
export function oidcProviderKey(issuerUrl: string): string {
  return issuerUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

export function oidcProviderArn(partition: string, accountId: string, issuerUrl: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${oidcProviderKey(issuerUrl)}`;
}

function webIdentityTrust(
  sid: string,
  providerArn: string,
  issuerUrl: string,
  actions: string | string[],
  subject: string,
): PolicyDocument {
  const key = oidcProviderKey(issuerUrl);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: actions,
        Condition: { StringEquals: { [`${key}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${key}:sub`]: subject } },
      },
    ],
  };
}

/**
 * The lab role's trust on a web identity connection: LabKeys' OIDC provider, and only subjects of this tenant
 * (`labkeys:<tenant id>:*`), so a token LabKeys signs for another tenant is refused by this account.
 */
export function labRoleWebIdentityTrustPolicy(
  providerArn: string,
  issuerUrl: string,
  tenantId: string,
): PolicyDocument {
  return webIdentityTrust(
    'LabKeysIssuesStudentSessions',
    providerArn,
    issuerUrl,
    [...LAB_ROLE_WEB_IDENTITY_TRUST_ACTIONS],
    `labkeys:${tenantId}:*`,
  );
}

/** The management role's trust: the same provider, only this tenant's management subject. */
export function managementRoleWebIdentityTrustPolicy(
  providerArn: string,
  issuerUrl: string,
  tenantId: string,
): PolicyDocument {
  return webIdentityTrust(
    'LabKeysManagesLabRoles',
    providerArn,
    issuerUrl,
    'sts:AssumeRoleWithWebIdentity',
    `labkeys:${tenantId}:management`,
  );
}
