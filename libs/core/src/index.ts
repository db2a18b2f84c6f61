export { issueApiToken, type IssuedApiToken } from './tenants/api-tokens';
export { createTenant, type CreatedTenant } from './tenants/create-tenant.use-case';
