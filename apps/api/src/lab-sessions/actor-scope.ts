import { tenantScopeOf, type TenantScope } from '@labkeys/database';
import type { Actor } from '../auth/actor';

/** The tenant an authenticated actor may touch. */
export function scopeOf(actor: Actor): TenantScope {
  // To read `actor.scope` once the authentication layer puts the TenantScope on the actor.
  return tenantScopeOf(actor.tenantId);
}
