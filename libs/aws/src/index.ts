export { AwsCallError, awsCall, classifyAwsError } from './aws-call.error';
export { AwsClientsFactory } from './aws-clients.factory';
export type { AwsClientOptions, CredentialsOption } from './aws-clients.factory';
export type { AwsConnectionTarget, TemporaryCredentials } from './aws-connection.types';
export { StsGateway } from './sts.gateway';
export type { AssumedRole, CallerIdentity } from './sts.gateway';
export { SessionIssuer } from './session-issuer';
export type { SessionRequest } from './session-issuer';
export { MANAGEMENT_SUBJECT, STS_AUDIENCE, WEB_IDENTITY_TOKEN_SOURCE, webIdentitySubject } from './web-identity';
export type { WebIdentityTokenRequest, WebIdentityTokenSource } from './web-identity';
export { IamGateway } from './iam.gateway';
export type { IamGatewayOptions, OidcProviderInfo, RoleInfo } from './iam.gateway';
export { ConsoleLinkMinter } from './console-link.minter';
export type { ConsoleLinkMinterOptions, MintConsoleLinkInput } from './console-link.minter';
export { PARTITIONS, defaultConsoleDestination, federationEndpointFor, isPartition } from './partition.util';
export type { Partition } from './partition.util';
export { assumedRoleName, isAssumedRoleArn, parseRoleArn, roleArn } from './arn.util';
export type { RoleArnParts } from './arn.util';
export { AwsModule } from './aws.module';
export {
  LAB_ROLE_TRUST_ACTIONS,
  LAB_ROLE_WEB_IDENTITY_TRUST_ACTIONS,
  MANAGEMENT_ACTIONS,
  labRoleTrustPolicy,
  labRoleWebIdentityTrustPolicy,
  managementRolePolicy,
  managementRoleWebIdentityTrustPolicy,
  oidcProviderArn,
  oidcProviderKey,
  managementRoleTrustPolicy,
} from './setup-policy.builder';
export type { PolicyDocument } from './setup-policy.builder';
