import { ConflictException, Injectable } from '@nestjs/common';
import { IdentityProviderRepository, InstructorRepository, TenantRepository, type Tx } from '@labkeys/database';
import type { InstructorActor } from '../auth/actor';

/** The owner changing sign-in must keep a way in: with password sign-in off, an SSO provider that admits them. */
@Injectable()
export class SignInLockout {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly instructors: InstructorRepository,
    private readonly providers: IdentityProviderRepository,
  ) {}

  /** Checked inside the change's transaction, after it: refused (409) when the owner would be locked out. */
  async assertOwnerCanSignIn(me: InstructorActor, tx: Tx): Promise<void> {
    const tenant = await this.tenants.find(me.scope, tx);
    if (!tenant || tenant.passwordSignIn) return;
    const owner = await this.instructors.findById(me.scope, me.instructorId, tx);
    if (!owner || (await this.providers.countInstructorProvidersFor(me.scope, owner.email, tx)) > 0) return;
    throw new ConflictException({
      detail: `Password sign-in is off for this tenant: keep an enabled identity provider for instructors that admits ${owner.email}, or turn password sign-in on first.`,
      code: 'sign_in_lockout',
    });
  }
}
