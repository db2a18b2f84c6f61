export { issueApiToken, type IssuedApiToken } from './tenants/api-tokens';
export { createTenant, type CreatedTenant, type TenantStores } from './tenants/create-tenant.use-case';
export { AuditWriter, SystemAuditWriter, type AuditEntry } from './audit/audit-writer';
export { SessionSecrets, type SessionSecret, type SealedSessionSecret } from './sealing/session-secrets';
export { LabSessionsService, type RefusedStartResult, type StartLabResult } from './labs/lab-sessions.service';
export * from './errors';
export { CallerIdentityCache } from './aws/caller-identity.cache';
export {
  effectiveMaxSessionSeconds,
  exceedsRoleChainingCap,
  issuedDurationSeconds,
  ROLE_CHAINING_MAX_SECONDS,
  type SessionLimits,
} from './aws/role-chaining';
export {
  RevocationRequestsService,
  type RevocationResult,
  type EndLabResult,
} from './revocation/revocation-requests.service';
export { revokeLiveSessions, type RevokeOutcome } from './revocation/revoke-sessions';
export {
  buildRevocationPolicy,
  iamPolicySize,
  partitionByExpiry,
  revocationPolicyName,
  ROLE_INLINE_BUDGET,
  type PolicyEntry,
} from './revocation/revocation-policy.builder';
export { LabContextCache, type LabContext } from './labs/lab-context.cache';
export { AccessLinkSecrets } from './sealing/access-link-secrets';
export { TotpSecrets } from './sealing/totp-secrets';
export { IdentityProviderSecrets } from './sealing/identity-provider-secrets';
export {
  InvitationIssuer,
  INVITATION_LIFETIME_MS,
  invitationTokenHash,
  type IssuedInvitation,
} from './identity/invitation-issuer';
export { CORE_REDIS, CoreModule, type CoreModuleOptions } from './core.module';
