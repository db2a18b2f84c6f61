/** A policy document in a state file: a JSON object, or the JSON text itself. */
export type PolicyDocumentInput = Record<string, unknown> | string;

export interface AccessKeyState {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface UserState {
  name: string;
  path?: string;
  accessKeys?: AccessKeyState[];
  inlinePolicies?: Record<string, PolicyDocumentInput>;
  attachedPolicyArns?: string[];
  tags?: Record<string, string>;
}

export interface RoleState {
  name: string;
  path?: string;
  trustPolicy: PolicyDocumentInput;
  description?: string;
  maxSessionDuration?: number;
  inlinePolicies?: Record<string, PolicyDocumentInput>;
  attachedPolicyArns?: string[];
  tags?: Record<string, string>;
}

export interface ManagedPolicyState {
  name: string;
  path?: string;
  description?: string;
  document: PolicyDocumentInput;
}

/** An IAM OIDC provider: the issuer URL (https, or http for 127.0.0.1/localhost) and its audiences. */
export interface OidcProviderState {
  url: string;
  clientIds: string[];
  thumbprints?: string[];
  tags?: Record<string, string>;
}

export interface AccountState {
  id: string;
  users?: UserState[];
  roles?: RoleState[];
  managedPolicies?: ManagedPolicyState[];
  oidcProviders?: OidcProviderState[];
}

/** The JSON state file (`--state world.json`): the AWS world aws-local starts with. */
export interface WorldStateFile {
  accounts: AccountState[];
}
