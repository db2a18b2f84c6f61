/** IAM policy documents a tenant's AWS administrator creates so LabKeys can issue and revoke sessions. */
// A type alias (not an interface) so documents fit wherever plain JSON objects are expected.
export type PolicyDocument = {
  Version: '2012-10-17';
  Statement: Array<Record<string, unknown>>;
};

/** Everything issuance does on the lab role: assume it, tag the session, set the student's source identity. */
export const LAB_ROLE_TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] as const;

/** Revocation writes deny statements into an inline policy of the lab role; verification reads its limits. */
export const MANAGEMENT_ACTIONS = ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'] as const;

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

/** What the management role may do, limited to the lab role(s) of the connection. */
export function managementRolePolicy(labRoleArns: string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LabKeysRevokesSessions',
        Effect: 'Allow',
        Action: [...MANAGEMENT_ACTIONS],
        Resource: labRoleArns.length === 1 ? labRoleArns[0] : [...labRoleArns],
      },
    ],
  };
}
