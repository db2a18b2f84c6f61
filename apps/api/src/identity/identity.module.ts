import { Global, Module } from '@nestjs/common';
import { InvitationIssuer, TotpSecrets } from '@labkeys/core';
import { InstructorsModule } from '../instructors/instructors.module';
import { SsoModule } from '../sso/sso.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { AttemptLimiter } from './attempt-limiter';
import { AuthController } from './auth.controller';
import { InvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { MfaService } from './mfa.service';
import { PasswordHasher } from './passwords';
import { SignInLockout } from './sign-in-lockout';
import { SignInService } from './sign-in.service';
import { TenantController } from './tenant.controller';
import { WebSessions } from './web-sessions.service';

/** Opening and ending dashboard sessions, for the auth guard and instructor management. */
@Global()
@Module({ providers: [WebSessions], exports: [WebSessions] })
export class WebSessionsModule {}

/** Instructor sign-in for the dashboard: passwords, TOTP, invitations and cookie sessions (the auth guard opens them). */
@Module({
  imports: [WebSessionsModule, InstructorsModule, SsoModule],
  controllers: [AuthController, AccountController, InvitationsController, TenantController],
  providers: [
    SignInService,
    MfaService,
    InvitationsService,
    AccountService,
    PasswordHasher,
    AttemptLimiter,
    TotpSecrets,
    InvitationIssuer,
    SignInLockout,
  ],
})
export class IdentityModule {}
