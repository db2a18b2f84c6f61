declare const tenantScopeBrand: unique symbol;

/**
 * The tenant a repository call is allowed to touch. Every tenant-owned
 * repository method takes one first, so a query without a tenant does not
 * compile. It is branded: a plain `{ tenantId }` is not a TenantScope.
 *
 * Only two places mint one (`tenantScopeOf`): the api's authentication layer,
 * from the authenticated actor, and the worker's dispatcher, from a job
 * payload that LabKeys itself wrote. Cross-tenant work (the sweep, pruning)
 * goes through repository methods named `system…` instead.
 */
export interface TenantScope {
  readonly tenantId: string;
  readonly [tenantScopeBrand]: true;
}

/** Mints the scope of one tenant. Call it only where the tenant id is trusted (see TenantScope). */
export function tenantScopeOf(tenantId: string): TenantScope {
  return Object.freeze({ tenantId }) as TenantScope;
}
