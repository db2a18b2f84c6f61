/** In-memory IAM entities. Policy documents are kept as the JSON text the caller supplied. */
export interface IamUser {
  account: string;
  name: string;
  path: string;
  userId: string;
  arn: string;
  createDate: Date;
  inlinePolicies: Map<string, string>;
  attachedPolicyArns: string[];
  tags: Record<string, string>;
}

export interface IamRole {
  account: string;
  name: string;
  path: string;
  roleId: string;
  arn: string;
  createDate: Date;
  description?: string;
  maxSessionDuration: number;
  trustPolicy: string;
  inlinePolicies: Map<string, string>;
  attachedPolicyArns: string[];
  tags: Record<string, string>;
}

export interface ManagedPolicy {
  account: string;
  name: string;
  path: string;
  policyId: string;
  arn: string;
  description?: string;
  document: string;
  createDate: Date;
  updateDate: Date;
}

export interface LongTermKey {
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  userName: string;
}

/** An IAM OpenID Connect identity provider: the issuer a role's trust policy can name as `Federated`. */
export interface OidcProvider {
  account: string;
  /** The issuer URL with its scheme, as tokens carry it in `iss`. */
  url: string;
  /** `host[:port]/path`: what the ARN and trust-policy condition keys are built from. */
  key: string;
  arn: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Record<string, string>;
  createDate: Date;
}
