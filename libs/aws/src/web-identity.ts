import type { Tag } from '@aws-sdk/client-sts';

/** The audience AWS STS expects in tokens, and the client id of the IAM OIDC provider. */
export const STS_AUDIENCE = 'sts.amazonaws.com';

/** The subject of the management role's tokens: `labkeys:<tenant>:management`. */
export const MANAGEMENT_SUBJECT = 'management';

/**
 * `labkeys:<tenant id>:<name>`: every subject names its tenant, so a school's trust policy
 * (`StringLike <issuer>:sub = labkeys:<its tenant id>:*`) admits no other tenant's tokens.
 */
export function webIdentitySubject(tenantId: string, name: string): string {
  return `labkeys:${tenantId}:${name}`;
}

export interface WebIdentityTokenRequest {
  subject: string;
  /** Session tags, carried as the token's `https://aws.amazon.com/tags` claim. */
  tags?: Tag[];
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
}

/** Signs the identity tokens AssumeRoleWithWebIdentity presents (LabKeys' own OIDC issuer, libs/oidc). */
export interface WebIdentityTokenSource {
  token(request: WebIdentityTokenRequest): Promise<string>;
}

/** Nest injection token of the WebIdentityTokenSource (provided by the OidcModule). */
export const WEB_IDENTITY_TOKEN_SOURCE = Symbol('WebIdentityTokenSource');
