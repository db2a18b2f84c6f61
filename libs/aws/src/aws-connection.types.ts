/**
 * What the gateways need to know about a tenant's AWS connection. A Prisma `AwsConnection` row fits as is;
 * the worker can pass the row it already read.
 */
export interface AwsConnectionTarget {
  /** Names the tenant in web identity subjects (`labkeys:<tenant>:…`). */
  tenantId?: string;
  /** How LabKeys obtains credentials on this connection; ASSUME_ROLE when unset. */
  mode?: 'ASSUME_ROLE' | 'WEB_IDENTITY';
  accountId: string;
  region: string;
  partition: string;
  externalId: string;
  /** aws-local in development and tests; unset in production, where the SDK resolves real AWS endpoints. */
  endpointOverride?: string | null;
  /** Role LabKeys assumes for IAM calls (revocation); LabKeys' own identity is used when unset. */
  managementRoleArn?: string | null;
}

/** Temporary credentials as issued by STS; callers seal them at once and never log them. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}
