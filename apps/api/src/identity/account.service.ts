import { Injectable } from '@nestjs/common';
import { InstructorCredentialRepository, TenantRepository, UnitOfWork, type Tenant } from '@labkeys/database';
import { type InstructorActor } from '../auth/actor';
import { ValidationProblemException } from '../common/problem';
import { AttemptLimiter } from './attempt-limiter';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from './passwords';
import { SignInLockout } from './sign-in-lockout';
import { scopeOf, WebSessions, type CurrentSession } from './web-sessions.service';

/** The signed-in instructor's password, and the tenant's sign-in settings. */
@Injectable()
export class AccountService {
  constructor(
    private readonly credentials: InstructorCredentialRepository,
    private readonly tenants: TenantRepository,
    private readonly passwords: PasswordHasher,
    private readonly limiter: AttemptLimiter,
    private readonly sessions: WebSessions,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly lockout: SignInLockout,
  ) {}

  /** Checks the current password (counted like a sign-in), sets the new one and ends the account's other sessions. */
  async changePassword(
    { live }: CurrentSession,
    input: { currentPassword: string; newPassword: string },
  ): Promise<void> {
    const scope = scopeOf(live);
    const bucket = { kind: 'account' as const, email: live.email };
    await this.limiter.assertAllowed([bucket]);
    const credential = await this.credentials.find(scope, live.instructorId);
    if (!credential || !(await this.passwords.verify(credential.passwordHash, input.currentPassword))) {
      await this.limiter.recordFailure([bucket]);
      throw new ValidationProblemException([
        { field: 'currentPassword', message: 'The current password is not right.' },
      ]);
    }
    const passwordHash = await this.passwords.hash(input.newPassword);
    await this.uow.run(async (tx) => {
      await this.credentials.setPassword(scope, live.instructorId, passwordHash, tx);
      const ended = await this.sessions.endAllOf(scope, live.instructorId, live.id, tx);
      await this.audit.record(
        scope,
        {
          action: 'instructor.password-changed',
          subjectType: 'instructor',
          subjectId: live.instructorId,
          summary: { sessionsEnded: ended },
        },
        tx,
      );
    });
  }

  async tenant(me: InstructorActor): Promise<TenantView> {
    return toView((await this.tenants.find(me.scope))!);
  }

  /** The tenant's sign-in settings; turning password sign-in off is refused while it would lock the owner out. */
  async updateSignIn(
    me: InstructorActor,
    changes: { mfaRequired?: boolean; passwordSignIn?: boolean; trustProviderMfa?: boolean },
  ): Promise<TenantView> {
    const scope = me.scope;
    return this.uow.run(async (tx) => {
      const tenant = await this.tenants.updateSignIn(scope, changes, tx);
      if (changes.passwordSignIn === false) await this.lockout.assertOwnerCanSignIn(me, tx);
      await this.audit.record(
        scope,
        { action: 'tenant.updated', subjectType: 'tenant', subjectId: tenant.id, summary: { ...changes } },
        tx,
      );
      return toView(tenant);
    });
  }
}

export interface TenantView {
  id: string;
  name: string;
  mfaRequired: boolean;
  passwordSignIn: boolean;
  trustProviderMfa: boolean;
}

const toView = (tenant: Tenant): TenantView => ({
  id: tenant.id,
  name: tenant.name,
  mfaRequired: tenant.mfaRequired,
  passwordSignIn: tenant.passwordSignIn,
  trustProviderMfa: tenant.trustProviderMfa,
});
