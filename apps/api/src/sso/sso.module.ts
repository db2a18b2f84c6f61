import { Module } from '@nestjs/common';
import { IdentityProviderSecrets } from '@labkeys/core';
import { MeModule } from '../me/me.module';
import { SignInLockout } from '../identity/sign-in-lockout';
import { IdentityProvidersController } from './identity-providers.controller';
import { IdentityProvidersService } from './identity-providers.service';
import { OpenIdRelyingParty } from './openid-relying-party';
import { SsoController } from './sso.controller';
import { SsoFlowService } from './sso-flow.service';

/** School sign-in (OpenID Connect): the tenant's identity providers, and LabKeys as their relying party. */
@Module({
  imports: [MeModule],
  controllers: [IdentityProvidersController, SsoController],
  providers: [IdentityProvidersService, IdentityProviderSecrets, OpenIdRelyingParty, SsoFlowService, SignInLockout],
  exports: [SsoFlowService],
})
export class SsoModule {}
