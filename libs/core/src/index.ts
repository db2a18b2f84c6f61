export { issueApiToken, type IssuedApiToken } from './tenants/api-tokens';
export { createTenant, type CreatedTenant } from './tenants/create-tenant.use-case';
export { AuditWriter, SystemAuditWriter, type AuditEntry } from './audit/audit-writer';
export { SessionSecrets, type SessionSecret, type SealedSessionSecret } from './sealing/session-secrets';
export { LabSessionsService, type StartLabResult } from './labs/lab-sessions.service';
export { CallerIdentityCache } from './aws/caller-identity.cache';
