import { Module } from '@nestjs/common';
import { OidcController } from './oidc.controller';

// The OidcIssuer itself comes from the api's global OidcModule (libs/oidc).
@Module({ controllers: [OidcController] })
export class OidcRoutesModule {}
